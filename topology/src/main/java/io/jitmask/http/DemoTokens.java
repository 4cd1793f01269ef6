package io.jitmask.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * For {@code jitmask up}: one random API token per demo actor, created once. The hashes go to {@code api-tokens}
 * (what the server reads); the tokens themselves to {@code demo-api-tokens}, mode 0600, for the person trying it.
 */
public final class DemoTokens {
    public static final String HASHES = "api-tokens";
    public static final String CLEAR = "demo-api-tokens";

    private DemoTokens() {
    }

    /** Creates both files unless the hashes file exists; returns the hashes file. */
    public static Path seed(Path dataDir, List<String> actors) throws IOException {
        Path hashes = dataDir.resolve(HASHES);
        if (Files.exists(hashes)) {
            return hashes;
        }
        SecureRandom random = new SecureRandom();
        StringBuilder hashLines = new StringBuilder("# sha256(token) actor -- written by jitmask up\n");
        StringBuilder clearLines = new StringBuilder("# DEMO API tokens (jitmask up): actor token\n");
        for (String actor : actors) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String token = "jm_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            hashLines.append(TokenAuthenticator.hash(token)).append(' ').append(actor).append('\n');
            clearLines.append(actor).append(' ').append(token).append('\n');
        }
        Path clear = dataDir.resolve(CLEAR);
        Files.deleteIfExists(clear);
        Files.createFile(clear, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(clear, clearLines);
        Files.writeString(hashes, hashLines);
        return hashes;
    }
}
