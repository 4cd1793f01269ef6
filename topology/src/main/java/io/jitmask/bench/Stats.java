package io.jitmask.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles (nearest rank) and ratios for the benchmark report. */
public final class Stats {
    private Stats() {
    }

    /** Nearest-rank percentile of {@code values}, {@code p} in (0, 100]. */
    public static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public static double ratio(double measured, double baseline) {
        return baseline == 0 ? Double.NaN : measured / baseline;
    }

    /**
     * Records per second between the moments the output passed 10% and 90% of its target, so start-up and the
     * last partial commit do not count: {@code times[i]} is when {@code counts[i]} records were visible.
     */
    public static double steadyRate(List<long[]> progress, long target) {
        long lowCount = target / 10;
        long highCount = target * 9 / 10;
        long[] low = null;
        long[] high = null;
        for (long[] point : progress) {
            if (low == null && point[1] >= lowCount) {
                low = point;
            }
            if (high == null && point[1] >= highCount) {
                high = point;
            }
        }
        if (low == null || high == null || high[0] == low[0]) {
            return Double.NaN;
        }
        return (high[1] - low[1]) / ((high[0] - low[0]) / 1e9);
    }
}
