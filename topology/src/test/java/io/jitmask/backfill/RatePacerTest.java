package io.jitmask.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RatePacerTest {
    static final long MS = 1_000_000L;

    @Test
    void spacesRecordsEvenlyAtTheRate() {
        RatePacer pacer = new RatePacer(4);
        assertThat(pacer.reserve(0)).isZero();
        assertThat(pacer.reserve(0)).isEqualTo(250 * MS);
        assertThat(pacer.reserve(100 * MS)).isEqualTo(400 * MS);
        assertThat(pacer.reserve(750 * MS)).isZero();
        assertThat(pacer.reserve(750 * MS)).isEqualTo(250 * MS);
    }

    @Test
    void anIdlePacerSavesNoSlotsForABurst() {
        RatePacer pacer = new RatePacer(10);
        assertThat(pacer.reserve(0)).isZero();
        assertThat(pacer.reserve(10_000 * MS)).isZero();
        assertThat(pacer.reserve(10_000 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new RatePacer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be positive, got 0");
    }
}
