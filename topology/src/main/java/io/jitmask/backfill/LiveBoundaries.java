package io.jitmask.backfill;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where, per lookback grant and raw partition, live copies begin and the backfill ends. Only the backfill sets
 * it, once the grant is visible to this instance's masking path: the partition's high watermark read after that
 * moment. A record at or above it could not be fetched before, so the masking path processes it with the grant
 * visible; every record below it is the backfill's, including those the masking path met before the boundary was
 * set, which it leaves alone. So each matching record from the window start on is copied exactly once. In
 * memory, so exact within one instance (see docs/ARCHITECTURE.md, "Lookback").
 */
public final class LiveBoundaries {
    private final Map<String, Map<Integer, Long>> byGrant = new ConcurrentHashMap<>();

    /** Sets {@code offset} as the boundary unless one is set already; returns the boundary in force. */
    public long claim(String grantKey, int partition, long offset) {
        Long claimed = byGrant.computeIfAbsent(grantKey, k -> new ConcurrentHashMap<>()).putIfAbsent(partition, offset);
        return claimed == null ? offset : claimed;
    }

    /** The boundary of the grant on the partition, or null while the backfill has not set it. */
    public Long boundary(String grantKey, int partition) {
        Map<Integer, Long> partitions = byGrant.get(grantKey);
        return partitions == null ? null : partitions.get(partition);
    }

    /** Forgets an ended grant's boundaries. */
    public void forget(String grantKey) {
        byGrant.remove(grantKey);
    }

    public boolean holds(String grantKey) {
        return byGrant.containsKey(grantKey);
    }
}
