package io.jitmask.stream;

import io.jitmask.grants.CatchUp;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantResult;
import io.jitmask.grants.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One masking task's part of the exact disclosure ledger (store {@code grant-ledger}): per grant and raw partition,
 * the copies written, counted in the task's exactly-once transaction with the copies themselves (the store's
 * changelog is written in the same transaction), so a crash, a replay or a handover can neither lose nor double a
 * count. When the task sees a grant ENDING it closes the grant's entry for its partition, copies nothing more for
 * it, and reports the final entry to the lifecycle (LEDGER_CLOSED on {@code jit.grant-results}) in the same
 * transaction. Metadata only: counts, offsets and timestamps, never a value.
 */
public final class DisclosureLedger {
    /**
     * A closed entry of a grant gone from the index is forgotten only this long after it closed: an instance whose
     * global store still lags (a task just moved to it) must find it closed, not copy again.
     */
    static final java.time.Duration KEEP_CLOSED = java.time.Duration.ofHours(1);

    static final java.time.Duration PRUNE_EVERY = java.time.Duration.ofMinutes(1);

    private final KeyValueStore<String, byte[]> store;
    /**
     * The entries read or written since this ledger was made (when the task was initialised), parsed: every write
     * goes through here, so they are in step with the store, and the live path and the catch-up rounds read no store
     * and parse no JSON for an entry they saw before (with 1,000 pending lookback grants every round looked at every
     * grant's entry). An aborted transaction rolls the store back and re-initialises the task, which makes a new
     * ledger, so a rolled-back entry is never read from here. An absent entry is kept as {@link LedgerEntry#EMPTY}.
     */
    private final java.util.Map<String, LedgerEntry> entries = new java.util.HashMap<>();
    private Instant lastPruned;

    public DisclosureLedger(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** True once this task closed the grant's entry for the partition: no more copies for it from here. */
    public boolean isClosed(String requestId, int partition) {
        return entry(requestId, partition).closed();
    }

    /** One copy of the raw record at {@code offset} (timestamp {@code timestamp}) written for the grant. */
    public void record(String requestId, int partition, long offset, Instant timestamp) {
        LedgerEntry entry = entry(requestId, partition);
        put(requestId, partition, entry.plus(offset, timestamp));
    }

    /**
     * A live copy of the record at {@code offset} for the grant, if the grant's split allows it: always for a grant
     * without lookback; for a lookback grant only from its catch-up's {@code next} on ({@link CatchUp#copiesLive}),
     * and then the first live offset is remembered. Returns false (and records nothing) when the catch-up has
     * copied, or will copy, that offset.
     */
    public boolean recordLive(Grant grant, int partition, long offset, Instant timestamp) {
        LedgerEntry entry = entry(grant.requestId(), partition);
        if (!grant.hasLookback()) {
            put(grant.requestId(), partition, entry.plus(offset, timestamp));
            return true;
        }
        CatchUp catchUp = entry.catchUpOrNew();
        if (!catchUp.copiesLive(offset)) {
            return false;
        }
        put(grant.requestId(), partition, entry.plus(offset, timestamp).withCatchUp(catchUp.live(offset)));
        return true;
    }

    /** The grant's entry for the partition, {@link LedgerEntry#EMPTY} when there is none. */
    public LedgerEntry entry(String requestId, int partition) {
        return entry(LedgerEntry.key(requestId, partition));
    }

    private LedgerEntry entry(String key) {
        LedgerEntry known = entries.get(key);
        if (known == null) {
            byte[] bytes = store.get(key);
            known = bytes == null ? LedgerEntry.EMPTY : LedgerEntry.fromBytes(bytes);
            entries.put(key, known);
        }
        return known;
    }

    public void put(String requestId, int partition, LedgerEntry entry) {
        put(LedgerEntry.key(requestId, partition), entry);
    }

    private void put(String key, LedgerEntry entry) {
        store.put(key, entry.toBytes());
        entries.put(key, entry);
    }

    /**
     * Closes this partition's entry of every grant that ended, once, and returns the LEDGER_CLOSED results to send;
     * forgets the entries of grants that are gone altogether (tombstoned after their ledger closed everywhere).
     */
    public List<GrantResult> closeEnded(GrantIndex grants, int partition, Instant now) {
        List<GrantResult> closed = new ArrayList<>();
        for (Grant grant : grants.ending()) {
            String key = LedgerEntry.key(grant.requestId(), partition);
            LedgerEntry entry = entry(key);
            if (!entry.closed()) {
                if (grant.hasLookback() && entry.catchUpOrNew().pending()) {
                    // The grant ended before its past was copied here: the catch-up stops with it, audited once.
                    CatchUp stopped = entry.catchUpOrNew().withStatus(CatchUp.Status.STOPPED);
                    entry = entry.withCatchUp(stopped);
                    closed.add(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, grant.requestId(), now, partition,
                            stopped, "grant ended"));
                }
                LedgerEntry done = entry.close(now);
                put(key, done);
                closed.add(GrantResult.ledgerClosed(grant.requestId(), now, partition, done));
            }
        }
        if (lastPruned != null && now.isBefore(lastPruned.plus(PRUNE_EVERY))) {
            return closed;
        }
        lastPruned = now;
        java.util.Set<String> known = new java.util.HashSet<>();
        grants.all().forEach(g -> known.add(g.requestId()));
        grants.ending().forEach(g -> known.add(g.requestId()));
        List<String> forget = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> e = all.next();
                LedgerEntry entry = entry(e.key);
                if (entry.closed() && entry.closedAt().plus(KEEP_CLOSED).isBefore(now)
                        && !known.contains(LedgerEntry.requestIdOf(e.key))) {
                    forget.add(e.key);
                }
            }
        }
        for (String key : forget) {
            store.delete(key);
            entries.remove(key);
        }
        // Absent entries looked up for grants that are gone: nothing to keep.
        entries.entrySet().removeIf(e -> e.getValue() == LedgerEntry.EMPTY && !known.contains(LedgerEntry.requestIdOf(e.getKey())));
        return closed;
    }
}
