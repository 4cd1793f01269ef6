package io.jitmask.http;

import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps bearer tokens to keyring actors. The tokens file holds only SHA-256 hashes, one {@code <hex> <actor>} per
 * line ({@code #} starts a comment), so a leaked file reveals no token. A presented token is hashed and compared
 * with every entry in constant time; no comparison stops early.
 */
public final class TokenAuthenticator {
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})\\s+(\\S+)");

    private record Entry(byte[] hash, Keyring.Actor actor) {
    }

    private final List<Entry> entries;

    private TokenAuthenticator(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @param file the tokens file, or null: then no token is valid and every call is refused */
    public static TokenAuthenticator load(Path file, Keyring keyring) {
        List<Entry> entries = new ArrayList<>();
        if (file == null) {
            return new TokenAuthenticator(entries);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read API tokens file " + file);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            var m = LINE.matcher(line);
            if (!m.matches()) {
                // The line may hold a clear token by mistake: never quote it.
                throw new ConfigException("API tokens file " + file + " line " + (i + 1)
                        + ": expected '<sha256 hex of the token> <actor>'");
            }
            String actor = m.group(2);
            int lineNumber = i + 1;
            Keyring.Actor known = keyring.actor(actor).orElseThrow(() -> new ConfigException(
                    "API tokens file " + file + " line " + lineNumber + ": actor '" + actor + "' is not in the keyring"));
            entries.add(new Entry(HexFormat.of().parseHex(m.group(1)), known));
        }
        return new TokenAuthenticator(entries);
    }

    /** The actor of an {@code Authorization: Bearer <token>} header, if the token is known. */
    public Optional<Keyring.Actor> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = sha256(authorization.substring(7).strip());
        Keyring.Actor found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented) && found == null) {
                found = entry.actor();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return entries.size();
    }

    /** Lower-case hex SHA-256 of a token, as the tokens file holds it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
