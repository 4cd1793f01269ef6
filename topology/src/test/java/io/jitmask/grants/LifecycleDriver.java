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
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

/**
 * The lifecycle processor alone in a test driver: wall-clock expiry driven by the test; the side effects are the
 * commands it writes to jit.grant-commands, and the workers' results are piped into jit.grant-results by the test.
 */
abstract class LifecycleDriver {
    static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    TopologyTestDriver driver;
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;
    TestInputTopic<String, String> approvals;
    TestInputTopic<String, byte[]> results;
    TestOutputTopic<String, byte[]> grants;
    TestOutputTopic<String, byte[]> audit;
    TestOutputTopic<String, byte[]> commands;

    @BeforeEach
    void setUp() {
        Policy policy = PolicyLoader.load(DemoActors.POLICY);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, io.jitmask.testing.TestKeys.KEYSET);
        ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), policy,
                Set.of("customers", "payments"), dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        startDriver(JitmaskTopology.lifecycle(new io.jitmask.app.ControlTopology(), new GrantLifecycleProcessor.Deps(validator, true,
                Duration.ofHours(1), Duration.ofSeconds(5))), "lifecycle-test");
    }

    void startDriver(Topology topology, String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // Its own state directory: other builds on this machine run the same test at the same time.
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, START);
        approvals = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        results = driver.createInputTopic(Topics.GRANT_RESULTS, new StringSerializer(), new ByteArraySerializer());
        grants = driver.createOutputTopic(Topics.GRANTS, new StringDeserializer(), new ByteArrayDeserializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
        commands = driver.createOutputTopic(Topics.GRANT_COMMANDS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void result(GrantResult result) {
        results.pipeInput(result.requestId(), result.toBytes());
    }

    List<GrantCommand> commands() {
        return commands.readValuesToList().stream().map(GrantCommand::fromBytes).toList();
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

    static LedgerEntry entry(long records, long first, long last, Instant firstAt, Instant lastAt) {
        return new LedgerEntry(records, first, last, firstAt, lastAt, true, firstAt);
    }
}
