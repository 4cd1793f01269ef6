package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * What happened to a grant outside the lifecycle, as a record on {@code jit.grant-results} (key = requestId,
 * partitioned as {@code jit.approvals} so the lifecycle task that owns the request reads it). Workers post the
 * outcome of their commands (at least once: the lifecycle ignores a result its request no longer waits for);
 * masking tasks post LEDGER_CLOSED in the transaction that closes their part of the ledger. Only jitmask writes
 * this topic. Metadata only: counts, offsets, times, exception class names; never a value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantResult(
        @JsonProperty("type") Type type,
        @JsonProperty("requestId") String requestId,
        @JsonProperty("at") Instant at,
        @JsonProperty("partitions") Integer partitions,
        @JsonProperty("partition") Integer partition,
        @JsonProperty("records") Long records,
        @JsonProperty("firstOffset") Long firstOffset,
        @JsonProperty("lastOffset") Long lastOffset,
        @JsonProperty("firstTimestamp") Instant firstTimestamp,
        @JsonProperty("lastTimestamp") Instant lastTimestamp,
        @JsonProperty("command") GrantCommand.Type command,
        @JsonProperty("attempts") Integer attempts,
        @JsonProperty("error") String error,
        @JsonProperty("sourceOffsets") Map<String, AuditEvent.OffsetRange> sourceOffsets,
        @JsonProperty("unreadable") Long unreadable,
        @JsonProperty("retentionLimited") Boolean retentionLimited,
        @JsonProperty("reason") String reason,
        @JsonProperty("results") java.util.List<GrantResult> results) {

    public GrantResult {
        results = results == null ? null : java.util.List.copyOf(results);
    }

    public GrantResult(Type type, String requestId, Instant at, Integer partitions, Integer partition, Long records,
                       Long firstOffset, Long lastOffset, Instant firstTimestamp, Instant lastTimestamp,
                       GrantCommand.Type command, Integer attempts, String error,
                       Map<String, AuditEvent.OffsetRange> sourceOffsets, Long unreadable, Boolean retentionLimited,
                       String reason) {
        this(type, requestId, at, partitions, partition, records, firstOffset, lastOffset, firstTimestamp, lastTimestamp,
                command, attempts, error, sourceOffsets, unreadable, retentionLimited, reason, null);
    }

    public GrantResult(Type type, String requestId, Instant at, Integer partitions, Integer partition, Long records,
                       Long firstOffset, Long lastOffset, Instant firstTimestamp, Instant lastTimestamp,
                       GrantCommand.Type command, Integer attempts, String error,
                       Map<String, AuditEvent.OffsetRange> sourceOffsets) {
        this(type, requestId, at, partitions, partition, records, firstOffset, lastOffset, firstTimestamp, lastTimestamp,
                command, attempts, error, sourceOffsets, null, null, null, null);
    }

    public enum Type {
        /** The grant topic and ACL exist; carries the partition count of the grant (and raw) topic. */
        PROVISIONED,
        /** The grant cannot be provisioned at all (its raw topic does not exist); carries the error class. */
        PROVISION_FAILED,
        /** The grantee's ACL is gone. */
        ACCESS_WITHDRAWN,
        /** One masking task will copy nothing more for the grant from one raw partition: its final ledger entry. */
        LEDGER_CLOSED,
        /** The grant topic is gone (with the counted copies when the command asked for a count). */
        TOPIC_DELETED,
        /** A command keeps failing; the worker goes on retrying. Carries the attempts so far and the error class. */
        COMMAND_FAILING,
        /**
         * A lookback grant's catch-up of one raw partition starts: first offset of the window (firstOffset), last
         * offset before activation (lastOffset), timestamp of the first record (firstTimestamp), whether retention
         * already deleted part of the window. Written by the masking task that owns the partition.
         */
        CATCH_UP_STARTED,
        /** The catch-up of one partition so far: copies (records), their first and last offset, unreadable records. */
        CATCH_UP_PROGRESS,
        /** The catch-up of one partition reached its live copies: its final figures. */
        CATCH_UP_COMPLETED,
        /** The catch-up of one partition stopped before it completed (copy cutoff, end of the grant): with why. */
        CATCH_UP_STOPPED,
        /**
         * Several results of one masking task's punctuation, in {@code results}, in the order they happened: all of
         * them for requests of one partition of {@code jit.grant-results} (keyed by the first one's requestId). One
         * catch-up round reports on every pending grant of its raw partition; one record per round instead of one
         * per grant keeps 1,000 pending grants from writing (and the lifecycle from reading) thousands of records.
         */
        BATCH
    }

    /** Results per batch record at most: a few hundred bytes each, well below the broker's 1 MB record limit. */
    public static final int MAX_BATCH = 500;

    /**
     * {@code results} as records for {@code jit.grant-results} with {@code partitions} partitions: one per partition
     * that has any (more when over {@link #MAX_BATCH}), each keyed by a requestId of that partition so the default
     * partitioner puts it where each of its results would have gone alone. A lone result stays itself. Order is kept
     * within each partition, so within each request.
     */
    public static java.util.List<GrantResult> batched(java.util.List<GrantResult> results, int partitions, Instant at) {
        if (results.size() <= 1) {
            return results;
        }
        Map<Integer, java.util.List<GrantResult>> byPartition = new java.util.LinkedHashMap<>();
        for (GrantResult result : results) {
            byPartition.computeIfAbsent(partitionOf(result.requestId(), partitions), p -> new java.util.ArrayList<>()).add(result);
        }
        java.util.List<GrantResult> out = new java.util.ArrayList<>();
        for (java.util.List<GrantResult> group : byPartition.values()) {
            for (int from = 0; from < group.size(); from += MAX_BATCH) {
                java.util.List<GrantResult> chunk = group.subList(from, Math.min(group.size(), from + MAX_BATCH));
                out.add(chunk.size() == 1 ? chunk.get(0) : new GrantResult(Type.BATCH, chunk.get(0).requestId(), at, null,
                        null, null, null, null, null, null, null, null, null, null, null, null, null, chunk));
            }
        }
        return out;
    }

    /** The partition of {@code jit.grant-results} (and {@code jit.approvals}) a request's records go to. */
    static int partitionOf(String requestId, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    /** The results a record carries: those of a batch, else itself. */
    public java.util.List<GrantResult> unbatched() {
        return type == Type.BATCH ? (results == null ? java.util.List.of() : results) : java.util.List.of(this);
    }

    /** The start of a lookback grant's catch-up on one partition (offsets null when the window is empty there). */
    public static GrantResult catchUpStarted(String requestId, Instant at, int partition, Long first, Long last,
                                             Instant firstTimestamp, boolean retentionLimited) {
        return new GrantResult(Type.CATCH_UP_STARTED, requestId, at, null, partition, null, first, last, firstTimestamp,
                null, null, null, null, null, null, retentionLimited, null);
    }

    /** Progress, completion or stop ({@code type}) of a catch-up on one partition, from its state. */
    public static GrantResult catchUp(Type type, String requestId, Instant at, int partition, CatchUp state, String reason) {
        return new GrantResult(type, requestId, at, null, partition, state.copied(), state.firstOffset(), state.lastOffset(),
                null, null, null, null, null, null, state.unreadable(), null, reason);
    }

    public static GrantResult provisioned(String requestId, Instant at, int partitions) {
        return new GrantResult(Type.PROVISIONED, requestId, at, partitions, null, null, null, null, null, null,
                GrantCommand.Type.PROVISION, null, null, null);
    }

    public static GrantResult provisionFailed(String requestId, Instant at, String error) {
        return new GrantResult(Type.PROVISION_FAILED, requestId, at, null, null, null, null, null, null, null,
                GrantCommand.Type.PROVISION, null, error, null);
    }

    public static GrantResult accessWithdrawn(String requestId, Instant at) {
        return new GrantResult(Type.ACCESS_WITHDRAWN, requestId, at, null, null, null, null, null, null, null,
                GrantCommand.Type.WITHDRAW_ACCESS, null, null, null);
    }

    public static GrantResult ledgerClosed(String requestId, Instant at, int partition, LedgerEntry entry) {
        return new GrantResult(Type.LEDGER_CLOSED, requestId, at, null, partition, entry.records(), entry.firstOffset(),
                entry.lastOffset(), entry.firstTimestamp(), entry.lastTimestamp(), null, null, null, null);
    }

    public static GrantResult topicDeleted(String requestId, Instant at, Long counted,
                                           Map<String, AuditEvent.OffsetRange> countedOffsets) {
        return new GrantResult(Type.TOPIC_DELETED, requestId, at, null, null, counted, null, null, null, null,
                GrantCommand.Type.DELETE_TOPIC, null, null, countedOffsets);
    }

    public static GrantResult failing(String requestId, Instant at, GrantCommand.Type command, int attempts, String error) {
        return new GrantResult(Type.COMMAND_FAILING, requestId, at, null, null, null, null, null, null, null, command,
                attempts, error, null);
    }

    /** The ledger entry a LEDGER_CLOSED result carries. */
    public LedgerEntry ledgerEntry() {
        return new LedgerEntry(records == null ? 0 : records, firstOffset, lastOffset, firstTimestamp, lastTimestamp, true, at);
    }

    public byte[] toBytes() {
        try {
            return GrantJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a result (the message names no content) */
    public static GrantResult fromBytes(byte[] bytes) {
        try {
            GrantResult result = GrantJson.MAPPER.readValue(bytes, GrantResult.class);
            if (result.type() == null || result.requestId() == null) {
                throw new IllegalArgumentException("type and requestId are required");
            }
            for (GrantResult inner : result.unbatched()) {
                if (inner != result && (inner == null || inner.type() == null || inner.type() == Type.BATCH
                        || inner.requestId() == null)) {
                    throw new IllegalArgumentException("a batch holds results with a type and requestId, no batch");
                }
            }
            return result;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a grant result (" + e.getClass().getSimpleName() + ")");
        }
    }
}
