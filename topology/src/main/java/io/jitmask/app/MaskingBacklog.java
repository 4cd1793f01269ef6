package io.jitmask.app;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether this instance's masking path lags by more than a threshold of records on raw.* (the lookback catch-ups yield
 * to it then). The lag is read at most every {@link #SAMPLE_NANOS}, as the control plane's budget reads it: reading it
 * walks the masking instance's client metrics, too much for every punctuation of every task. Thread-safe.
 */
final class MaskingBacklog implements BooleanSupplier {
    static final long SAMPLE_NANOS = 250_000_000L;

    private final LongSupplier lag;
    private final long thresholdRecords;
    private final LongSupplier nanoClock;
    private long nextSample;
    private boolean sampled;
    private boolean lagging;

    MaskingBacklog(LongSupplier lag, long thresholdRecords, LongSupplier nanoClock) {
        this.lag = lag;
        this.thresholdRecords = thresholdRecords;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized boolean getAsBoolean() {
        long now = nanoClock.getAsLong();
        if (!sampled || now - nextSample >= 0) {
            lagging = lag.getAsLong() > thresholdRecords;
            nextSample = now + SAMPLE_NANOS;
            sampled = true;
        }
        return lagging;
    }
}
