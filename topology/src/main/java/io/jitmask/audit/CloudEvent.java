package io.jitmask.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A CloudEvents 1.0 event in JSON structured mode ({@code application/cloudevents+json}): the envelope jitmask uses
 * for notifications and for the audit export, so any CloudEvents consumer (Knative, Azure Event Grid, Splunk or
 * Elastic behind an HTTP sink) takes them without jitmask code. {@code data} is always a JSON object.
 */
public record CloudEvent(String id, String source, String type, String subject, Instant time, JsonNode data) {
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String SPEC_VERSION = "1.0";

    /** The {@code source} attribute of everything one jitmask application emits. */
    public static String source(String applicationId) {
        return "/jitmask/" + applicationId;
    }

    public ObjectNode toJson() {
        ObjectNode json = AuditEvent.MAPPER.createObjectNode();
        json.put("specversion", SPEC_VERSION);
        json.put("id", id);
        json.put("source", source);
        json.put("type", type);
        if (subject != null) {
            json.put("subject", subject);
        }
        // RFC 3339, as the spec requires; Instant.toString is ISO-8601 in UTC, which is RFC 3339.
        json.put("time", time.toString());
        json.put("datacontenttype", "application/json");
        json.set("data", data);
        return json;
    }

    public byte[] toBytes() {
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(toJson());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The documented mapping of one {@code jit.audit} record: id = {@code jit.audit-<partition>-<offset>} (unique and
     * stable, so a consumer can deduplicate a replay), type = {@code io.jitmask.audit.<type in lower case>}, subject =
     * the request id, time = the event's {@code at}, data = the audit event exactly as on the topic.
     */
    public static CloudEvent ofAudit(String applicationId, int partition, long offset, AuditEvent event, JsonNode json) {
        return new CloudEvent(auditId(partition, offset), source(applicationId),
                "io.jitmask.audit." + event.type().name().toLowerCase(java.util.Locale.ROOT), event.requestId(),
                event.at(), json);
    }

    public static String auditId(int partition, long offset) {
        return io.jitmask.config.Topics.AUDIT + "-" + partition + "-" + offset;
    }
}
