package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the lifecycle asks of the per-requester count of pending requests, on the control plane's internal topic
 * {@code <application.id>-control-admission-repartition} (key = requester, so one admission task counts each
 * requester whatever partition of {@code jit.approvals} its requests came on). Written in the lifecycle task's
 * exactly-once transaction together with the status change it stands for. Names and ids only.
 *
 * @param origin ADMIT: the partition of {@code jit.approvals} (the lifecycle task) the answer goes back to
 * @param count  COUNT: pending requests the sending lifecycle task already had when admission started (upgrade)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdmissionCommand(@JsonProperty("type") Type type, @JsonProperty("requester") String requester,
                               @JsonProperty("requestId") String requestId, @JsonProperty("origin") Integer origin,
                               @JsonProperty("count") Long count) {
    public enum Type {
        /** A checked request asks for a pending slot: answered ADMITTED (and counted) or REFUSED. */
        ADMIT,
        /** An admitted request left PENDING (approved, auto-approved, denied, withdrawn, expired): one slot less. */
        RELEASE,
        /** Seeds the count with the pending requests a lifecycle task held before admission existed. */
        COUNT
    }

    public static AdmissionCommand admit(String requester, String requestId, int origin) {
        return new AdmissionCommand(Type.ADMIT, requester, requestId, origin, null);
    }

    public static AdmissionCommand release(String requester, String requestId) {
        return new AdmissionCommand(Type.RELEASE, requester, requestId, null, null);
    }

    public static AdmissionCommand count(String requester, long count) {
        return new AdmissionCommand(Type.COUNT, requester, null, null, count);
    }

    public byte[] toBytes() {
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AdmissionCommand fromBytes(byte[] bytes) {
        try {
            return AuditEvent.MAPPER.readValue(bytes, AdmissionCommand.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
