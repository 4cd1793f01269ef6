package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A side effect the lifecycle asks for, as a record on {@code jit.grant-commands} (key = requestId), written in the
 * lifecycle's exactly-once transaction together with the state change that needs it. The grant command workers
 * carry it out ({@link GrantCommandWorker}); every command is idempotent, so a worker that takes a partition over
 * may run again what the previous owner had already done. Metadata only: never a field value.
 *
 * @param type       what to do
 * @param topic      the grant topic
 * @param rawTopic   the raw topic the grant copies from (PROVISION: the grant topic gets its partition count)
 * @param grantee    the principal whose READ ACL is added or removed
 * @param manageAcls whether jitmask manages the grantee's ACL at all
 * @param retentionMs PROVISION: the grant topic's retention
 * @param notBefore  DELETE_TOPIC: not before this instant (the configured grace for copies still to be read)
 * @param countCopies DELETE_TOPIC: count the copies on the topic before deleting it (lookback grants, whose copies
 *                   are made by a backfill run outside the masking path and so outside the disclosure ledger)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantCommand(
        @JsonProperty("type") Type type,
        @JsonProperty("requestId") String requestId,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("topic") String topic,
        @JsonProperty("rawTopic") String rawTopic,
        @JsonProperty("grantee") String grantee,
        @JsonProperty("manageAcls") boolean manageAcls,
        @JsonProperty("retentionMs") Long retentionMs,
        @JsonProperty("notBefore") Instant notBefore,
        @JsonProperty("countCopies") boolean countCopies) {

    public enum Type {
        /** Create the grant topic, then the grantee's READ and DESCRIBE ACL. */
        PROVISION,
        /** Remove the grantee's ACL: the first step of an end. */
        WITHDRAW_ACCESS,
        /** Delete the grant topic: the last step of an end, once every ledger partition is closed. */
        DELETE_TOPIC
    }

    public static GrantCommand provision(String requestId, String dataset, String topic, String rawTopic, String grantee,
                                         boolean manageAcls, long retentionMs) {
        return new GrantCommand(Type.PROVISION, requestId, dataset, topic, rawTopic, grantee, manageAcls, retentionMs,
                null, false);
    }

    public static GrantCommand withdrawAccess(String requestId, String dataset, String topic, String grantee,
                                              boolean manageAcls) {
        return new GrantCommand(Type.WITHDRAW_ACCESS, requestId, dataset, topic, null, grantee, manageAcls, null, null, false);
    }

    public static GrantCommand deleteTopic(String requestId, String dataset, String topic, Instant notBefore,
                                           boolean countCopies) {
        return new GrantCommand(Type.DELETE_TOPIC, requestId, dataset, topic, null, null, false, null, notBefore, countCopies);
    }

    public byte[] toBytes() {
        try {
            return GrantJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a command (the message names no content) */
    public static GrantCommand fromBytes(byte[] bytes) {
        try {
            GrantCommand command = GrantJson.MAPPER.readValue(bytes, GrantCommand.class);
            if (command.type() == null || command.requestId() == null || command.topic() == null) {
                throw new IllegalArgumentException("type, requestId and topic are required");
            }
            return command;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a grant command (" + e.getClass().getSimpleName() + ")");
        }
    }
}
