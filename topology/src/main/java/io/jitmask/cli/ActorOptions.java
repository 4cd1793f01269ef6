package io.jitmask.cli;

import io.jitmask.approval.Ed25519;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine.Option;

/** Who signs an event, with which private key. */
public final class ActorOptions {
    @Option(names = "--actor", required = true, description = "Your actor name in the keyring.")
    String actor;

    @Option(names = "--key", required = true, description = "Your Ed25519 private key file (from jitmask keygen).")
    Path key;

    public String actor() {
        return actor;
    }

    public PrivateKey privateKey() {
        return Ed25519.readPrivateKey(key);
    }
}
