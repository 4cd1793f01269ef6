package io.jitmask.grants;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masking first: how many events of {@code jit.approvals} the control plane may take per second while the masking
 * path lags. The lifecycle asks before each event ({@link #acquire}); while masking is more than
 * {@code thresholdRecords} behind on raw.*, it is held to {@code eventsPerSecond} (a token bucket: the event waits
 * on the control plane's own thread, so events keep their order and none is refused or lost); otherwise it runs
 * unbounded. The lag is sampled at most every {@link #SAMPLE_NANOS}.
 *
 * <p>The trade-off, for operators: a flood of requests then drains at {@code eventsPerSecond} while masking catches
 * up, and a fresh approval behind the flood waits for the events before it at that rate; masking keeps the CPU.
 * Shared by the control plane's stream threads, so the cap is per instance.
 */
public final class ControlBudget {
    private static final Logger LOG = LoggerFactory.getLogger(ControlBudget.class);
    static final long SAMPLE_NANOS = 250_000_000L;

    /** No cap: what tests and a control plane without a masking path use. */
    public static final ControlBudget NONE = new ControlBudget(() -> 0, 0, 0, System::nanoTime, nanos -> { });

    /** Waits, interruptibly; a seam for tests. */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final LongSupplier maskingLag;
    private final long thresholdRecords;
    private final double eventsPerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long nextSample = Long.MIN_VALUE;
    private boolean lagging;
    private double tokens;
    private long refilledAt;
    private long throttledNanos;

    /**
     * @param maskingLag       records the masking path is behind on raw.* right now
     * @param thresholdRecords above this lag the cap applies
     * @param eventsPerSecond  the cap; 0 for none
     */
    public ControlBudget(LongSupplier maskingLag, long thresholdRecords, double eventsPerSecond, LongSupplier nanoClock,
                         Sleeper sleeper) {
        this.maskingLag = maskingLag;
        this.thresholdRecords = thresholdRecords;
        this.eventsPerSecond = eventsPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Takes one event's share, waiting while masking lags and this second's share is spent. */
    public synchronized void acquire() {
        if (eventsPerSecond <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - nextSample >= 0 || nextSample == Long.MIN_VALUE) {
            boolean wasLagging = lagging;
            lagging = maskingLag.getAsLong() > thresholdRecords;
            nextSample = now + SAMPLE_NANOS;
            if (lagging != wasLagging) {
                // One line per change of state, never per event.
                LOG.info(lagging ? "masking lags by more than {} records: the control plane takes at most {} events/s"
                        : "masking caught up (lag at most {} records): the control plane runs uncapped ({} events/s while lagging)",
                        thresholdRecords, eventsPerSecond);
                tokens = 1;
                refilledAt = now;
            }
        }
        if (!lagging) {
            return;
        }
        // At most one second's worth saved up, so a pause never turns into a burst.
        tokens = Math.min(eventsPerSecond, tokens + (now - refilledAt) * eventsPerSecond / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            long wait = (long) Math.ceil((1 - tokens) * 1e9 / eventsPerSecond);
            try {
                sleeper.sleepNanos(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            throttledNanos += wait;
            tokens = 1;
            refilledAt = nanoClock.getAsLong();
        }
        tokens -= 1;
    }

    /** Time spent waiting for the budget so far (for the metrics and benchmarks). */
    public synchronized long throttledNanos() {
        return throttledNanos;
    }

    public synchronized boolean lagging() {
        return lagging;
    }
}
