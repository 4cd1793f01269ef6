package io.jitmask.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackfillPlanTest {
    static final Instant FROM = Instant.parse("2026-11-23T09:00:00Z");
    static final Instant TO = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void readsFromTheFirstRecordOfTheWindowUpToTheBoundaryOnEachPartition() {
        BackfillPlan plan = BackfillPlan.of(FROM, TO, Map.of(0, 10L, 1, 5L, 2, 7L, 3, 4L),
                Map.of(0, new BackfillPlan.First(3, FROM.plusSeconds(60).toEpochMilli()),
                        1, new BackfillPlan.First(5, FROM.plusSeconds(10).toEpochMilli()),
                        3, new BackfillPlan.First(0, FROM.plusSeconds(30).toEpochMilli())),
                Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L));

        // Partition 1's first window record is at the boundary (live), partition 2 has none in the window.
        assertThat(plan.ranges()).isEqualTo(Map.of(0, new BackfillPlan.Range(3, 10), 3, new BackfillPlan.Range(0, 4)));
        assertThat(plan.reachedBack()).isEqualTo(FROM.plusSeconds(30));
        assertThat(plan.retentionLimited()).isEmpty();
        assertThat(plan.retentionNote()).isNull();
        assertThat(plan.auditOffsets()).isEqualTo(Map.of("0", new AuditEvent.OffsetRange(3, 9), "3", new AuditEvent.OffsetRange(0, 3)));
    }

    @Test
    void saysWhereRetentionMayHaveDeletedPartOfTheWindow() {
        BackfillPlan plan = BackfillPlan.of(FROM, TO, Map.of(0, 10L, 1, 10L),
                Map.of(0, new BackfillPlan.First(6, FROM.plusSeconds(600).toEpochMilli()),
                        1, new BackfillPlan.First(8, FROM.plusSeconds(900).toEpochMilli())),
                Map.of(0, 6L, 1, 2L));

        assertThat(plan.retentionLimited()).containsExactly(0);
        assertThat(plan.reachedBack()).isEqualTo(FROM.plusSeconds(600));
        assertThat(plan.retentionNote()).isEqualTo("partitions [0] start at their oldest retained record: older records"
                + " of the window are past the topic's retention and cannot be copied");
    }

    @Test
    void anEmptyWindowPlansNothing() {
        BackfillPlan plan = BackfillPlan.of(FROM, TO, Map.of(0, 0L, 1, 3L), Map.of(), Map.of(0, 0L, 1, 0L));
        assertThat(plan.ranges()).isEmpty();
        assertThat(plan.reachedBack()).isNull();
        assertThat(plan.auditOffsets()).isEmpty();
        assertThat(plan.retentionLimited()).isEqualTo(List.of());
    }
}
