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
        long[][] window = steadyWindow(progress, target);
        if (window == null || window[1][0] == window[0][0]) {
            return Double.NaN;
        }
        return (window[1][1] - window[0][1]) / ((window[1][0] - window[0][0]) / 1e9);
    }

    /**
     * Microseconds of process CPU per record over the same 10%-90% window as {@link #steadyRate}; each progress
     * point carries the process CPU time (ns) as its third value.
     */
    public static double steadyCpuMicrosPerRecord(List<long[]> progress, long target) {
        return steadyMicrosPerRecord(progress, target, 2);
    }

    /** Microseconds of the nanosecond counter in {@code column} of each point per record, over the 10%-90% window. */
    public static double steadyMicrosPerRecord(List<long[]> progress, long target, int column) {
        long[][] window = steadyWindow(progress, target);
        if (window == null || window[1][1] == window[0][1] || window[0].length <= column || window[0][column] < 0) {
            return Double.NaN;
        }
        return (window[1][column] - window[0][column]) / 1e3 / (window[1][1] - window[0][1]);
    }

    /**
     * Share of one core the nanosecond counter in {@code column} grew by over the 10%-90% window (1.0: one core
     * busy the whole window).
     */
    public static double steadyCores(List<long[]> progress, long target, int column) {
        long[][] window = steadyWindow(progress, target);
        if (window == null || window[1][0] == window[0][0] || window[0].length <= column) {
            return Double.NaN;
        }
        return (double) (window[1][column] - window[0][column]) / (window[1][0] - window[0][0]);
    }

    /** The first points at or past 10% and 90% of {@code target}, or null when the progress never got there. */
    private static long[][] steadyWindow(List<long[]> progress, long target) {
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
        return low == null || high == null ? null : new long[][] {low, high};
    }

    /** Median of the ratios of paired runs (same repetition): drifts of a shared machine cancel within a pair. */
    public static double pairedRatio(List<Double> measured, List<Double> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(measured.size(), baseline.size()); i++) {
            ratios.add(ratio(measured.get(i), baseline.get(i)));
        }
        return percentile(ratios, 50);
    }
}
