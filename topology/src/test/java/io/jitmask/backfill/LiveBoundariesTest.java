package io.jitmask.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveBoundariesTest {
    @Test
    void theFirstClaimPerGrantAndPartitionWins() {
        LiveBoundaries boundaries = new LiveBoundaries();
        assertThat(boundaries.claim("d/r1", 0, 7)).isEqualTo(7);
        assertThat(boundaries.claim("d/r1", 0, 3)).isEqualTo(7);
        assertThat(boundaries.claim("d/r1", 0, 12)).isEqualTo(7);
        assertThat(boundaries.claim("d/r1", 1, 12)).isEqualTo(12);
        assertThat(boundaries.claim("d/r2", 0, 1)).isEqualTo(1);
        assertThat(boundaries.boundary("d/r1", 0)).isEqualTo(7);
        assertThat(boundaries.boundary("d/r1", 2)).isNull();
        assertThat(boundaries.boundary("d/r3", 0)).isNull();
    }

    @Test
    void anEndedGrantIsForgotten() {
        LiveBoundaries boundaries = new LiveBoundaries();
        boundaries.claim("d/r1", 0, 7);
        assertThat(boundaries.holds("d/r1")).isTrue();
        boundaries.forget("d/r1");
        assertThat(boundaries.holds("d/r1")).isFalse();
        assertThat(boundaries.claim("d/r1", 0, 9)).isEqualTo(9);
    }
}
