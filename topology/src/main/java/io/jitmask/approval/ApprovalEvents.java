package io.jitmask.approval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Builds and signs the events of the approval contract, as the CLI (or any client) posts them. */
public final class ApprovalEvents {
    private ApprovalEvents() {
    }

    /** A fresh request id: {@code r} and 16 hex digits. */
    public static String newRequestId() {
        return "r" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static ObjectNode base(String type, String requestId, String actor, Instant at) {
        return CanonicalJson.MAPPER.createObjectNode().put("type", type).put("requestId", requestId).put("actor", actor)
                .put("at", at.truncatedTo(ChronoUnit.MILLIS).toString());
    }

    /** @param keys record keys the grant is limited to, or null/empty for every record */
    public static ObjectNode requested(String requestId, String actor, Instant at, String grantee, String dataset,
                                       List<String> fields, List<String> keys, String justification, long durationSeconds,
                                       Long lookbackSeconds, PrivateKey key) {
        ObjectNode event = base("REQUESTED", requestId, actor, at).put("grantee", grantee).put("dataset", dataset);
        ArrayNode fieldArray = event.putArray("fields");
        fields.forEach(fieldArray::add);
        if (keys != null && !keys.isEmpty()) {
            ArrayNode keyArray = event.putObject("filter").putArray("keys");
            keys.forEach(keyArray::add);
        }
        event.put("justification", justification).put("durationSeconds", durationSeconds);
        if (lookbackSeconds != null) {
            event.put("lookbackSeconds", lookbackSeconds);
        }
        return Ed25519.sign(event, key);
    }

    /** Approves exactly this request: its digest binds the approval to every byte the requester signed. */
    public static ObjectNode approved(ObjectNode request, String actor, Instant at, String comment, PrivateKey key) {
        return approvedDigest(request.get("requestId").asText(), CanonicalJson.digest(request), actor, at, comment, key);
    }

    /** Approves the signed event (a request, or an extension of a live grant) whose canonical digest is given. */
    public static ObjectNode approvedDigest(String requestId, String digest, String actor, Instant at, String comment,
                                           PrivateKey key) {
        return approved(requestId, digest, actor, at, comment, null, key);
    }

    /**
     * @param webauthn the approver's passkey assertion over the approval challenge
     *                 ({@link io.jitmask.webauthn.ApprovalChallenge}), or null
     */
    public static ObjectNode approved(ObjectNode request, String actor, Instant at, String comment,
                                      com.fasterxml.jackson.databind.JsonNode webauthn, PrivateKey key) {
        return approved(request.get("requestId").asText(), CanonicalJson.digest(request), actor, at, comment, webauthn, key);
    }

    private static ObjectNode approved(String requestId, String digest, String actor, Instant at, String comment,
                                       com.fasterxml.jackson.databind.JsonNode webauthn, PrivateKey key) {
        ObjectNode event = base("APPROVED", requestId, actor, at).put("requestDigest", digest);
        if (comment != null) {
            event.put("comment", comment);
        }
        if (webauthn != null) {
            event.set("webauthn", webauthn);
        }
        return Ed25519.sign(event, key);
    }

    /** The {@code signature} of an approval authenticated by its passkey assertion alone: this prefix and the assertion's signature. */
    public static final String PASSKEY_SIGNATURE_PREFIX = "webauthn:";

    /**
     * An approval whose only signature is the approver's passkey assertion over the request's approval challenge: no
     * Ed25519 key is involved, so a server relaying it holds no key of the approver. Its {@code signature} names the
     * assertion's signature ({@link #PASSKEY_SIGNATURE_PREFIX}), which keeps every such event distinct for replay checks.
     */
    public static ObjectNode approvedWithPasskey(ObjectNode request, String actor, Instant at, String comment,
                                                 ObjectNode webauthn) {
        return approvedDigestWithPasskey(request.get("requestId").asText(), CanonicalJson.digest(request), actor, at,
                comment, webauthn);
    }

    /** A passkey-only approval of the signed event (a request, or an extension of a live grant) of this digest. */
    public static ObjectNode approvedDigestWithPasskey(String requestId, String digest, String actor, Instant at,
                                                       String comment, ObjectNode webauthn) {
        ObjectNode event = base("APPROVED", requestId, actor, at).put("requestDigest", digest);
        if (comment != null) {
            event.put("comment", comment);
        }
        event.set("webauthn", webauthn);
        return event.put("signature", PASSKEY_SIGNATURE_PREFIX + webauthn.path("signature").asText());
    }

    /** Asks to extend the live grant of {@code requestId} by {@code extendSeconds}; approved like a request. */
    public static ObjectNode extendRequested(String requestId, String extensionId, String actor, Instant at,
                                             String justification, long extendSeconds, PrivateKey key) {
        return Ed25519.sign(base("EXTEND_REQUESTED", requestId, actor, at).put("extensionId", extensionId)
                .put("justification", justification).put("extendSeconds", extendSeconds), key);
    }

    /** A fresh extension id: {@code x} and 12 hex digits. */
    public static String newExtensionId() {
        return "x" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static ObjectNode denied(String requestId, String actor, Instant at, String reason, PrivateKey key) {
        return Ed25519.sign(base("DENIED", requestId, actor, at).put("reason", reason), key);
    }

    public static ObjectNode revoked(String requestId, String actor, Instant at, String reason, PrivateKey key) {
        return Ed25519.sign(base("REVOKED", requestId, actor, at).put("reason", reason), key);
    }
}
