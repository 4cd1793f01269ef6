package io.jitmask.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Hostile events on jit.approvals: a valid request followed by a mutated approval (fields removed, retyped,
 * replaced, re-signed by the wrong key, far-future times, huge durations, confusable actor names, garbage JSON).
 * The lifecycle never throws, every event leaves an audit trace, and a grant appears only when the approval is
 * exactly the valid one.
 */
class ApprovalFuzzTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Policy POLICY = PolicyLoader.load(DemoActors.POLICY);
    static final PolicyMaskEngine ENGINE = new PolicyMaskEngine(POLICY, TestKeys.KEYSET);
    static final Keyring KEYRING = Keyring.load(DemoActors.KEYRING);

    static final List<String> FIELDS = List.of("type", "requestId", "actor", "at", "signature", "requestDigest", "comment");

    ObjectNode mutate(Random random, ObjectNode approval) {
        ObjectNode event = approval.deepCopy();
        switch (random.nextInt(9)) {
            case 0 -> event.remove(FIELDS.get(random.nextInt(FIELDS.size())));
            case 1 -> event.put(FIELDS.get(random.nextInt(FIELDS.size())), random.nextLong());
            case 2 -> event.putArray(FIELDS.get(random.nextInt(FIELDS.size()))).add("x");
            case 3 -> event.put("requestDigest", "0".repeat(64));
            case 4 -> event.put("actor", random.nextBoolean() ? "bоb" : "BOB"); // Cyrillic o, upper case
            case 5 -> {
                event.put("at", NOW.plus(Duration.ofDays(1 + random.nextInt(3650))).toString());
                Ed25519.sign(event, DemoActors.key("bob"));
            }
            case 6 -> Ed25519.sign(event, DemoActors.key(random.nextBoolean() ? "carol" : "alice"));
            case 7 -> event.put("comment", "changed after signing");
            default -> event.put("type", List.of("REQUESTED", "DENIED", "REVOKED", "NOPE").get(random.nextInt(4)));
        }
        return event;
    }

    /**
     * Tries share a lifecycle instance, renewed every {@link #TRIES_PER_DRIVER} tries: opening one (its RocksDB
     * stores) per try cost most of the unit suite's time. Each try has a request id of its own; a rejected request
     * stays pending, and renewing the instance keeps alice below the limit of pending requests per requester
     * ({@code LifecycleLimits.DEFAULT_MAX_PENDING_PER_REQUESTER}), so no try's request is refused for another's.
     */
    static final int TRIES_PER_DRIVER = 40;

    TopologyTestDriver driver;
    TestInputTopic<String, String> in;
    TestOutputTopic<String, byte[]> audit;
    TestOutputTopic<String, byte[]> commands;
    int tries;

    void renewDriverEvery(int count) {
        if (driver != null && tries % count != 0) {
            return;
        }
        if (driver != null) {
            driver.close();
        }
        ApprovalValidator validator = new ApprovalValidator(KEYRING, POLICY, Set.of("customers"),
                dataset -> ENGINE.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        Topology topology = JitmaskTopology.lifecycle(new io.jitmask.app.ControlTopology(), new GrantLifecycleProcessor.Deps(validator, true,
                Duration.ofHours(1), Duration.ZERO));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "approval-fuzz");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props, NOW);
        in = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
        commands = driver.createOutputTopic(Topics.GRANT_COMMANDS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterProperty
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Property(tries = 150)
    void mutatedApprovalsNeverGrant(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random random = new Random(seed);
        renewDriverEvery(TRIES_PER_DRIVER);
        String id = "f" + seed + "-" + tries++;
        // What earlier tries of this instance left on the output topics is not this try's.
        audit.readRecordsToList();
        commands.readRecordsToList();
        long duration = random.nextBoolean() ? 600 : Long.MAX_VALUE / (1 + random.nextInt(1000));
        ObjectNode request = ApprovalEvents.requested(id, "alice", NOW, "User:alice", "customers",
                List.of("email"), null, "INC-5 fuzz", duration, null, DemoActors.key("alice"));
        in.pipeInput(id, request.toString());
        ObjectNode approval = ApprovalEvents.approved(request, "bob", NOW, "fine", DemoActors.key("bob"));
        ObjectNode hostile = mutate(random, approval);
        String payload = random.nextInt(10) == 0 ? hostile.toString().substring(0, hostile.toString().length() / 2) : hostile.toString();
        in.pipeInput(id, payload);

        List<AuditEvent> events = audit.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
        assertThat(events).as("every event leaves a trace").hasSizeGreaterThanOrEqualTo(2);
        boolean exactlyValid = payload.equals(approval.toString()) && duration == 600;
        if (!exactlyValid) {
            assertThat(commands.isEmpty()).as("no grant topic provisioned for a mutated approval").isTrue();
            assertThat(events).noneMatch(e -> e.type() == AuditEvent.Type.ACTIVATED);
            assertThat(events.get(events.size() - 1).type()).isEqualTo(AuditEvent.Type.REJECTED);
        }
    }
}
