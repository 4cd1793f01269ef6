package io.jitmask.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signatures made and checked with Bouncy Castle are exactly those of the JDK's provider (Ed25519 is deterministic). */
class Ed25519Test {
    static ObjectNode event(KeyPair keys) {
        return ApprovalEvents.requested("r1", "alice", Instant.parse("2026-11-25T10:00:00Z"), "User:alice", "customers",
                List.of("email"), null, "INC-1 check", 60, null, keys.getPrivate());
    }

    @Test
    void signaturesAreTheJdksAndVerifyBothWays() throws Exception {
        KeyPair keys = Ed25519.generate();
        ObjectNode event = event(keys);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(keys.getPrivate());
        jdk.update(CanonicalJson.signedBytes(event));
        assertThat(event.get("signature").asText()).isEqualTo(Base64.getEncoder().encodeToString(jdk.sign()));
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(keys.getPublic());
        check.update(CanonicalJson.signedBytes(event));
        assertThat(check.verify(Base64.getDecoder().decode(event.get("signature").asText()))).isTrue();
        assertThat(Ed25519.verify(event, keys.getPublic())).isTrue();
    }

    @Test
    void aChangedEventAnotherKeyOrAMangledSignatureDoNotVerify() {
        KeyPair keys = Ed25519.generate();
        ObjectNode event = event(keys);
        assertThat(Ed25519.verify(event.deepCopy().put("justification", "INC-2 other"), keys.getPublic())).isFalse();
        assertThat(Ed25519.verify(event, Ed25519.generate().getPublic())).isFalse();
        String signature = event.get("signature").asText();
        assertThat(Ed25519.verify(event.deepCopy().put("signature", signature.substring(4)), keys.getPublic())).isFalse();
        assertThat(Ed25519.verify(event.deepCopy().put("signature", "not base64!"), keys.getPublic())).isFalse();
        ObjectNode unsigned = event.deepCopy();
        unsigned.remove("signature");
        assertThat(Ed25519.verify(unsigned, keys.getPublic())).isFalse();
    }
}
