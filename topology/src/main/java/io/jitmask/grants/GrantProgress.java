package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far a grant's side effects have got, as the lifecycle knows it from {@code jit.grant-results} (store
 * {@code grant-progress}, key requestId, next to {@code grant-requests}): the partition count of its topic, who
 * ended it and why (kept here so a restart never loses them), whether the ACL is gone, and the closed ledger entry
 * of every raw partition. Metadata only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantProgress(
        @JsonProperty("partitions") Integer partitions,
        @JsonProperty("endActor") String endActor,
        @JsonProperty("endDetail") String endDetail,
        @JsonProperty("accessWithdrawn") boolean accessWithdrawn,
        @JsonProperty("ledger") Map<Integer, LedgerEntry> ledger,
        @JsonProperty("deleteRequested") boolean deleteRequested,
        @JsonProperty("failingReported") Map<String, Integer> failingReported,
        @JsonProperty("countTopic") boolean countTopic) {

    public static final GrantProgress NONE = new GrantProgress(null, null, null, false, Map.of(), false, Map.of(), false);

    public GrantProgress {
        ledger = ledger == null ? Map.of() : Map.copyOf(ledger);
        failingReported = failingReported == null ? Map.of() : Map.copyOf(failingReported);
    }

    public GrantProgress withPartitions(int count) {
        return new GrantProgress(count, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, failingReported, countTopic);
    }

    public GrantProgress ending(String actor, String detail) {
        return new GrantProgress(partitions, actor, detail, accessWithdrawn, ledger, deleteRequested, failingReported, countTopic);
    }

    public GrantProgress accessGone() {
        return new GrantProgress(partitions, endActor, endDetail, true, ledger, deleteRequested, failingReported, countTopic);
    }

    public GrantProgress withClosed(int partition, LedgerEntry entry) {
        Map<Integer, LedgerEntry> closed = new TreeMap<>(ledger);
        closed.putIfAbsent(partition, entry);
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, closed, deleteRequested, failingReported, countTopic);
    }

    public GrantProgress deleting() {
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, ledger, true, failingReported, countTopic);
    }

    /**
     * True when a COMMAND_FAILING report of {@code command} after {@code attempts} attempts is news: more attempts than
     * any report already audited. A worker that crashed after posting a report starts counting again on the new
     * owner and posts the same attempt count again; that repeat is no second SIDE_EFFECT_FAILING.
     */
    public boolean failingIsNews(String command, int attempts) {
        return attempts > failingReported.getOrDefault(command, 0);
    }

    /** Remembers that a COMMAND_FAILING report of {@code command} after {@code attempts} attempts was audited. */
    public GrantProgress failingReported(String command, int attempts) {
        Map<String, Integer> reported = new TreeMap<>(failingReported);
        reported.merge(command, attempts, Math::max);
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, reported, countTopic);
    }

    /**
     * The end of a grant that a release before the command log had started (ENDING with no progress entry): its
     * copies were made before the ledger existed, so no ledger entry is waited for and the summary counts the
     * copies on its topic before deleting it, as it did then.
     */
    public GrantProgress endedByEarlierRelease(String actor, String detail) {
        return new GrantProgress(0, actor, detail, accessWithdrawn, Map.of(), deleteRequested, failingReported, true);
    }

    /** True once every raw partition's masking task has closed its ledger entry for the grant. */
    @JsonIgnore
    public boolean ledgerComplete() {
        if (partitions == null) {
            return false;
        }
        for (int p = 0; p < partitions; p++) {
            if (!ledger.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    /** Copies delivered, from the closed ledger. */
    @JsonIgnore
    public long records() {
        return ledger.values().stream().mapToLong(LedgerEntry::records).sum();
    }

    /** First and last raw offset of the copies, per raw partition that had any. */
    @JsonIgnore
    public Map<String, AuditEvent.OffsetRange> sourceOffsets() {
        Map<String, AuditEvent.OffsetRange> out = new TreeMap<>();
        ledger.forEach((partition, entry) -> {
            if (entry.records() > 0) {
                out.put(Integer.toString(partition), new AuditEvent.OffsetRange(entry.firstOffset(), entry.lastOffset()));
            }
        });
        return out;
    }

    /** Timestamp of the earliest raw record disclosed, or null when none was. */
    @JsonIgnore
    public Instant firstDisclosed() {
        return ledger.values().stream().map(LedgerEntry::firstTimestamp).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
    }

    /** Timestamp of the latest raw record disclosed, or null when none was. */
    @JsonIgnore
    public Instant lastDisclosed() {
        return ledger.values().stream().map(LedgerEntry::lastTimestamp).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }

    public byte[] toBytes() {
        try {
            return GrantJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GrantProgress fromBytes(byte[] bytes) {
        try {
            return GrantJson.MAPPER.readValue(bytes, GrantProgress.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
