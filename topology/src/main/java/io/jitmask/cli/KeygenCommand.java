package io.jitmask.cli;

import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask keygen}: an actor's Ed25519 key pair; the private key stays with them, the public one goes in the keyring. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create an Ed25519 signing key for an actor and print its keyring entry.")
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--actor", required = true, description = "Actor name ([a-z0-9._-]).")
    String actor;

    @Option(names = "--out", defaultValue = ".", description = "Directory for <actor>.key (default: current directory).")
    Path out;

    @Option(names = "--roles", split = ",", description = "Roles to print in the keyring entry.")
    java.util.List<String> roles = java.util.List.of();

    @Override
    public Integer call() throws IOException {
        if (!Keyring.ACTOR_NAME.matcher(actor).matches()) {
            throw new ConfigException("actor name must match " + Keyring.ACTOR_NAME.pattern());
        }
        KeyPair pair = Ed25519.generate();
        Path file = out.resolve(actor + ".key");
        Files.createDirectories(out);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new ConfigException("key file " + file + " already exists; not overwriting it");
        }
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + Ed25519.encode(pair.getPrivate()) + "\n-----END PRIVATE KEY-----\n");
        spec.commandLine().getErr().println("private key written to " + file + " (mode 0600); keep it secret");
        spec.commandLine().getOut().println("  " + actor + ": {publicKey: \"" + Ed25519.encode(pair.getPublic())
                + "\", roles: [" + String.join(", ", roles) + "], principal: \"User:" + actor + "\"}");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
