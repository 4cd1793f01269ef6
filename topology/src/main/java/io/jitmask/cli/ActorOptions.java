package io.jitmask.cli;

import io.jitmask.approval.Ed25519;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
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
        try {
            return Ed25519.privateKey(Files.readString(key));
        } catch (IOException e) {
            throw new ConfigException("cannot read private key file " + key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("private key file " + key + ": " + e.getMessage());
        }
    }
}
