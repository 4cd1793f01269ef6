package io.jitmask.registry.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * HTTP basic authentication and authorization for the embedded registry ({@code jitmask up --secure}), in the
 * shape of Confluent's: clients send {@code Authorization: Basic base64(user:password)} (Confluent's
 * {@code basic.auth.credentials.source=USER_INFO} with {@code basic.auth.user.info}). Who may do what:
 *
 * <ul>
 *   <li>reading (GET, schema lookups, compatibility checks): any authenticated user;</li>
 *   <li>registering a schema: under the subject prefixes granted to the user ({@code raw.} for the producer,
 *       {@code raw.} and {@code masked.} for jitmask), or any subject for an admin;</li>
 *   <li>deletes, config and mode changes: admins only.</li>
 * </ul>
 *
 * A missing or wrong credential is 401 ({@code error_code} 401), an authenticated user without the right 403
 * ({@code error_code} 40301). Passwords are compared in constant time on their SHA-256 digests and never logged or
 * echoed; refusals name the user and the operation only.
 */
public final class RegistryAuthenticator {
    private final Map<String, byte[]> passwordDigests;
    private final List<String> admins;
    private final Map<String, List<String>> registerPrefixes;

    /**
     * @param passwords password of every user
     * @param admins users who may do anything
     * @param registerPrefixes subject prefixes each non-admin user may register under
     */
    public RegistryAuthenticator(Map<String, String> passwords, List<String> admins, Map<String, List<String>> registerPrefixes) {
        this.passwordDigests = new java.util.HashMap<>();
        passwords.forEach((user, password) -> passwordDigests.put(user, digest(password)));
        this.admins = List.copyOf(admins);
        this.registerPrefixes = Map.copyOf(registerPrefixes);
    }

    /** Throws the Confluent-style refusal when the request may not proceed. */
    void authorize(String method, String path, String authorization) {
        String user = authenticate(authorization);
        if (admins.contains(user)) {
            return;
        }
        String[] parts = path.split("/");
        boolean register = "POST".equals(method) && parts.length == 4 && "subjects".equals(parts[1]) && "versions".equals(parts[3]);
        // Lookups (POST /subjects/{subject}) and compatibility checks only read; any other POST is a write.
        boolean read = "GET".equals(method) || "POST".equals(method)
                && (parts.length == 3 && "subjects".equals(parts[1]) || path.startsWith("/compatibility/"));
        if (read) {
            return;
        }
        if (register) {
            String subject = java.net.URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            if (registerPrefixes.getOrDefault(user, List.of()).stream().anyMatch(subject::startsWith)) {
                return;
            }
            throw denied(user, "Write", "Subject: " + subject);
        }
        throw denied(user, "DELETE".equals(method) ? "Delete" : "Alter", path.startsWith("/config") || path.startsWith("/mode")
                ? "Cluster: schema-registry" : "Subject: " + (parts.length > 2 ? java.net.URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : path));
    }

    private String authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw unauthorized();
        }
        String user = decoded.substring(0, colon);
        byte[] expected = passwordDigests.get(user);
        // Digest even for an unknown user, so the answer takes as long either way.
        byte[] given = digest(decoded.substring(colon + 1));
        if (expected == null || !MessageDigest.isEqual(expected, given)) {
            throw unauthorized();
        }
        return user;
    }

    private static RegistryError unauthorized() {
        return new RegistryError(401, 401, "Unauthorized");
    }

    private static RegistryError denied(String user, String operation, String resource) {
        return new RegistryError(403, 40301, "User " + user + " is denied operation " + operation + " on " + resource);
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
