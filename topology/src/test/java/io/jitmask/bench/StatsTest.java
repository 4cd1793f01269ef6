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
}
