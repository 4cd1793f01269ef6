package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MaskingBacklogTest {
    @Test
    void lagsAboveTheThresholdOnlyAndReadsTheLagAtMostEveryQuarterSecond() {
        AtomicLong lag = new AtomicLong(1_001);
        AtomicInteger reads = new AtomicInteger();
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        MaskingBacklog backlog = new MaskingBacklog(() -> {
            reads.incrementAndGet();
            return lag.get();
        }, 1_000, clock::get);

        assertThat(backlog.getAsBoolean()).isTrue();
        lag.set(1_000);
        clock.addAndGet(MaskingBacklog.SAMPLE_NANOS - 1);
        assertThat(backlog.getAsBoolean()).as("the sample of a quarter second ago").isTrue();
        assertThat(reads).hasValue(1);
        clock.addAndGet(1);
        assertThat(backlog.getAsBoolean()).as("1,000 is not more than the threshold").isFalse();
        assertThat(reads).hasValue(2);
    }
}
