package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The control plane's budget on a hand clock: uncapped while masking keeps up, held to its rate while it lags. */
class ControlBudgetTest {
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final AtomicLong lag = new AtomicLong();
    final List<Long> sleeps = new ArrayList<>();
    final ControlBudget budget = new ControlBudget(lag::get, 1_000, 100, clock::get, nanos -> {
        sleeps.add(nanos);
        clock.addAndGet(nanos);
    });

    @Test
    void masksKeepingUpLeaveTheControlPlaneUncapped() {
        lag.set(1_000);
        for (int i = 0; i < 10_000; i++) {
            budget.acquire();
        }
        assertThat(sleeps).isEmpty();
        assertThat(budget.lagging()).isFalse();
    }

    @Test
    void whileMaskingLagsEventsAreTakenAtTheBudgetsRateAndUncappedOnceItCatchesUp() {
        lag.set(1_001);
        long start = clock.get();
        for (int i = 0; i < 201; i++) {
            budget.acquire();
        }
        // The first event goes at once; the next 200 at 100/s: two seconds, never faster.
        assertThat(clock.get() - start).isEqualTo(2_000_000_000L);
        assertThat(sleeps).hasSize(200).allMatch(nanos -> nanos == 10_000_000L);
        assertThat(budget.throttledNanos()).isEqualTo(2_000_000_000L);

        lag.set(0);
        clock.addAndGet(ControlBudget.SAMPLE_NANOS);
        sleeps.clear();
        for (int i = 0; i < 1_000; i++) {
            budget.acquire();
        }
        assertThat(sleeps).isEmpty();
        assertThat(budget.lagging()).isFalse();
    }

    @Test
    void aQuietSpellWhileLaggingSavesUpAtMostOneSecondsWorth() {
        lag.set(50_000);
        budget.acquire();
        clock.addAndGet(60_000_000_000L);
        for (int i = 0; i < 100; i++) {
            budget.acquire();
        }
        assertThat(sleeps).isEmpty();
        budget.acquire();
        assertThat(sleeps).containsExactly(10_000_000L);
    }

    @Test
    void aZeroRateNeverWaitsNorReadsTheLag() {
        ControlBudget none = new ControlBudget(() -> {
            throw new AssertionError("lag read");
        }, 0, 0, clock::get, nanos -> sleeps.add(nanos));
        none.acquire();
        ControlBudget.NONE.acquire();
        assertThat(sleeps).isEmpty();
    }
}
