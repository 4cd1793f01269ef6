package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The admission task's answer to an ADMIT, on the internal topic
 * {@code <application.id>-control-admission-answers-repartition} (key = requestId), written to the partition the ADMIT
 * came from ({@code origin}), which is co-partitioned with {@code jit.approvals}: the lifecycle task that holds the
 * request reads it. Written in the admission task's exactly-once transaction together with the count it moved.
 *
 * @param pending the requester's pending requests before this one (REFUSED: the count that refused it)
 * @param limit   the limit the answer was given under
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdmissionAnswer(@JsonProperty("type") Type type, @JsonProperty("requestId") String requestId,
                              @JsonProperty("requester") String requester, @JsonProperty("origin") int origin,
                              @JsonProperty("pending") long pending, @JsonProperty("limit") int limit) {
    public enum Type { ADMITTED, REFUSED }

    public byte[] toBytes() {
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AdmissionAnswer fromBytes(byte[] bytes) {
        try {
            return AuditEvent.MAPPER.readValue(bytes, AdmissionAnswer.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
