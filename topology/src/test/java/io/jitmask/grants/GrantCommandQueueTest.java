package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.jitmask.testing.HandClock;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The worker's queue alone, on a clock the test moves: ordering per request, backoff, reports, offsets, handover. */
class GrantCommandQueueTest {
    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    static final TopicPartition P0 = new TopicPartition("jit.grant-commands", 0);
    static final TopicPartition P1 = new TopicPartition("jit.grant-commands", 1);

    final HandClock clock = new HandClock(T0);
    final GrantCommandQueue queue = new GrantCommandQueue(clock);

    static GrantCommand provision(String id) {
        return GrantCommand.provision(id, "customers", "grant.customers." + id, "raw.customers", "User:alice", true, 1000);
    }

    static GrantCommand withdraw(String id) {
        return GrantCommand.withdrawAccess(id, "customers", "grant.customers." + id, "User:alice", true);
    }

    static List<String> names(List<GrantCommandQueue.Pending> due) {
        return due.stream().map(p -> p.command().type() + " " + p.command().requestId()).toList();
    }

    @Test
    void aRequestsCommandsRunInLogOrderAndOtherRequestsNeverWaitForThem() {
        queue.add(P0, 10, provision("r1"));
        queue.add(P0, 11, provision("r2"));
        queue.add(P0, 12, withdraw("r1"));
        assertThat(names(queue.due())).containsExactly("PROVISION r1", "PROVISION r2");

        // r1's provisioning keeps failing: r2 goes ahead, r1's withdrawal waits behind r1's provisioning.
        GrantCommandQueue.Pending r1 = queue.due().get(0);
        assertThat(queue.failed(r1)).isZero();
        assertThat(names(queue.due())).containsExactly("PROVISION r2");
        queue.done(queue.due().get(0));
        assertThat(queue.due()).isEmpty();
        assertThat(queue.committable(P0, 13)).as("the oldest unfinished command").isEqualTo(10);

        clock.now = T0.plus(GrantCommandQueue.FIRST_BACKOFF);
        assertThat(names(queue.due())).containsExactly("PROVISION r1");
        queue.done(queue.due().get(0));
        assertThat(names(queue.due())).containsExactly("WITHDRAW_ACCESS r1");
        assertThat(queue.committable(P0, 13)).isEqualTo(12);
        queue.done(queue.due().get(0));
        assertThat(queue.committable(P0, 13)).as("nothing left: up to the position").isEqualTo(13);
        assertThat(queue.size()).isZero();
    }

    @Test
    void retriesWithExponentialBackoffWithoutLimitAndReportsTheFifthFailureThenEveryTwentieth() {
        queue.add(P0, 0, provision("r1"));
        List<Integer> reported = new java.util.ArrayList<>();
        List<Duration> waits = new java.util.ArrayList<>();
        for (int attempt = 1; attempt <= 45; attempt++) {
            GrantCommandQueue.Pending due = queue.due().get(0);
            int report = queue.failed(due);
            if (report > 0) {
                reported.add(report);
            }
            Instant next = queue.nextDue();
            waits.add(Duration.between(clock.now, next));
            assertThat(queue.due()).as("not before its backoff").isEmpty();
            clock.now = next;
        }
        assertThat(reported).containsExactly(5, 25, 45);
        assertThat(waits.subList(0, 8)).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(waits.get(44)).isEqualTo(Duration.ofSeconds(30));
        assertThat(queue.failing()).isEqualTo(1);
        assertThat(queue.size()).as("never dropped while the partition is owned").isEqualTo(1);
    }

    @Test
    void aDeletionWaitsForItsGraceAndAHandoverDropsThePartitionsCommands() {
        queue.add(P0, 5, GrantCommand.deleteTopic("r1", "customers", "grant.customers.r1", T0.plusSeconds(5), false));
        queue.add(P1, 7, provision("r2"));
        assertThat(names(queue.due())).containsExactly("PROVISION r2");
        assertThat(queue.nextDue()).isEqualTo(T0);
        queue.done(queue.due().get(0));
        assertThat(queue.nextDue()).isEqualTo(T0.plusSeconds(5));
        clock.now = T0.plusSeconds(5);
        assertThat(names(queue.due())).containsExactly("DELETE_TOPIC r1");

        // The partition moves to another instance: its commands are that owner's now, from the committed offset.
        queue.drop(List.of(P0));
        assertThat(queue.due()).isEmpty();
        assertThat(queue.committable(P0, 6)).isEqualTo(6);
        // A result for a command dropped meanwhile is never rescheduled here.
        assertThat(queue.failed(new GrantCommandQueue.Pending(P0, 5, provision("r1"), 0, T0))).isZero();
        assertThat(queue.size()).isZero();
    }
}
