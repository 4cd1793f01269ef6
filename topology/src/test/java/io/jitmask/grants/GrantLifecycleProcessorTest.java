package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle processor alone: wall-clock expiry driven by the test driver, resources recorded in memory. */
class GrantLifecycleProcessorTest {
    static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    /** Records every resource call in order, as "verb topic [principal]". */
    static final class RecordingResources implements GrantResources {
        final List<String> calls = new ArrayList<>();
        boolean failCreate;

        @Override
        public int partitionsOf(String topic) {
            return 3;
        }

        @Override
        public void createTopic(String topic, int partitions, long retentionMs) {
            if (failCreate) {
                throw new IllegalStateException("broker says no");
            }
            calls.add("create " + topic + " " + partitions + " " + retentionMs);
        }

        @Override
        public void allowRead(String topic, String principal) {
            calls.add("allow " + topic + " " + principal);
        }

        @Override
        public void revokeRead(String topic, String principal) {
            calls.add("revoke " + topic + " " + principal);
        }

        @Override
        public void deleteTopic(String topic) {
            calls.add("delete " + topic);
        }
    }

    RecordingResources resources;
    List<GrantEnder.EndJob> ended;
    TopologyTestDriver driver;
    TestInputTopic<String, String> approvals;
    TestOutputTopic<String, byte[]> grants;
    TestOutputTopic<String, byte[]> audit;

    @BeforeEach
    void setUp() {
        resources = new RecordingResources();
        ended = new ArrayList<>();
        Policy policy = PolicyLoader.load(DemoActors.POLICY);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, io.jitmask.testing.TestKeys.KEYSET);
        ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), policy,
                Set.of("customers", "payments"), dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        Topology topology = JitmaskTopology.lifecycle(new Topology(), new GrantLifecycleProcessor.Deps(validator, resources,
                ended::add, true, Duration.ofHours(1), Duration.ZERO));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lifecycle-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props, START);
        approvals = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        grants = driver.createOutputTopic(Topics.GRANTS, new StringDeserializer(), new ByteArrayDeserializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    void post(ObjectNode event) {
        approvals.pipeInput(event.get("requestId").asText(), event.toString());
    }

    List<AuditEvent> auditEvents() {
        return audit.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
    }

    ObjectNode request(String id, long seconds) {
        return ApprovalEvents.requested(id, "alice", START, "User:alice", "customers", List.of("email"), List.of("C1"),
                "INC-7 refund dispute", seconds, null, DemoActors.key("alice"));
    }

    @Test
    void activatesWithTopicThenAclThenGrantAndExpiresOnTheWallClock() {
        ObjectNode request = request("r1", 60);
        post(request);
        post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));

        assertThat(resources.calls).containsExactly("create grant.customers.r1 3 120000", "allow grant.customers.r1 User:alice");
        TestRecord<String, byte[]> published = grants.readRecord();
        assertThat(published.key()).isEqualTo("customers/r1");
        Grant grant = GrantJson.fromBytes(published.value());
        assertThat(grant.fields()).containsExactly("email");
        assertThat(grant.filter()).isEqualTo(new GrantFilter.Keys(List.of("C1")));
        assertThat(grant.expiresAt()).isEqualTo(START.plusSeconds(60));
        assertThat(grant.approvers()).containsExactly("bob");
        assertThat(auditEvents()).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED);

        driver.advanceWallClockTime(Duration.ofSeconds(59));
        assertThat(grants.isEmpty()).isTrue();
        assertThat(ended).isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        TestRecord<String, byte[]> tombstone = grants.readRecord();
        assertThat(tombstone.key()).isEqualTo("customers/r1");
        assertThat(tombstone.value()).isNull();
        List<AuditEvent> expiry = auditEvents();
        assertThat(expiry).extracting(AuditEvent::type).containsExactly(EXPIRY_DETECTED);
        assertThat(ended).containsExactly(new GrantEnder.EndJob("r1", "customers", "customers/r1", "grant.customers.r1",
                "User:alice", false, "jitmask", "expired at " + START.plusSeconds(60), START.plusSeconds(60)));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(ended).hasSize(1);
        assertThat(audit.isEmpty()).isTrue();
    }

    @Test
    void revocationEndsAtOnceAndOnlyOnce() {
        ObjectNode request = request("r2", 600);
        post(request);
        post(ApprovalEvents.approved(request, "carol", START, null, DemoActors.key("carol")));
        auditEvents();
        grants.readRecord();
        post(ApprovalEvents.revoked("r2", "bob", START.plusSeconds(5), "incident closed", DemoActors.key("bob")));
        assertThat(grants.readRecord().value()).isNull();
        AuditEvent accepted = auditEvents().get(0);
        assertThat(accepted.type()).isEqualTo(REVOKE_ACCEPTED);
        assertThat(accepted.actor()).isEqualTo("bob");
        assertThat(accepted.reason()).isEqualTo("incident closed");
        assertThat(ended).extracting(GrantEnder.EndJob::revoked).containsExactly(true);
        post(ApprovalEvents.revoked("r2", "alice", START.plusSeconds(6), "again", DemoActors.key("alice")));
        assertThat(auditEvents()).extracting(AuditEvent::reason).containsExactly("NOT_ACTIVE");
        assertThat(ended).hasSize(1);
    }

    @Test
    void unapprovedRequestsExpire() {
        post(request("r3", 60));
        auditEvents();
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(auditEvents()).extracting(AuditEvent::type).containsExactly(REQUEST_EXPIRED);
        assertThat(resources.calls).isEmpty();
    }

    @Test
    void failedActivationIsAuditedAndGrantsNothing() {
        resources.failCreate = true;
        ObjectNode request = request("r4", 60);
        post(request);
        post(ApprovalEvents.approved(request, "bob", START, null, DemoActors.key("bob")));
        assertThat(auditEvents()).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATION_FAILED);
        assertThat(grants.isEmpty()).isTrue();
        assertThat(resources.calls).containsExactly("delete grant.customers.r4");
    }

    @Test
    void clockSkewedAndUnsignedEventsAreRejected() {
        ObjectNode future = ApprovalEvents.requested("r5", "alice", START.plus(Duration.ofMinutes(6)), "User:alice", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        post(future);
        ObjectNode unsigned = request("r6", 60);
        unsigned.remove("signature");
        post(unsigned);
        ObjectNode forSomeoneElse = ApprovalEvents.requested("r7", "alice", START, "User:bob", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        post(forSomeoneElse);
        ObjectNode confusable = ApprovalEvents.requested("r8", "аlice", START, "User:alice", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        post(confusable);
        assertThat(auditEvents()).extracting(AuditEvent::requestId, AuditEvent::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("r5", "CLOCK_SKEW"),
                org.assertj.core.groups.Tuple.tuple("r6", "MALFORMED"),
                org.assertj.core.groups.Tuple.tuple("r7", "GRANTEE_NOT_REQUESTER"),
                org.assertj.core.groups.Tuple.tuple("r8", "UNKNOWN_ACTOR"));
        assertThat(driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void grantsThatEndedWhileDownAreHandedOverAgainAtStartUp() {
        ObjectNode request = request("r9", 60);
        post(request);
        post(ApprovalEvents.approved(request, "bob", START, null, DemoActors.key("bob")));
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertThat(ended).hasSize(1);
        // The store now says ENDING; a restarted processor must finish the job.
        var store = driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE);
        assertThat(RequestState.fromBytes(store.get("r9")).status()).isEqualTo(RequestState.Status.ENDING);
    }

    @Test
    void automatedRulesApproveOnlyLowRiskShortRequestsUpToTheGranteeLimit() {
        Policy policy = PolicyLoader.parse("""
                version: 1
                tags:
                  EMAIL: {technique: {type: email}}
                  PII:
                    sensitivity: low
                    technique: {type: hmac}
                    approval: {approvers: 1, roles: [privacy-officer], maxDurationSeconds: 3600}
                  NATIONAL_ID: {technique: {type: redact}, sensitivity: high,
                                approval: {approvers: 2, roles: [privacy-officer], maxDurationSeconds: 3600}}
                  DOB: {technique: {type: redact}}
                  PHONE: {technique: {type: redact}}
                  FREE_TEXT: {technique: {type: redact}}
                autoApproval: {enabled: true, maxSensitivity: low, maxDurationSeconds: 900, maxActiveGrantsPerGrantee: 1}
                """);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, io.jitmask.testing.TestKeys.KEYSET);
        ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), policy, Set.of("customers"),
                dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        Topology topology = JitmaskTopology.lifecycle(new Topology(), new GrantLifecycleProcessor.Deps(validator, resources,
                ended::add, true, Duration.ofHours(1), Duration.ZERO));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lifecycle-auto-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver auto = new TopologyTestDriver(topology, props, START)) {
            TestInputTopic<String, String> in = auto.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, byte[]> out = auto.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
            java.util.function.BiConsumer<String, ObjectNode> post = (id, e) -> in.pipeInput(id, e.toString());
            java.util.function.Function<Object[], ObjectNode> req = a -> ApprovalEvents.requested((String) a[0], "alice", START,
                    "User:alice", "customers", List.of((String) a[1]), null, "INC-3 check", (Long) a[2], null, DemoActors.key("alice"));
            post.accept("a1", req.apply(new Object[] {"a1", "name", 600L}));
            post.accept("a2", req.apply(new Object[] {"a2", "name", 600L}));
            post.accept("a3", req.apply(new Object[] {"a3", "nationalId", 600L}));
            post.accept("a4", req.apply(new Object[] {"a4", "email", 1800L}));
            List<AuditEvent> events = out.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
            assertThat(events).extracting(e -> e.requestId() + " " + e.type() + (e.reason() == null ? "" : " " + e.reason() + " " + e.detail())).containsExactly(
                    "a1 REQUESTED", "a1 AUTO_APPROVED", "a1 ACTIVATED",
                    "a2 REQUESTED",
                    "a3 REQUESTED",
                    "a4 REQUESTED");
            assertThat(events.get(2).approvers()).containsExactly(GrantLifecycleProcessor.AUTO_APPROVER);
        }
    }
}
