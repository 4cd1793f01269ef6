package io.jitmask.backfill;

/**
 * Spaces records evenly at no more than a given rate, without bursts: each record takes the next free slot, and
 * an idle pacer starts again from now rather than saving up slots.
 */
final class RatePacer {
    private final long intervalNanos;
    private long next;
    private boolean started;

    RatePacer(long perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive, got " + perSecond);
        }
        this.intervalNanos = Math.max(1, 1_000_000_000L / perSecond);
    }

    /** Takes the next slot; returns how many nanoseconds after {@code nowNanos} the record may be handled. */
    long reserve(long nowNanos) {
        if (!started || next - nowNanos < 0) {
            started = true;
            next = nowNanos;
        }
        long wait = next - nowNanos;
        next += intervalNanos;
        return wait;
    }
}
