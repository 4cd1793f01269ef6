package io.jitmask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void nearestRankPercentiles() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 9.0, 8.0, 7.0, 6.0);
        assertThat(Stats.percentile(values, 50)).isEqualTo(5.0);
        assertThat(Stats.percentile(values, 99)).isEqualTo(10.0);
        assertThat(Stats.percentile(values, 10)).isEqualTo(1.0);
        assertThat(Stats.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void steadyRateUsesTheTenToNinetyPercentWindow() {
        // 1,000 records: 100 visible at t = 1 s, 900 at t = 3 s -> 800 records in 2 s.
        List<long[]> progress = List.of(new long[] {0, 0}, new long[] {1_000_000_000L, 100}, new long[] {2_000_000_000L, 500},
                new long[] {3_000_000_000L, 900}, new long[] {9_000_000_000L, 1000});
        assertThat(Stats.steadyRate(progress, 1000)).isEqualTo(400.0);
        assertThat(Stats.ratio(85, 100)).isEqualTo(0.85);
    }

    @Test
    void cpuPerRecordUsesTheSameWindow() {
        // 100 records at 1 s with 2 s of CPU used, 900 at 3 s with 6 s used -> 4 s of CPU for 800 records = 5,000 us.
        List<long[]> progress = List.of(new long[] {0, 0, 0}, new long[] {1_000_000_000L, 100, 2_000_000_000L},
                new long[] {3_000_000_000L, 900, 6_000_000_000L}, new long[] {9_000_000_000L, 1000, 9_000_000_000L});
        assertThat(Stats.steadyCpuMicrosPerRecord(progress, 1000)).isEqualTo(5000.0);
        assertThat(Stats.steadyCpuMicrosPerRecord(List.of(new long[] {0, 0, 0}), 1000)).isNaN();
        assertThat(Stats.steadyCpuMicrosPerRecord(List.of(new long[] {0, 100, -1}, new long[] {1, 900, -1}), 1000)).isNaN();
    }

    @Test
    void pairedRatioIsTheMedianOfPerRunRatios() {
        // Run 2 was slow for both (a busy neighbour): pairing keeps its ratio, 0.9, instead of mixing runs.
        assertThat(Stats.pairedRatio(List.of(90.0, 45.0, 80.0), List.of(100.0, 50.0, 100.0))).isEqualTo(0.9);
        assertThat(Stats.pairedRatio(List.of(1.0, 2.0), List.of(2.0))).isEqualTo(0.5);
        assertThat(Stats.pairedRatio(List.of(), List.of())).isNaN();
    }
}
