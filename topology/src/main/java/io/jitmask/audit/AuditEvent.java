package io.jitmask.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One line of the audit trail on {@code jit.audit} (key = requestId): who did what, when, why, and what was
 * delivered, as counts and offsets. Never a field value. Schema: {@code schemas/audit-event.schema.json}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
        @JsonProperty("type") Type type,
        @JsonProperty("requestId") String requestId,
        @JsonProperty("at") Instant at,
        @JsonProperty("actor") String actor,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("grantee") String grantee,
        @JsonProperty("fields") List<String> fields,
        @JsonProperty("filter") JsonNode filter,
        @JsonProperty("approvers") List<String> approvers,
        @JsonProperty("justification") String justification,
        @JsonProperty("comment") String comment,
        @JsonProperty("reason") String reason,
        @JsonProperty("detail") String detail,
        @JsonProperty("topic") String topic,
        @JsonProperty("durationSeconds") Long durationSeconds,
        @JsonProperty("expiresAt") Instant expiresAt,
        @JsonProperty("records") Long records,
        @JsonProperty("sourceOffsets") Map<String, OffsetRange> sourceOffsets,
        @JsonProperty("lookbackSeconds") Long lookbackSeconds,
        @JsonProperty("windowFrom") Instant windowFrom,
        @JsonProperty("windowTo") Instant windowTo,
        @JsonProperty("reachedBack") Instant reachedBack,
        @JsonProperty("windowOffsets") Map<String, OffsetRange> windowOffsets,
        @JsonProperty("schema") io.jitmask.classify.SchemaChange schema) {

    public static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public enum Type {
        REQUESTED, APPROVED, AUTO_APPROVED, DENIED, REJECTED, ACTIVATED, ACTIVATION_FAILED, ACL_NOT_ENFORCED,
        REVOKE_ACCEPTED, EXPIRY_DETECTED, REVOKED, EXPIRED, REQUEST_EXPIRED, DISCLOSURE_SUMMARY, TOPIC_DELETED,
        BACKFILL_STARTED, BACKFILL_PROGRESS, BACKFILL_COMPLETED, BACKFILL_STOPPED,
        SCHEMA_CHANGED, DECLASSIFICATION_LOADED, SIDE_EFFECT_FAILING,
        EXTEND_REQUESTED, EXTEND_APPROVED, EXTEND_DENIED, GRANT_EXTENDED,
        CREDENTIAL_REGISTERED, CREDENTIAL_REMOVED
    }

    /** First and last offset of the raw records delivered from one source partition. */
    public record OffsetRange(@JsonProperty("first") long first, @JsonProperty("last") long last) {
    }

    public static Builder of(Type type, String requestId, Instant at) {
        return new Builder(type, requestId, at);
    }

    public byte[] toBytes() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AuditEvent fromBytes(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, AuditEvent.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an audit event (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Builds an event field by field; absent fields are left out of the JSON. */
    public static final class Builder {
        private final Type type;
        private final String requestId;
        private final Instant at;
        private String actor;
        private String dataset;
        private String grantee;
        private List<String> fields;
        private JsonNode filter;
        private List<String> approvers;
        private String justification;
        private String comment;
        private String reason;
        private String detail;
        private String topic;
        private Long durationSeconds;
        private Instant expiresAt;
        private Long records;
        private Map<String, OffsetRange> sourceOffsets;
        private Long lookbackSeconds;
        private Instant windowFrom;
        private Instant windowTo;
        private Instant reachedBack;
        private Map<String, OffsetRange> windowOffsets;
        private io.jitmask.classify.SchemaChange schema;

        private Builder(Type type, String requestId, Instant at) {
            this.type = type;
            this.requestId = requestId;
            this.at = at;
        }

        public Builder actor(String v) { actor = v; return this; }
        public Builder dataset(String v) { dataset = v; return this; }
        public Builder grantee(String v) { grantee = v; return this; }
        public Builder fields(List<String> v) { fields = v; return this; }
        public Builder filter(JsonNode v) { filter = v; return this; }
        public Builder approvers(List<String> v) { approvers = v; return this; }
        public Builder justification(String v) { justification = v; return this; }
        public Builder comment(String v) { comment = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder detail(String v) { detail = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder durationSeconds(Long v) { durationSeconds = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder records(Long v) { records = v; return this; }
        public Builder sourceOffsets(Map<String, OffsetRange> v) { sourceOffsets = v; return this; }
        public Builder lookbackSeconds(Long v) { lookbackSeconds = v; return this; }
        public Builder windowFrom(Instant v) { windowFrom = v; return this; }
        public Builder windowTo(Instant v) { windowTo = v; return this; }
        public Builder reachedBack(Instant v) { reachedBack = v; return this; }
        public Builder windowOffsets(Map<String, OffsetRange> v) { windowOffsets = v; return this; }
        public Builder schema(io.jitmask.classify.SchemaChange v) { schema = v; return this; }

        public AuditEvent build() {
            return new AuditEvent(type, requestId, at, actor, dataset, grantee, fields, filter, approvers, justification,
                    comment, reason, detail, topic, durationSeconds, expiresAt, records, sourceOffsets, lookbackSeconds,
                    windowFrom, windowTo, reachedBack, windowOffsets, schema);
        }
    }
}
