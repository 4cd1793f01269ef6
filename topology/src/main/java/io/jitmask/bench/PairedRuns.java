package io.jitmask.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interleaved pairs of runs, one without and one with what is measured, the order alternating from pair to pair
 * (without first, then with first, ...), so that a neighbour loading the shared machine for a minute hits both runs of
 * a pair and a drift of its load favours neither side. Figures are medians of the pairs' ratios.
 */
final class PairedRuns {
    /** One run: {@code measured} with what is measured, else without; {@code label} names it for the progress line. */
    interface Run {
        Map<String, Object> run(boolean measured, String label) throws Exception;
    }

    private final List<Map<String, Object>> without = new ArrayList<>();
    private final List<Map<String, Object>> with = new ArrayList<>();

    private PairedRuns() {
    }

    /** {@code pairs} pairs; {@code what} and {@code none} say what a run with and a run without is, for the progress line. */
    static PairedRuns of(BenchHarness bench, int pairs, String what, String none, Run run) throws Exception {
        PairedRuns runs = new PairedRuns();
        for (int pair = 1; pair <= pairs; pair++) {
            for (boolean measured : pair % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                String label = (measured ? what : none) + ", pair " + pair + " of " + pairs;
                bench.step(label);
                (measured ? runs.with : runs.without).add(run.run(measured, label));
            }
        }
        return runs;
    }

    List<Map<String, Object>> with() {
        return with;
    }

    List<Map<String, Object>> without() {
        return without;
    }

    /**
     * The pairs' figures: records/s (median of the ratios, and each ratio in order), masking-thread CPU per record, and
     * every run under {@code withKey} and {@code withoutKey}.
     */
    Map<String, Object> summary(String withKey, String withoutKey) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pairs", Math.min(with.size(), without.size()));
        out.put("throughputRatio", ratio("perSecond"));
        out.put("throughputRatios", ratios(column(with, "perSecond"), column(without, "perSecond")));
        out.put("maskingCpuPerRecordRatio", ratio("maskingCpuMicrosPerRecord"));
        out.put(withoutKey, without);
        out.put(withKey, with);
        return out;
    }

    /** Median of the pairs' ratios of a numeric figure every run reports. */
    double ratio(String key) {
        return BenchCommand.round(Stats.pairedRatio(column(with, key), column(without, key)));
    }

    static List<Double> column(List<Map<String, Object>> runs, String key) {
        return runs.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList();
    }

    static List<Double> ratios(List<Double> measured, List<Double> baseline) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(measured.size(), baseline.size()); i++) {
            out.add(BenchCommand.round(Stats.ratio(measured.get(i), baseline.get(i))));
        }
        return out;
    }
}
