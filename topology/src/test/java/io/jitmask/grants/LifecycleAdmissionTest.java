package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.DENIED;
import static io.jitmask.audit.AuditEvent.Type.REJECTED;
import static io.jitmask.audit.AuditEvent.Type.REQUESTED;
import static io.jitmask.audit.AuditEvent.Type.REVOKED;
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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle with admission between a request and its audit: the lifecycle's sub-topology alone, the test
 * playing the admission task (it reads ADMIT / RELEASE / COUNT and answers by hand), so that events arrive while a
 * request waits; and the whole control topology for seeding after an upgrade.
 */
class LifecycleAdmissionTest {
    static final String APP = "lifecycle-admission-test";
    static final Instant START = GrantLifecycleProcessorTest.START;
    static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path stateDir;
    LifecycleDriver lifecycle;

    void start(boolean withAdmission) {
        LifecycleDriver.Builder builder = LifecycleDriver.builder(APP, START).stateDir(stateDir)
                .limits(new LifecycleLimits(TTL, Duration.ofDays(7), 3));
        lifecycle = (withAdmission ? builder : builder.withoutAdmission()).start();
    }

    @AfterEach
    void tearDown() {
        if (lifecycle != null) {
            lifecycle.close();
        }
    }

    void answer(AdmissionAnswer.Type type, String requestId, String requester, long pending) {
        lifecycle.answer(new AdmissionAnswer(type, requestId, requester, 0, pending, 3));
    }

    static ObjectNode request(String id, String actor) {
        return ApprovalEvents.requested(id, actor, START, "User:" + actor, "customers", List.of("email"), null,
                "INC-16 admission", 600, null, DemoActors.key(actor));
    }

    @Test
    void eventsBehindARequestWaitingForAdmissionAreHeldThenProcessedInOrder() {
        start(false);
        lifecycle.post(request("h1", "alice"));
        lifecycle.post(ApprovalEvents.denied("h1", "bob", START, "not now", DemoActors.key("bob")));

        // Checked and asked for, nothing audited yet; the denial waits with it, in the store.
        assertThat(lifecycle.asked()).containsExactly(KeyValue.pair("alice", AdmissionCommand.admit("alice", "h1", 0)));
        assertThat(lifecycle.auditEvents()).isEmpty();
        assertThat(lifecycle.stored("h1").status()).isEqualTo(RequestState.Status.ADMITTING);
        KeyValueStore<String, byte[]> held = lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_HELD_EVENTS_STORE);
        assertThat(HeldEvents.fromBytes(held.get("h1"))).hasSize(1);

        answer(AdmissionAnswer.Type.ADMITTED, "h1", "alice", 0);

        List<AuditEvent> events = lifecycle.auditEvents();
        assertThat(events).extracting(AuditEvent::type, AuditEvent::requestId, AuditEvent::actor).containsExactly(
                tuple(REQUESTED, "h1", "alice"), tuple(DENIED, "h1", "bob"));
        assertThat(events.get(0).justification()).isEqualTo("INC-16 admission");
        // The denial took it out of PENDING: its place goes back, in the same transaction.
        assertThat(lifecycle.asked()).containsExactly(KeyValue.pair("alice", AdmissionCommand.release("alice", "h1")));
        assertThat(lifecycle.stored("h1").status()).isEqualTo(RequestState.Status.DENIED);
        assertThat(held.get("h1")).isNull();
    }

    @Test
    void aRefusedRequestIsAuditedOnceAndItsHeldEventsFindNoRequest() {
        start(false);
        ObjectNode r = request("h2", "dave");
        lifecycle.post(r);
        lifecycle.post(ApprovalEvents.approved(r, "bob", START, "ok", DemoActors.key("bob")));
        assertThat(lifecycle.asked()).containsExactly(KeyValue.pair("dave", AdmissionCommand.admit("dave", "h2", 0)));

        answer(AdmissionAnswer.Type.REFUSED, "h2", "dave", 3);
        // A second answer for the same request (cannot happen under exactly-once) changes nothing.
        answer(AdmissionAnswer.Type.ADMITTED, "h2", "dave", 0);

        List<AuditEvent> events = lifecycle.auditEvents();
        assertThat(events).extracting(AuditEvent::type, AuditEvent::requestId, AuditEvent::reason, AuditEvent::actor)
                .containsExactly(tuple(REJECTED, "h2", "TOO_MANY_PENDING", "dave"),
                        tuple(REJECTED, "h2", "UNKNOWN_REQUEST", "bob"));
        assertThat(events.get(0).detail()).isEqualTo("REQUESTED: dave already has 3 pending requests, the most allowed (3)");
        assertThat(events.get(1).detail()).isEqualTo("APPROVED: no such request");
        assertThat(lifecycle.asked()).isEmpty();
        assertThat(lifecycle.stored("h2")).isNull();
    }

    @Test
    void aFewEventsAreHeldAndMoreAreRefusedWhileARequestWaits() {
        start(false);
        lifecycle.post(request("h3", "alice"));
        for (int i = 0; i < GrantLifecycleProcessor.MAX_HELD + 1; i++) {
            // Each signed at its own second: distinct signatures, not replays of one another.
            lifecycle.post(ApprovalEvents.revoked("h3", "alice", START.plusSeconds(i), "changed my mind " + i, DemoActors.key("alice")));
        }
        List<AuditEvent> refused = lifecycle.auditEvents();
        assertThat(refused).extracting(AuditEvent::type, AuditEvent::reason, AuditEvent::detail).containsExactly(
                tuple(REJECTED, "ADMISSION_PENDING", "REVOKED: the request waits for admission and already has 8 events held"));

        answer(AdmissionAnswer.Type.ADMITTED, "h3", "alice", 0);
        // The first withdrawal ends it; the seven after it find it withdrawn.
        List<AuditEvent> events = lifecycle.auditEvents();
        assertThat(events).extracting(AuditEvent::type).containsExactly(REQUESTED, REVOKED, REJECTED, REJECTED,
                REJECTED, REJECTED, REJECTED, REJECTED, REJECTED);
        assertThat(events.subList(2, 9)).extracting(AuditEvent::reason).containsOnly("NOT_ACTIVE");
        assertThat(lifecycle.asked()).containsExactly(KeyValue.pair("alice", AdmissionCommand.admit("alice", "h3", 0)),
                KeyValue.pair("alice", AdmissionCommand.release("alice", "h3")));
    }

    @Test
    void pendingRequestsFromBeforeAdmissionAreCountedOnceAndReleasedAfterTheirCount() {
        // Two pending requests of carol, as a release without admission left them (states made by this one).
        start(false);
        for (String id : List.of("old1", "old2")) {
            lifecycle.post(request(id, "carol"));
            answer(AdmissionAnswer.Type.ADMITTED, id, "carol", 0);
        }
        KeyValueStore<String, byte[]> before = lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE);
        byte[] old1 = before.get("old1");
        byte[] old2 = before.get("old2");
        lifecycle.driver.close();

        // The new topology starts on a store that has them and its per-partition counter, and no admission count.
        start(true);
        KeyValueStore<String, byte[]> requests = lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE);
        KeyValueStore<String, Long> counters = lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_COUNTERS_STORE);
        requests.put("old1", old1);
        requests.put("old2", old2);
        counters.put("pending/carol", 2L);
        // Its first record seeds admission (COUNT carol 2) before anything else, and only once.
        lifecycle.post(request("new1", "carol"));
        lifecycle.post(request("new2", "carol"));
        lifecycle.post(ApprovalEvents.denied("old1", "bob", START, "stale", DemoActors.key("bob")));
        lifecycle.post(request("new3", "carol"));

        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type, AuditEvent::requestId, AuditEvent::reason).containsExactly(
                tuple(REQUESTED, "new1", null), tuple(REJECTED, "new2", "TOO_MANY_PENDING"), tuple(DENIED, "old1", "stale"),
                tuple(REQUESTED, "new3", null));
        assertThat(lifecycle.driver.<String, Long>getKeyValueStore(JitmaskTopology.ADMISSION_PENDING_STORE).get("pending/carol"))
                .isEqualTo(3L);
        assertThat(counters.get("_admission")).isEqualTo(1L);
    }
}
