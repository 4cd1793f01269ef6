package io.jitmask.stream;

/**
 * How many past records the lookback catch-ups of one instance may copy, per second, across all its stream tasks:
 * a token bucket refilled at {@code perSecond} and holding at most a tenth of a second's worth, so a burst is never
 * more than one catch-up round's share. Counted in copies written, not in records read. Thread-safe.
 */
public final class CatchUpBudget {
    private final long perSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;
    private boolean started;

    public CatchUpBudget(long perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1.0, perSecond / 10.0);
    }

    /** Takes up to {@code wanted} copies; returns how many may be written now (0 when the budget is spent). */
    public synchronized int take(int wanted, long nowNanos) {
        if (!started) {
            // Starts full: the first round of a fresh instance copies its share at once.
            started = true;
            lastNanos = nowNanos;
            tokens = capacity;
        }
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perSecond / 1e9);
        lastNanos = nowNanos;
        int granted = (int) Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        return Math.max(0, granted);
    }

    /** Returns copies taken but not written. */
    public synchronized void giveBack(int unused) {
        tokens = Math.min(capacity, tokens + Math.max(0, unused));
    }
}
