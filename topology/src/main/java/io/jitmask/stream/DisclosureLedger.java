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
    private Instant lastPruned;

    public DisclosureLedger(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** True once this task closed the grant's entry for the partition: no more copies for it from here. */
    public boolean isClosed(String requestId, int partition) {
        byte[] bytes = store.get(LedgerEntry.key(requestId, partition));
        return bytes != null && LedgerEntry.fromBytes(bytes).closed();
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
        byte[] bytes = store.get(LedgerEntry.key(requestId, partition));
        return bytes == null ? LedgerEntry.EMPTY : LedgerEntry.fromBytes(bytes);
    }

    public void put(String requestId, int partition, LedgerEntry entry) {
        store.put(LedgerEntry.key(requestId, partition), entry.toBytes());
    }

    /**
     * Closes this partition's entry of every grant that ended, once, and returns the LEDGER_CLOSED results to send;
     * forgets the entries of grants that are gone altogether (tombstoned after their ledger closed everywhere).
     */
    public List<GrantResult> closeEnded(GrantIndex grants, int partition, Instant now) {
        List<GrantResult> closed = new ArrayList<>();
        for (Grant grant : grants.ending()) {
            String key = LedgerEntry.key(grant.requestId(), partition);
            byte[] bytes = store.get(key);
            LedgerEntry entry = bytes == null ? LedgerEntry.EMPTY : LedgerEntry.fromBytes(bytes);
            if (!entry.closed()) {
                if (grant.hasLookback() && entry.catchUpOrNew().pending()) {
                    // The grant ended before its past was copied here: the catch-up stops with it, audited once.
                    CatchUp stopped = entry.catchUpOrNew().withStatus(CatchUp.Status.STOPPED);
                    entry = entry.withCatchUp(stopped);
                    closed.add(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, grant.requestId(), now, partition,
                            stopped, "grant ended"));
                }
                LedgerEntry done = entry.close(now);
                store.put(key, done.toBytes());
                closed.add(GrantResult.ledgerClosed(grant.requestId(), now, partition, done));
            }
        }
        if (lastPruned != null && now.isBefore(lastPruned.plus(PRUNE_EVERY))) {
            return closed;
        }
        lastPruned = now;
        List<String> forget = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> e = all.next();
                LedgerEntry entry = LedgerEntry.fromBytes(e.value);
                if (entry.closed() && entry.closedAt().plus(KEEP_CLOSED).isBefore(now)
                        && !known(grants, LedgerEntry.requestIdOf(e.key))) {
                    forget.add(e.key);
                }
            }
        }
        forget.forEach(store::delete);
        return closed;
    }

    private static boolean known(GrantIndex grants, String requestId) {
        for (Grant g : grants.all()) {
            if (g.requestId().equals(requestId)) {
                return true;
            }
        }
        for (Grant g : grants.ending()) {
            if (g.requestId().equals(requestId)) {
                return true;
            }
        }
        return false;
    }
}
