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

    /**
     * The demo policy's text with datasets renamed ({@code renames}: shipped name to the test's own), so a class
     * gets topics of its own under the shipped rules.
     */
    public static String policyWithDatasetsRenamed(java.util.Map<String, String> renames) {
        try {
            String policy = Files.readString(POLICY);
            for (java.util.Map.Entry<String, String> rename : renames.entrySet()) {
                String from = "\n  " + rename.getKey() + ":\n";
                if (!policy.contains(from)) {
                    throw new IllegalStateException("deploy/policy.yaml has no dataset " + rename.getKey());
                }
                policy = policy.replace(from, "\n  " + rename.getValue() + ":\n");
            }
            return policy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The demo policy with {@code requireWebAuthn: true} on the PII tag's approval rule, written into {@code dir}. */
    public static Path policyRequiringWebAuthn(Path dir) {
        try {
            String policy = Files.readString(POLICY);
            String rule = "  PII:\n    sensitivity: medium\n    technique: {type: hmac}\n    approval:\n      approvers: 1\n";
            if (!policy.contains(rule)) {
                throw new IllegalStateException("deploy/policy.yaml changed: its PII approval rule is not where it was");
            }
            return Files.writeString(dir.resolve("policy-webauthn.yaml"),
                    policy.replace(rule, rule + "      requireWebAuthn: true\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
