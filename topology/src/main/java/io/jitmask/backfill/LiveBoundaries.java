package io.jitmask.backfill;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where, per lookback grant and raw partition, live copies begin and the backfill ends: one offset, claimed once
 * by whichever comes first.
 *
 * <ul>
 *   <li>The masking path claims the offset of the first matching record it processes with the grant visible in
 *   its index. Records after it on that partition are processed later, so with the grant visible too.</li>
 *   <li>The backfill, once the grant is visible, claims the partition's high watermark read after that moment:
 *   a record at or above it could not be fetched before, so it is processed with the grant visible.</li>
 * </ul>
 * The live path copies a record of a lookback grant only at or above the boundary, the backfill only below it:
 * every matching record from the window start on is copied exactly once, without a gap at the seam. In memory,
 * so exact within one instance (see docs/ARCHITECTURE.md, "Lookback").
 */
public final class LiveBoundaries {
    private final Map<String, Map<Integer, Long>> byGrant = new ConcurrentHashMap<>();

    /** Claims {@code offset} as the boundary unless one is claimed already; returns the boundary in force. */
    public long claim(String grantKey, int partition, long offset) {
        Long claimed = byGrant.computeIfAbsent(grantKey, k -> new ConcurrentHashMap<>()).putIfAbsent(partition, offset);
        return claimed == null ? offset : claimed;
    }

    /** Forgets an ended grant's boundaries. */
    public void forget(String grantKey) {
        byGrant.remove(grantKey);
    }

    public boolean holds(String grantKey) {
        return byGrant.containsKey(grantKey);
    }
}
