package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.app.ControlTopology;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.testing.LifecycleDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admission processor alone: its commands piped into its repartition topic by hand, its answers read from the
 * answers' repartition topic. One count per requester, exact answers, releases and seeds.
 */
class AdmissionProcessorTest {
    static final String APP = "admission-test";
    static final Duration TTL = Duration.ofHours(1);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> commands;
    TestOutputTopic<String, byte[]> answers;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(JitmaskTopology.admission(new ControlTopology(),
                new LifecycleLimits(TTL, Duration.ofDays(7), 2)), props, Instant.parse("2026-12-06T09:00:00Z"));
        commands = driver.createInputTopic(APP + "-" + JitmaskTopology.ADMISSION_TOPIC, new StringSerializer(),
                new ByteArraySerializer());
        answers = driver.createOutputTopic(APP + "-" + JitmaskTopology.ADMISSION_ANSWERS_TOPIC, new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    void send(AdmissionCommand command) {
        commands.pipeInput(command.requester(), command.toBytes());
    }

    List<KeyValue<String, AdmissionAnswer>> answers() {
        return answers.readKeyValuesToList().stream()
                .map(kv -> KeyValue.pair(kv.key, AdmissionAnswer.fromBytes(kv.value))).toList();
    }

    Map<String, Long> counts() {
        return LifecycleDriver.contents(driver, JitmaskTopology.ADMISSION_PENDING_STORE);
    }

    static KeyValue<String, AdmissionAnswer> answer(AdmissionAnswer.Type type, String requestId, String requester,
                                                    long pending) {
        return KeyValue.pair(requestId, new AdmissionAnswer(type, requestId, requester, 0, pending, 2));
    }

    @Test
    void eachRequesterGetsTheLimitAndAPlaceBackOnEveryRelease() {
        send(AdmissionCommand.admit("alice", "a1", 0));
        send(AdmissionCommand.admit("dave", "d1", 0));
        send(AdmissionCommand.admit("alice", "a2", 0));
        send(AdmissionCommand.admit("alice", "a3", 0));
        send(AdmissionCommand.release("alice", "a1"));
        send(AdmissionCommand.admit("alice", "a4", 0));
        send(AdmissionCommand.admit("alice", "a5", 0));

        assertThat(answers()).containsExactly(
                answer(AdmissionAnswer.Type.ADMITTED, "a1", "alice", 0),
                answer(AdmissionAnswer.Type.ADMITTED, "d1", "dave", 0),
                answer(AdmissionAnswer.Type.ADMITTED, "a2", "alice", 1),
                answer(AdmissionAnswer.Type.REFUSED, "a3", "alice", 2),
                answer(AdmissionAnswer.Type.ADMITTED, "a4", "alice", 1),
                answer(AdmissionAnswer.Type.REFUSED, "a5", "alice", 2));
        assertThat(counts()).containsExactly(Map.entry("pending/alice", 2L), Map.entry("pending/dave", 1L));

        send(AdmissionCommand.release("dave", "d1"));
        assertThat(counts()).containsExactly(Map.entry("pending/alice", 2L));
    }

    @Test
    void seedsFromEarlierPendingRequestsCountAndAStrayReleaseNeverGoesBelowZero() {
        send(AdmissionCommand.count("carol", 2));
        send(AdmissionCommand.admit("carol", "c1", 0));
        send(AdmissionCommand.release("erin", "e0"));
        send(AdmissionCommand.admit("erin", "e1", 0));

        assertThat(answers()).containsExactly(
                answer(AdmissionAnswer.Type.REFUSED, "c1", "carol", 2),
                answer(AdmissionAnswer.Type.ADMITTED, "e1", "erin", 0));
        assertThat(counts()).containsExactly(Map.entry("pending/carol", 2L), Map.entry("pending/erin", 1L));
    }

    @Test
    void anAnswerGoesToThePartitionItsRequestCameFrom() {
        AdmissionAnswer toTwo = new AdmissionAnswer(AdmissionAnswer.Type.ADMITTED, "r1", "alice", 2, 0, 2);
        assertThat(AdmissionProcessor.TO_ORIGIN.partitions("answers", "r1", toTwo.toBytes(), 4))
                .isEqualTo(Optional.of(Set.of(2)));
        assertThatThrownBy(() -> AdmissionProcessor.TO_ORIGIN.partitions("answers", "r1", toTwo.toBytes(), 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("admission answer for partition 2 of answers, which has 2 (it must be co-partitioned with"
                        + " jit.approvals)");
    }
}
