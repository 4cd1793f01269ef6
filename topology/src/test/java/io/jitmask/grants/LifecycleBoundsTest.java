package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle's bounds: deadlines in a time-ordered index, counters kept as statuses change, finished requests
 * pruned after the horizon, STALE events, and the per-requester limit on pending requests.
 */
class LifecycleBoundsTest {
    static final Instant START = GrantLifecycleProcessorTest.START;
    static final Duration TTL = Duration.ofHours(1);
    static final Duration HORIZON = Duration.ofHours(2);

    @TempDir
    Path stateDir;
    LifecycleDriver lifecycle;

    void start(int maxPending) {
        lifecycle = LifecycleDriver.builder("lifecycle-bounds-test", START).stateDir(stateDir)
                .limits(new LifecycleLimits(TTL, HORIZON, maxPending)).start();
    }

    @AfterEach
    void tearDown() {
        if (lifecycle != null) {
            lifecycle.close();
        }
    }

    static ObjectNode request(String id, String actor, Instant at) {
        return ApprovalEvents.requested(id, actor, at, "User:" + actor, "customers", List.of("email"), null,
                "INC-9 bounded lifecycle", 600, null, DemoActors.key(actor));
    }

    static String deadline(Instant at, String requestId) {
        return LifecycleStore.deadlineKey(at, requestId);
    }

    @Test
    void everyRequestHasOneDeadlineThatMovesWithItsStatusAndTheCountersFollow() {
        start(20);
        ObjectNode r1 = request("b1", "alice", START);
        lifecycle.post(r1);
        lifecycle.post(request("b2", "alice", START));
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsExactly(
                Map.entry(deadline(START.plus(TTL), "b1"), "b1"), Map.entry(deadline(START.plus(TTL), "b2"), "b2"));
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 2L)
                .doesNotContainKey("active/User:alice");

        lifecycle.post(ApprovalEvents.approved(r1, "bob", START, "ok", DemoActors.key("bob")));
        // Being provisioned: no deadline (the workers' result moves it on), but it counts as a live grant.
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(START.plus(TTL), "b2"));
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 1L)
                .containsEntry("active/User:alice", 1L);

        lifecycle.result(GrantResult.provisioned("b1", START, 3));
        Instant expiresAt = START.plusSeconds(600);
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(expiresAt, "b1"), deadline(START.plus(TTL), "b2"));
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 1L)
                .containsEntry("active/User:alice", 1L);

        // Expiry comes from the index; while the end is carried out the grant has no deadline and counts no more.
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(600));
        Instant endedAt = START.plusSeconds(600);
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(START.plus(TTL), "b2"));
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsOnlyKeys("_index", "_admission", "pending/alice");

        // The workers' results end it: then it waits for its pruning.
        lifecycle.result(GrantResult.accessWithdrawn("b1", endedAt));
        for (int partition = 0; partition < 3; partition++) {
            lifecycle.result(GrantResult.ledgerClosed("b1", endedAt, partition,
                    new LedgerEntry(0, null, null, null, null, true, endedAt)));
        }
        lifecycle.result(GrantResult.topicDeleted("b1", endedAt.plusSeconds(1), null, null));
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(endedAt.plus(HORIZON).plus(ApprovalValidator.MAX_CLOCK_SKEW), "b1"), deadline(START.plus(TTL), "b2"));

        lifecycle.driver.advanceWallClockTime(TTL);
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsOnlyKeys("_index", "_admission");
        // Both requests left PENDING (approved, expired): admission counts nothing any more.
        assertThat(lifecycle.<Long>contents(JitmaskTopology.ADMISSION_PENDING_STORE)).isEmpty();
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type, AuditEvent::requestId).containsExactly(
                tuple(REQUESTED, "b1"), tuple(REQUESTED, "b2"), tuple(APPROVED, "b1"), tuple(ACTIVATED, "b1"),
                tuple(EXPIRY_DETECTED, "b1"), tuple(DISCLOSURE_SUMMARY, "b1"), tuple(EXPIRED, "b1"),
                tuple(TOPIC_DELETED, "b1"), tuple(REQUEST_EXPIRED, "b2"));
    }

    @Test
    void finishedRequestsArePrunedAfterTheHorizonAndTheirEventsAreStaleBeforeThat() {
        start(20);
        ObjectNode requested = request("p1", "alice", START);
        lifecycle.post(requested);
        ObjectNode denied = ApprovalEvents.denied("p1", "bob", START, "no ticket", DemoActors.key("bob"));
        lifecycle.post(denied);
        Instant pruneAt = START.plus(HORIZON).plus(ApprovalValidator.MAX_CLOCK_SKEW);
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(deadline(pruneAt, "p1"));
        lifecycle.auditEvents();

        // Within the horizon, a replay is a replay.
        lifecycle.driver.advanceWallClockTime(HORIZON.minusSeconds(1));
        lifecycle.post(requested);
        // At the horizon the same event is stale, while the request is still stored: the answer to an old event
        // does not depend on whether its request was pruned yet.
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(1));
        lifecycle.post(requested);
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNotNull();

        lifecycle.driver.advanceWallClockTime(Duration.between(START.plus(HORIZON), pruneAt).minusMillis(1));
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNotNull();
        lifecycle.driver.advanceWallClockTime(Duration.ofMillis(1));
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNull();
        assertThat(lifecycle.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).isEmpty();

        // Pruned: the signed request and its denial are still refused, never a new request.
        lifecycle.post(requested);
        lifecycle.post(denied);
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type, AuditEvent::reason, AuditEvent::detail).containsExactly(
                tuple(REJECTED, "REPLAY", "REQUESTED: this exact signed event was already processed"),
                tuple(REJECTED, "STALE", "REQUESTED: 'at' is more than 7200 seconds in the past (the prune horizon)"),
                tuple(REJECTED, "STALE", "REQUESTED: 'at' is more than 7200 seconds in the past (the prune horizon)"),
                tuple(REJECTED, "STALE", "DENIED: 'at' is more than 7200 seconds in the past (the prune horizon)"));
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNull();
    }

    @Test
    void aRequesterWithTooManyPendingRequestsIsRefusedUntilOneIsDecided() {
        start(2);
        Instant now = START;
        lifecycle.post(request("q1", "alice", now));
        lifecycle.post(request("q2", "alice", now));
        lifecycle.post(request("q3", "alice", now));
        lifecycle.post(request("d1", "dave", now));
        lifecycle.post(ApprovalEvents.denied("q1", "bob", now, "no", DemoActors.key("bob")));
        lifecycle.post(request("q4", "alice", now));
        List<AuditEvent> events = lifecycle.auditEvents();
        assertThat(events).extracting(AuditEvent::type, AuditEvent::requestId, AuditEvent::reason).containsExactly(
                tuple(REQUESTED, "q1", null), tuple(REQUESTED, "q2", null), tuple(REJECTED, "q3", "TOO_MANY_PENDING"),
                tuple(REQUESTED, "d1", null), tuple(DENIED, "q1", "no"), tuple(REQUESTED, "q4", null));
        assertThat(events.get(2).actor()).isEqualTo("alice");
        assertThat(events.get(2).detail())
                .isEqualTo("REQUESTED: alice already has 2 pending requests, the most allowed (2)");
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("q3")).isNull();
        assertThat(lifecycle.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 2L)
                .containsEntry("pending/dave", 1L);
        assertThat(lifecycle.<Long>contents(JitmaskTopology.ADMISSION_PENDING_STORE)).containsExactly(
                Map.entry("pending/alice", 2L), Map.entry("pending/dave", 1L));
    }
}
