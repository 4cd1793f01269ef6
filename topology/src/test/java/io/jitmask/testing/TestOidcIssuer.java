package io.jitmask.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small but real OpenID provider on loopback, built on Nimbus JOSE+JWT: discovery document, JWKS (with key
 * rotation), an authorization endpoint with a sign-in form, and a token endpoint that redeems codes only with the
 * right PKCE verifier (S256), client id and redirect URI. Access tokens are RS256 JWTs typed {@code at+jwt}.
 */
public final class TestOidcIssuer implements AutoCloseable {
    private record Code(String clientId, String redirectUri, String challenge, String subject, List<String> groups) {
    }

    private final HttpServer server;
    private final String issuer;
    private final String audience;
    private final List<RSAKey> published = new CopyOnWriteArrayList<>();
    private volatile RSAKey current;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> groupsOf = new ConcurrentHashMap<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    public TestOidcIssuer(String audience) throws IOException {
        this.audience = audience;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 20);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
        current = newKey();
        published.add(current);
        server.createContext("/realms/test/.well-known/openid-configuration", x -> json(x, 200, """
                {"issuer":"%1$s","jwks_uri":"%1$s/jwks","authorization_endpoint":"%1$s/authorize",
                 "token_endpoint":"%1$s/token","response_types_supported":["code"],
                 "code_challenge_methods_supported":["S256"],"id_token_signing_alg_values_supported":["RS256"]}"""
                .formatted(issuer)));
        server.createContext("/realms/test/jwks", x -> json(x, 200, new JWKSet(new ArrayList<>(published)).toString(true)));
        server.createContext("/realms/test/authorize", this::authorize);
        server.createContext("/realms/test/token", this::token);
        server.start();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** Groups the sign-in form gives a subject (none unless set). */
    public void groups(String subject, List<String> groups) {
        groupsOf.put(subject, List.copyOf(groups));
    }

    /** A new signing key, published beside the old one (the first step of a rotation). */
    public void rotate() {
        current = newKey();
        published.add(current);
    }

    /** Stops publishing every key but the current one (the last step of a rotation). */
    public void retireOldKeys() {
        published.removeIf(k -> !k.getKeyID().equals(current.getKeyID()));
    }

    public String token(String subject, List<String> groups, Duration life) {
        return sign(current, issuer, audience, subject, groups, Instant.now(), Instant.now().plus(life));
    }

    public String tokenFor(String audienceOverride, String subject) {
        return sign(current, issuer, audienceOverride, subject, List.of(), Instant.now(), Instant.now().plusSeconds(300));
    }

    public String tokenOfIssuer(String otherIssuer, String subject) {
        return sign(current, otherIssuer, audience, subject, List.of(), Instant.now(), Instant.now().plusSeconds(300));
    }

    /** Expired two minutes ago (beyond any clock-skew allowance). */
    public String expiredToken(String subject) {
        return sign(current, issuer, audience, subject, List.of(), Instant.now().minusSeconds(600), Instant.now().minusSeconds(120));
    }

    /** Well-formed, right claims, signed by a key this issuer never published. */
    public String tokenSignedByUnknownKey(String subject) {
        return sign(newKey(), issuer, audience, subject, List.of(), Instant.now(), Instant.now().plusSeconds(300));
    }

    private static String sign(RSAKey key, String iss, String aud, String subject, List<String> groups, Instant iat, Instant exp) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject(subject)
                    .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).jwtID(UUID.randomUUID().toString())
                    .claim("groups", groups).claim("client_id", "jitmask-console").build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(new JOSEObjectType("at+jwt")).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET: a sign-in form carrying the authorization request; POST: issues a code and redirects back. */
    private void authorize(HttpExchange x) throws IOException {
        Map<String, String> q = form(x.getRequestMethod().equals("POST")
                ? new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : x.getRequestURI().getRawQuery());
        if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null || q.get("redirect_uri") == null) {
            json(x, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        if (x.getRequestMethod().equals("GET")) {
            StringBuilder hidden = new StringBuilder();
            for (String name : List.of("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                    "code_challenge_method")) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(escape(q.getOrDefault(name, ""))).append("\">");
            }
            byte[] page = ("<!doctype html><html><body><h1>Test identity provider</h1><form method=\"post\">" + hidden
                    + "<label>Username <input id=\"username\" name=\"username\"></label>"
                    + "<button id=\"sign-in\" type=\"submit\">Sign in</button></form></body></html>").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, page.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
            return;
        }
        String subject = q.getOrDefault("username", "");
        String code = UUID.randomUUID().toString();
        codes.put(code, new Code(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge"), subject,
                groupsOf.getOrDefault(subject, List.of())));
        String location = q.get("redirect_uri") + (q.get("redirect_uri").contains("?") ? "&" : "?") + "code=" + code
                + "&state=" + java.net.URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Location", location);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    private void token(HttpExchange x) throws IOException {
        Map<String, String> f = form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        tokenRequests.add(f.getOrDefault("grant_type", ""));
        Code code = f.get("code") == null ? null : codes.remove(f.get("code"));
        if (code == null || !"authorization_code".equals(f.get("grant_type"))
                || !code.clientId().equals(f.get("client_id")) || !code.redirectUri().equals(f.get("redirect_uri"))
                || f.get("code_verifier") == null || !code.challenge().equals(s256(f.get("code_verifier")))) {
            json(x, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String token = token(code.subject(), code.groups(), Duration.ofMinutes(5));
        json(x, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
    }

    public List<String> tokenRequests() {
        return tokenRequests;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
