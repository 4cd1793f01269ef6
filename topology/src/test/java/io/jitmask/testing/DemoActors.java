package io.jitmask.testing;

import io.jitmask.approval.Ed25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

/** The demo keyring's actors (deploy/keyring.yaml) and their private keys (deploy/demo-keys). */
public final class DemoActors {
    public static final Path KEYRING = Path.of("../deploy/keyring.yaml").toAbsolutePath();
    public static final Path POLICY = Path.of("../deploy/policy.yaml").toAbsolutePath();

    private DemoActors() {
    }

    public static PrivateKey key(String actor) {
        try {
            return Ed25519.privateKey(Files.readString(Path.of("../deploy/demo-keys/" + actor + ".key")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
