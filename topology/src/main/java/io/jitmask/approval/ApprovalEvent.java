package io.jitmask.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An event on {@code jit.approvals}, parsed and structurally checked. The JSON as received is kept: signatures
 * and digests are computed over it, so a field this class does not know is still covered by the signature.
 */
public record ApprovalEvent(ObjectNode json, Type type, String requestId, String actor, Instant at, String signature) {
    /** EXTEND_REQUESTED: the grantee asks to extend a live grant; decided by APPROVED / DENIED like a request. */
    public enum Type { REQUESTED, APPROVED, DENIED, REVOKED, EXTEND_REQUESTED }

    private static final Set<String> COMMON = Set.of("type", "requestId", "actor", "at", "signature");

    public static ApprovalEvent parse(String key, byte[] value) {
        if (value == null) {
            throw new Rejection(Rejection.Reason.MALFORMED, "empty event");
        }
        JsonNode node;
        try {
            node = CanonicalJson.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new Rejection(Rejection.Reason.MALFORMED, "not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Rejection(Rejection.Reason.MALFORMED, "not a JSON object");
        }
        ObjectNode json = (ObjectNode) node;
        Type type;
        try {
            type = Type.valueOf(text(json, "type"));
        } catch (IllegalArgumentException e) {
            throw new Rejection(Rejection.Reason.MALFORMED, "unknown type (expected REQUESTED, APPROVED, DENIED, REVOKED or EXTEND_REQUESTED)");
        }
        String requestId = text(json, "requestId");
        if (!Topics.isValidName(requestId)) {
            throw new Rejection(Rejection.Reason.MALFORMED, "requestId must match " + Topics.NAME.pattern());
        }
        if (key != null && !key.equals(requestId)) {
            throw new Rejection(Rejection.Reason.MALFORMED, "record key does not match requestId");
        }
        String actor = text(json, "actor");
        Instant at;
        try {
            at = UtcInstants.parse(text(json, "at"));
        } catch (DateTimeParseException e) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'at' must be an ISO-8601 UTC instant");
        }
        String signature = text(json, "signature");
        ApprovalEvent event = new ApprovalEvent(json, type, requestId, actor, at, signature);
        event.checkFields();
        return event;
    }

    private void checkFields() {
        switch (type) {
            case REQUESTED -> {
                text(json, "grantee");
                text(json, "dataset");
                text(json, "justification");
                fields();
                positive("durationSeconds");
                if (json.has("lookbackSeconds")) {
                    nonNegative("lookbackSeconds");
                }
                if (json.has("filter") && !json.get("filter").isObject()) {
                    throw new Rejection(Rejection.Reason.MALFORMED, "'filter' must be an object");
                }
            }
            case APPROVED -> {
                String digest = text(json, "requestDigest");
                if (!digest.matches("[0-9a-f]{64}")) {
                    throw new Rejection(Rejection.Reason.MALFORMED, "'requestDigest' must be 64 lowercase hex digits (SHA-256)");
                }
                optionalText("comment");
                if (json.has("webauthn") && !json.get("webauthn").isObject()) {
                    throw new Rejection(Rejection.Reason.MALFORMED, "'webauthn' must be an object (a passkey assertion)");
                }
            }
            case DENIED, REVOKED -> text(json, "reason");
            case EXTEND_REQUESTED -> {
                if (!Topics.isValidName(text(json, "extensionId"))) {
                    throw new Rejection(Rejection.Reason.MALFORMED, "extensionId must match " + Topics.NAME.pattern());
                }
                text(json, "justification");
                positive("extendSeconds");
            }
            default -> throw new IllegalStateException();
        }
    }

    public List<String> fields() {
        JsonNode fields = json.get("fields");
        if (fields == null || !fields.isArray() || fields.isEmpty()) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'fields' must be a non-empty array of field paths");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode field : fields) {
            if (!field.isTextual() || field.asText().isBlank()) {
                throw new Rejection(Rejection.Reason.MALFORMED, "'fields' must hold field paths (strings)");
            }
            if (!out.contains(field.asText())) {
                out.add(field.asText());
            }
        }
        return out;
    }

    public String string(String name) {
        return json.path(name).isTextual() ? json.get(name).asText() : null;
    }

    public long number(String name) {
        return json.path(name).asLong();
    }

    private long positive(String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() <= 0) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'" + name + "' must be a positive whole number");
        }
        return value.asLong();
    }

    private long nonNegative(String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'" + name + "' must be a whole number of at least 0");
        }
        return value.asLong();
    }

    private void optionalText(String name) {
        if (json.has(name) && !json.get(name).isTextual()) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'" + name + "' must be a string");
        }
    }

    private static String text(ObjectNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new Rejection(Rejection.Reason.MALFORMED, "'" + name + "' is missing or not a string");
        }
        return value.asText();
    }

    static boolean isCommon(String field) {
        return COMMON.contains(field);
    }
}
