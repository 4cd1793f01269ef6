package io.jitmask.testing;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.audit.AuditEvent;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.config.Topics;
import io.jitmask.grants.GrantIndex;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.registry.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The masking topology of a policy's datasets (headers as the policy allows) on a {@link TopologyTestDriver}, with an
 * in-memory registry that
 * outlives restarts: raw records in; masked records, dead letters, audit events and {@code jit.classification}
 * records out. {@link #restart()} starts a fresh instance (new engine, new classification book), whose global
 * store the test restores by {@link #replayClassification replaying} what the earlier one wrote. The processor tests
 * drive it through {@link #input}, {@link #output}, {@link #grantsInput()}, {@link #grants()} and {@link #driver()}.
 */
public final class MaskingDriver implements AutoCloseable {
    private final Policy policy;
    private final List<String> datasets;
    private final String applicationId;
    private final Instant now;
    private final Path stateDir;
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    /** What the topology reads schemas from: {@link #registry} unless the test gives one (e.g. one that is down). */
    private final SchemaRegistryClient schemas;
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private TopologyTestDriver driver;
    private ClassificationBook book;
    private GrantIndex grants;

    public MaskingDriver(Policy policy, List<String> datasets, String applicationId, Instant now) {
        this(policy, datasets, applicationId, now, null, null);
    }

    /**
     * @param stateDir the instances' state directory (the ledger store), so that other builds on this machine
     *                 running the same test at once do not share it; null: Kafka Streams' default
     * @param schemas  the registry the topology reads (null: the in-memory {@link #registry()})
     */
    public MaskingDriver(Policy policy, List<String> datasets, String applicationId, Instant now, Path stateDir,
                         SchemaRegistryClient schemas) {
        this.policy = policy;
        this.datasets = List.copyOf(datasets);
        this.applicationId = applicationId;
        this.now = now;
        this.stateDir = stateDir;
        this.schemas = schemas == null ? registry : schemas;
        restart();
    }

    /** A fresh application instance (new engine, classification book and grant index), as after a restart. */
    public void restart() {
        book = new ClassificationBook();
        grants = new GrantIndex();
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, Keyset.fromJson(TestKeys.JSON), book);
        Topology topology = JitmaskTopology.masking(new Topology(), new JitmaskTopology.MaskingDeps(datasets,
                engine, schemas, grants, policy.headers().allow(), Duration.ofSeconds(1)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        if (stateDir != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("instance-" + drivers.size()).toString());
        }
        driver = new TopologyTestDriver(topology, props, now);
        drivers.add(driver);
    }

    public InMemorySchemaRegistryClient registry() {
        return registry;
    }

    /** The current instance's driver (wall-clock time, state stores). */
    public TopologyTestDriver driver() {
        return driver;
    }

    /** The current instance's grant index, which the grants topic's updater keeps. */
    public GrantIndex grants() {
        return grants;
    }

    /** A topic of the current instance to pipe raw bytes into. */
    public TestInputTopic<byte[], byte[]> input(String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The grants topic of the current instance: grant keys, grant JSON. */
    public TestInputTopic<String, byte[]> grantsInput() {
        return driver.createInputTopic(Topics.GRANTS, new StringSerializer(), new ByteArraySerializer());
    }

    /** A topic the current instance writes, read as bytes. */
    public TestOutputTopic<byte[], byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The current instance's classification book. */
    public ClassificationBook book() {
        return book;
    }

    public void produce(String dataset, String key, byte[] value) {
        input(Topics.raw(dataset)).pipeInput(key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The values written to {@code masked.<dataset>} since the last call. */
    public List<byte[]> masked(String dataset) {
        return values(Topics.masked(dataset));
    }

    /** The values written to the dead-letter topic since the last call. */
    public List<byte[]> dlq() {
        return values(Topics.DLQ);
    }

    /** The audit events written since the last call. */
    public List<AuditEvent> audit() {
        return values(Topics.AUDIT).stream().map(AuditEvent::fromBytes).toList();
    }

    /** The records written to jit.classification since the last call, in order (keys and values as strings). */
    public List<KeyValue<String, String>> classificationRecords() {
        return driver.createOutputTopic(Topics.CLASSIFICATION, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readKeyValuesToList().stream().map(kv -> KeyValue.pair(new String(kv.key, StandardCharsets.UTF_8),
                        new String(kv.value, StandardCharsets.UTF_8))).toList();
    }

    /** Restores the current instance's global store as Kafka would: {@code records} on jit.classification. */
    public void replayClassification(List<KeyValue<String, String>> records) {
        TestInputTopic<String, String> topic = driver.createInputTopic(Topics.CLASSIFICATION, new StringSerializer(), new StringSerializer());
        records.forEach(kv -> topic.pipeInput(kv.key, kv.value));
    }

    private List<byte[]> values(String topic) {
        return output(topic).readValuesToList();
    }

    @Override
    public void close() {
        drivers.forEach(TopologyTestDriver::close);
    }
}
