package io.jitmask.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sortsKeysRecursivelyWithoutWhitespace() throws Exception {
        assertThat(CanonicalJson.string(JSON.readTree("{ \"b\": 1, \"a\": {\"z\": [3, {\"y\": true, \"x\": null}], \"c\": \"é\\n\"} }")))
                .isEqualTo("{\"a\":{\"c\":\"é\\n\",\"z\":[3,{\"x\":null,\"y\":true}]},\"b\":1}");
    }

    @Test
    void digestIsSha256HexOfTheCanonicalForm() throws Exception {
        // sha256 of {"a":1}
        assertThat(CanonicalJson.digest(JSON.readTree("{ \"a\" : 1 }")))
                .isEqualTo("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
    }

    @Test
    void signaturesCoverEveryFieldButTheSignature() throws Exception {
        KeyPair pair = Ed25519.generate();
        ObjectNode event = (ObjectNode) JSON.readTree("{\"type\":\"REVOKED\",\"requestId\":\"r1\",\"actor\":\"bob\","
                + "\"at\":\"2026-11-23T10:00:00Z\",\"reason\":\"done\"}");
        Ed25519.sign(event, pair.getPrivate());
        ObjectNode reordered = (ObjectNode) JSON.readTree("{\"reason\":\"done\",\"at\":\"2026-11-23T10:00:00Z\","
                + "\"actor\":\"bob\",\"requestId\":\"r1\",\"type\":\"REVOKED\",\"signature\":\"" + event.get("signature").asText() + "\"}");
        assertThat(Ed25519.verify(reordered, pair.getPublic())).as("key order does not matter").isTrue();
        ObjectNode tampered = event.deepCopy().put("reason", "other");
        assertThat(Ed25519.verify(tampered, pair.getPublic())).isFalse();
        ObjectNode extra = event.deepCopy().put("durationSeconds", 99);
        assertThat(Ed25519.verify(extra, pair.getPublic())).as("an added field breaks the signature").isFalse();
        assertThat(Ed25519.verify(event, Ed25519.generate().getPublic())).isFalse();
    }
}
