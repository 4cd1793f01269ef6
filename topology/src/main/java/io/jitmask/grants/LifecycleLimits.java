package io.jitmask.grants;

import java.time.Duration;

/**
 * The bounds that keep the lifecycle's state and work small however long it runs and whatever arrives on
 * {@code jit.approvals}.
 *
 * @param requestTtl             a request not granted within this long of its signed {@code at} expires
 * @param pruneHorizon           a finished request leaves the store this long (plus the allowed clock skew) after it
 *                               ended, and an event whose signed {@code at} is this old is refused as {@code STALE}:
 *                               so a pruned request can never be replayed into life again
 * @param maxPendingPerRequester how many undecided requests one requester may have at once, over every partition
 *                               ({@link AdmissionProcessor}); more are refused as {@code TOO_MANY_PENDING}
 */
public record LifecycleLimits(Duration requestTtl, Duration pruneHorizon, int maxPendingPerRequester) {
    public static final Duration DEFAULT_PRUNE_HORIZON = Duration.ofDays(7);
    public static final int DEFAULT_MAX_PENDING_PER_REQUESTER = 50;

    public LifecycleLimits {
        if (requestTtl.isNegative() || requestTtl.isZero() || pruneHorizon.isNegative() || pruneHorizon.isZero()
                || maxPendingPerRequester <= 0) {
            throw new IllegalArgumentException("lifecycle limits must be positive");
        }
    }

    /** The defaults, with the given request TTL. */
    public static LifecycleLimits withTtl(Duration requestTtl) {
        return new LifecycleLimits(requestTtl, DEFAULT_PRUNE_HORIZON, DEFAULT_MAX_PENDING_PER_REQUESTER);
    }

    /** When a finished request may leave the store: late enough that every event it ever accepted is STALE by then. */
    public java.time.Instant pruneAt(java.time.Instant endedAt) {
        return endedAt.plus(pruneHorizon).plus(ApprovalValidator.MAX_CLOCK_SKEW);
    }

    /** Whether an event signed at {@code at} is too old to be taken at {@code now}. */
    public boolean isStale(java.time.Instant at, java.time.Instant now) {
        return !at.isAfter(now.minus(pruneHorizon));
    }
}
