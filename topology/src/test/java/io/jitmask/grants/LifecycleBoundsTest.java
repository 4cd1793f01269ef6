package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Keyring;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.DemoActors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's bounds: deadlines in a time-ordered index, counters kept as statuses change, finished requests
 * pruned after the horizon, STALE events, and the per-requester limit on pending requests.
 */
class LifecycleBoundsTest {
    static final Instant START = GrantLifecycleProcessorTest.START;
    static final Duration TTL = Duration.ofHours(1);
    static final Duration HORIZON = Duration.ofHours(2);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, String> approvals;
    TestOutputTopic<String, byte[]> audit;
    TestInputTopic<String, byte[]> results;

    void start(int maxPending) {
        Policy policy = PolicyLoader.load(DemoActors.POLICY);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, io.jitmask.testing.TestKeys.KEYSET);
        ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), policy,
                Set.of("customers"), dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        Topology topology = JitmaskTopology.lifecycle(new io.jitmask.app.ControlTopology(), new GrantLifecycleProcessor.Deps(validator, true,
                TTL, Duration.ZERO), new LifecycleLimits(TTL, HORIZON, maxPending));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lifecycle-bounds-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, START);
        approvals = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
        results = driver.createInputTopic(Topics.GRANT_RESULTS, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** A worker's result, as the grant workers post it to jit.grant-results. */
    void result(GrantResult result) {
        results.pipeInput(result.requestId(), result.toBytes());
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    void post(ObjectNode event) {
        approvals.pipeInput(event.get("requestId").asText(), event.toString());
    }

    List<AuditEvent> auditEvents() {
        return audit.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
    }

    static ObjectNode request(String id, String actor, Instant at) {
        return ApprovalEvents.requested(id, actor, at, "User:" + actor, "customers", List.of("email"), null,
                "INC-9 bounded lifecycle", 600, null, DemoActors.key(actor));
    }

    <V> Map<String, V> contents(String storeName) {
        KeyValueStore<String, V> store = driver.getKeyValueStore(storeName);
        Map<String, V> out = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, V> entry = it.next();
                out.put(entry.key, entry.value);
            }
        }
        return out;
    }

    static String deadline(Instant at, String requestId) {
        return LifecycleStore.deadlineKey(at, requestId);
    }

    @Test
    void everyRequestHasOneDeadlineThatMovesWithItsStatusAndTheCountersFollow() {
        start(20);
        ObjectNode r1 = request("b1", "alice", START);
        post(r1);
        post(request("b2", "alice", START));
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsExactly(
                Map.entry(deadline(START.plus(TTL), "b1"), "b1"), Map.entry(deadline(START.plus(TTL), "b2"), "b2"));
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 2L)
                .doesNotContainKey("active/User:alice");

        post(ApprovalEvents.approved(r1, "bob", START, "ok", DemoActors.key("bob")));
        // Being provisioned: no deadline (the workers' result moves it on), but it counts as a live grant.
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(START.plus(TTL), "b2"));
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 1L)
                .containsEntry("active/User:alice", 1L);

        result(GrantResult.provisioned("b1", START, 3));
        Instant expiresAt = START.plusSeconds(600);
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(expiresAt, "b1"), deadline(START.plus(TTL), "b2"));
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 1L)
                .containsEntry("active/User:alice", 1L);

        // Expiry comes from the index; while the end is carried out the grant has no deadline and counts no more.
        driver.advanceWallClockTime(Duration.ofSeconds(600));
        Instant endedAt = START.plusSeconds(600);
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(START.plus(TTL), "b2"));
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsOnlyKeys("_index", "_admission", "pending/alice");

        // The workers' results end it: then it waits for its pruning.
        result(GrantResult.accessWithdrawn("b1", endedAt));
        for (int partition = 0; partition < 3; partition++) {
            result(GrantResult.ledgerClosed("b1", endedAt, partition,
                    new LedgerEntry(0, null, null, null, null, true, endedAt)));
        }
        result(GrantResult.topicDeleted("b1", endedAt.plusSeconds(1), null, null));
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(
                deadline(endedAt.plus(HORIZON).plus(ApprovalValidator.MAX_CLOCK_SKEW), "b1"), deadline(START.plus(TTL), "b2"));

        driver.advanceWallClockTime(TTL);
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsOnlyKeys("_index", "_admission");
        // Both requests left PENDING (approved, expired): admission counts nothing any more.
        assertThat(this.<Long>contents(JitmaskTopology.ADMISSION_PENDING_STORE)).isEmpty();
        assertThat(auditEvents()).extracting(AuditEvent::type, AuditEvent::requestId).containsExactly(
                tuple(REQUESTED, "b1"), tuple(REQUESTED, "b2"), tuple(APPROVED, "b1"), tuple(ACTIVATED, "b1"),
                tuple(EXPIRY_DETECTED, "b1"), tuple(DISCLOSURE_SUMMARY, "b1"), tuple(EXPIRED, "b1"),
                tuple(TOPIC_DELETED, "b1"), tuple(REQUEST_EXPIRED, "b2"));
    }

    @Test
    void finishedRequestsArePrunedAfterTheHorizonAndTheirEventsAreStaleBeforeThat() {
        start(20);
        ObjectNode requested = request("p1", "alice", START);
        post(requested);
        ObjectNode denied = ApprovalEvents.denied("p1", "bob", START, "no ticket", DemoActors.key("bob"));
        post(denied);
        Instant pruneAt = START.plus(HORIZON).plus(ApprovalValidator.MAX_CLOCK_SKEW);
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).containsOnlyKeys(deadline(pruneAt, "p1"));
        auditEvents();

        // Within the horizon, a replay is a replay.
        driver.advanceWallClockTime(HORIZON.minusSeconds(1));
        post(requested);
        // At the horizon the same event is stale, while the request is still stored: the answer to an old event
        // does not depend on whether its request was pruned yet.
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        post(requested);
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNotNull();

        driver.advanceWallClockTime(Duration.between(START.plus(HORIZON), pruneAt).minusMillis(1));
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNotNull();
        driver.advanceWallClockTime(Duration.ofMillis(1));
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNull();
        assertThat(this.<String>contents(JitmaskTopology.GRANT_DEADLINES_STORE)).isEmpty();

        // Pruned: the signed request and its denial are still refused, never a new request.
        post(requested);
        post(denied);
        assertThat(auditEvents()).extracting(AuditEvent::type, AuditEvent::reason, AuditEvent::detail).containsExactly(
                tuple(REJECTED, "REPLAY", "REQUESTED: this exact signed event was already processed"),
                tuple(REJECTED, "STALE", "REQUESTED: 'at' is more than 7200 seconds in the past (the prune horizon)"),
                tuple(REJECTED, "STALE", "REQUESTED: 'at' is more than 7200 seconds in the past (the prune horizon)"),
                tuple(REJECTED, "STALE", "DENIED: 'at' is more than 7200 seconds in the past (the prune horizon)"));
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("p1")).isNull();
    }

    @Test
    void aRequesterWithTooManyPendingRequestsIsRefusedUntilOneIsDecided() {
        start(2);
        Instant now = START;
        post(request("q1", "alice", now));
        post(request("q2", "alice", now));
        post(request("q3", "alice", now));
        post(request("d1", "dave", now));
        post(ApprovalEvents.denied("q1", "bob", now, "no", DemoActors.key("bob")));
        post(request("q4", "alice", now));
        List<AuditEvent> events = auditEvents();
        assertThat(events).extracting(AuditEvent::type, AuditEvent::requestId, AuditEvent::reason).containsExactly(
                tuple(REQUESTED, "q1", null), tuple(REQUESTED, "q2", null), tuple(REJECTED, "q3", "TOO_MANY_PENDING"),
                tuple(REQUESTED, "d1", null), tuple(DENIED, "q1", "no"), tuple(REQUESTED, "q4", null));
        assertThat(events.get(2).actor()).isEqualTo("alice");
        assertThat(events.get(2).detail())
                .isEqualTo("REQUESTED: alice already has 2 pending requests, the most allowed (2)");
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("q3")).isNull();
        assertThat(this.<Long>contents(JitmaskTopology.GRANT_COUNTERS_STORE)).containsEntry("pending/alice", 2L)
                .containsEntry("pending/dave", 1L);
        assertThat(this.<Long>contents(JitmaskTopology.ADMISSION_PENDING_STORE)).containsExactly(
                Map.entry("pending/alice", 2L), Map.entry("pending/dave", 1L));
    }
}
