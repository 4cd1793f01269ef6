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
        @JsonProperty("countTopic") boolean countTopic,
        @JsonProperty("backfill") Backfill backfill) {

    public static final GrantProgress NONE = new GrantProgress(null, null, null, false, Map.of(), false, Map.of(), false, null);

    public GrantProgress {
        ledger = ledger == null ? Map.of() : Map.copyOf(ledger);
        failingReported = failingReported == null ? Map.of() : Map.copyOf(failingReported);
    }

    public GrantProgress(Integer partitions, String endActor, String endDetail, boolean accessWithdrawn,
                         Map<Integer, LedgerEntry> ledger, boolean deleteRequested, Map<String, Integer> failingReported,
                         boolean countTopic) {
        this(partitions, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, failingReported, countTopic, null);
    }

    /**
     * A lookback grant's catch-up as the masking tasks reported it per raw partition (CATCH_UP_* results): the start
     * of each, the latest figures of each, and whether BACKFILL_STARTED and the final BACKFILL_COMPLETED/STOPPED
     * were audited (each exactly once).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backfill(
            @JsonProperty("starts") Map<Integer, GrantResult> starts,
            @JsonProperty("latest") Map<Integer, GrantResult> latest,
            @JsonProperty("startAudited") boolean startAudited,
            @JsonProperty("endAudited") boolean endAudited) {

        public static final Backfill NONE = new Backfill(Map.of(), Map.of(), false, false);

        public Backfill {
            starts = starts == null ? Map.of() : Map.copyOf(starts);
            latest = latest == null ? Map.of() : Map.copyOf(latest);
        }

        public Backfill started(GrantResult result) {
            Map<Integer, GrantResult> next = new TreeMap<>(starts);
            next.putIfAbsent(result.partition(), result);
            return new Backfill(next, latest, startAudited, endAudited);
        }

        public Backfill report(GrantResult result) {
            Map<Integer, GrantResult> next = new TreeMap<>(latest);
            GrantResult before = next.get(result.partition());
            // Terminal reports are final; a progress report never replaces one.
            if (before == null || before.type() == GrantResult.Type.CATCH_UP_PROGRESS) {
                next.put(result.partition(), result);
            }
            return new Backfill(starts, next, startAudited, endAudited);
        }

        public Backfill startDone() {
            return new Backfill(starts, latest, true, endAudited);
        }

        public Backfill endDone() {
            return new Backfill(starts, latest, startAudited, true);
        }

        /** Copies of the past written so far, all partitions. */
        @JsonIgnore
        public long copied() {
            return latest.values().stream().mapToLong(r -> r.records() == null ? 0 : r.records()).sum();
        }

        @JsonIgnore
        public long unreadable() {
            return latest.values().stream().mapToLong(r -> r.unreadable() == null ? 0 : r.unreadable()).sum();
        }

        /** First and last raw offset of the catch-up's copies per partition that had any. */
        @JsonIgnore
        public Map<String, AuditEvent.OffsetRange> copiedOffsets() {
            Map<String, AuditEvent.OffsetRange> out = new TreeMap<>();
            latest.forEach((p, r) -> {
                if (r.records() != null && r.records() > 0) {
                    out.put(Integer.toString(p), new AuditEvent.OffsetRange(r.firstOffset(), r.lastOffset()));
                }
            });
            return out;
        }

        /** True once every one of {@code partitions} reported its catch-up completed or stopped. */
        public boolean allEnded(int partitions) {
            for (int p = 0; p < partitions; p++) {
                GrantResult r = latest.get(p);
                if (r == null || r.type() == GrantResult.Type.CATCH_UP_PROGRESS) {
                    return false;
                }
            }
            return true;
        }
    }

    @JsonIgnore
    public Backfill backfillOrNone() {
        return backfill == null ? Backfill.NONE : backfill;
    }

    public GrantProgress withBackfill(Backfill next) {
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, failingReported,
                countTopic, next);
    }

    public GrantProgress withPartitions(int count) {
        return new GrantProgress(count, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, failingReported, countTopic, backfill);
    }

    public GrantProgress ending(String actor, String detail) {
        return new GrantProgress(partitions, actor, detail, accessWithdrawn, ledger, deleteRequested, failingReported, countTopic, backfill);
    }

    public GrantProgress accessGone() {
        return new GrantProgress(partitions, endActor, endDetail, true, ledger, deleteRequested, failingReported, countTopic, backfill);
    }

    public GrantProgress withClosed(int partition, LedgerEntry entry) {
        Map<Integer, LedgerEntry> closed = new TreeMap<>(ledger);
        closed.putIfAbsent(partition, entry);
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, closed, deleteRequested, failingReported, countTopic, backfill);
    }

    public GrantProgress deleting() {
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, ledger, true, failingReported, countTopic, backfill);
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
        return new GrantProgress(partitions, endActor, endDetail, accessWithdrawn, ledger, deleteRequested, reported, countTopic, backfill);
    }

    /**
     * The end of a grant that a release before the command log had started (ENDING with no progress entry): its
     * copies were made before the ledger existed, so no ledger entry is waited for and the summary counts the
     * copies on its topic before deleting it, as it did then.
     */
    public GrantProgress endedByEarlierRelease(String actor, String detail) {
        return new GrantProgress(0, actor, detail, accessWithdrawn, Map.of(), deleteRequested, failingReported, true, backfill);
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
