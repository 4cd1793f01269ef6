package io.jitmask.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.ControlTopology;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.Keyring;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdmissionAnswer;
import io.jitmask.grants.AdmissionCommand;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.ControlBudget;
import io.jitmask.grants.GrantCommand;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.grants.GrantResult;
import io.jitmask.grants.LifecycleLimits;
import io.jitmask.grants.RequestState;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.webauthn.Passkeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The control plane's grant lifecycle on a {@link TopologyTestDriver}, as {@link MaskingDriver} is the masking
 * topology's: a policy (the demo one unless the test gives its own), its engine, the demo keyring's
 * {@link ApprovalValidator} and the lifecycle with the admission processor (or the lifecycle's sub-topology alone,
 * the test then playing admission through {@link #answer} and {@link #asked}). Signed events go in on jit.approvals,
 * workers' results on jit.grant-results, passkeys on jit.credentials; grants, audit events and grant commands come
 * out. Wall-clock expiry is driven by the test through {@link #driver}. Built by {@link #builder}.
 */
public final class LifecycleDriver implements AutoCloseable {
    public final String applicationId;
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, String> approvals;
    public final TestInputTopic<String, byte[]> results;
    public final TestInputTopic<String, byte[]> credentials;
    public final TestOutputTopic<String, byte[]> grants;
    public final TestOutputTopic<String, byte[]> audit;
    public final TestOutputTopic<String, byte[]> commands;
    private final TestInputTopic<String, byte[]> answers;
    private final TestOutputTopic<String, byte[]> asked;

    /** A lifecycle of application {@code applicationId} whose wall clock starts at {@code start}. */
    public static Builder builder(String applicationId, Instant start) {
        return new Builder(applicationId, start);
    }

    public static final class Builder {
        private final String applicationId;
        private final Instant start;
        private Policy policy;
        private Set<String> datasets = Set.of("customers");
        private Duration deleteGrace = Duration.ZERO;
        private LifecycleLimits limits = LifecycleLimits.withTtl(Duration.ofHours(1));
        private Passkeys passkeys;
        private Path stateDir;
        private boolean exactlyOnce;
        private boolean admission = true;

        private Builder(String applicationId, Instant start) {
            this.applicationId = applicationId;
            this.start = start;
        }

        /** The policy (default: the demo policy, deploy/policy.yaml). */
        public Builder policy(Policy policy) {
            this.policy = policy;
            return this;
        }

        /** The datasets requests may name (default: customers). */
        public Builder datasets(String... datasets) {
            this.datasets = Set.of(datasets);
            return this;
        }

        /** How long an ended grant's topic outlives it (default: none). */
        public Builder deleteGrace(Duration deleteGrace) {
            this.deleteGrace = deleteGrace;
            return this;
        }

        /** The request TTL, prune horizon and per-requester limit (default: a 1 h TTL and the default bounds). */
        public Builder limits(LifecycleLimits limits) {
            this.limits = limits;
            return this;
        }

        /** Passkeys for approvals a policy requires WebAuthn for (default: none, such approvals are refused). */
        public Builder passkeys(Passkeys passkeys) {
            this.passkeys = passkeys;
            return this;
        }

        /**
         * The state directory (the lifecycle's RocksDB stores), so that other builds on this machine running the
         * same test at once do not share it; default: Kafka Streams' own.
         */
        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        /** Exactly-once processing, as deployed (its changelogs and transactions in the measured cost). */
        public Builder exactlyOnce() {
            this.exactlyOnce = true;
            return this;
        }

        /** The lifecycle's sub-topology without the admission processor: the test answers admission by hand. */
        public Builder withoutAdmission() {
            this.admission = false;
            return this;
        }

        public LifecycleDriver start() {
            Policy used = policy == null ? PolicyLoader.load(DemoActors.POLICY) : policy;
            PolicyMaskEngine engine = new PolicyMaskEngine(used, TestKeys.KEYSET);
            ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), used, datasets,
                    dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
            GrantLifecycleProcessor.Deps deps = new GrantLifecycleProcessor.Deps(validator, true, limits.requestTtl(),
                    deleteGrace, JitmaskMetrics.none(), ControlBudget.NONE, passkeys);
            Topology topology = admission ? JitmaskTopology.lifecycle(new ControlTopology(), deps, limits)
                    : JitmaskTopology.grantLifecycle(new ControlTopology(), deps, limits);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            if (stateDir != null) {
                props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            }
            if (exactlyOnce) {
                props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            }
            return new LifecycleDriver(applicationId, new TopologyTestDriver(topology, props, start));
        }
    }

    private LifecycleDriver(String applicationId, TopologyTestDriver driver) {
        this.applicationId = applicationId;
        this.driver = driver;
        approvals = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        results = driver.createInputTopic(Topics.GRANT_RESULTS, new StringSerializer(), new ByteArraySerializer());
        credentials = driver.createInputTopic(Topics.CREDENTIALS, new StringSerializer(), new ByteArraySerializer());
        grants = driver.createOutputTopic(Topics.GRANTS, new StringDeserializer(), new ByteArrayDeserializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
        commands = driver.createOutputTopic(Topics.GRANT_COMMANDS, new StringDeserializer(), new ByteArrayDeserializer());
        // The admission repartition topics, named as Kafka Streams names them (prefixed with the application id).
        answers = driver.createInputTopic(applicationId + "-" + JitmaskTopology.ADMISSION_ANSWERS_TOPIC,
                new StringSerializer(), new ByteArraySerializer());
        asked = driver.createOutputTopic(applicationId + "-" + JitmaskTopology.ADMISSION_TOPIC, new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    /** A signed event on jit.approvals, keyed by its request id as the clients key it. */
    public void post(ObjectNode event) {
        approvals.pipeInput(event.get("requestId").asText(), event.toString());
    }

    /** A worker's result, as the grant workers post it to jit.grant-results. */
    public void result(GrantResult result) {
        results.pipeInput(result.requestId(), result.toBytes());
    }

    /** The audit events written since the last call. */
    public List<AuditEvent> auditEvents() {
        return audit.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
    }

    /** The grant commands written since the last call. */
    public List<GrantCommand> commands() {
        return commands.readValuesToList().stream().map(GrantCommand::fromBytes).toList();
    }

    /** Admission's answer to the lifecycle (without the admission processor, the test answers). */
    public void answer(AdmissionAnswer answer) {
        answers.pipeInput(answer.requestId(), answer.toBytes());
    }

    /** What the lifecycle asked admission (ADMIT / RELEASE / COUNT, keyed by requester) since the last call. */
    public List<KeyValue<String, AdmissionCommand>> asked() {
        return asked.readKeyValuesToList().stream().map(kv -> KeyValue.pair(kv.key, AdmissionCommand.fromBytes(kv.value)))
                .toList();
    }

    /** A request as the lifecycle stores it; null when there is none. */
    public RequestState stored(String requestId) {
        byte[] bytes = driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get(requestId);
        return bytes == null ? null : RequestState.fromBytes(bytes);
    }

    /** What a key-value store of the topology holds, in its key order. */
    public <V> Map<String, V> contents(String storeName) {
        return contents(driver, storeName);
    }

    /** What a key-value store of a test driver holds, in its key order. */
    public static <V> Map<String, V> contents(TopologyTestDriver driver, String storeName) {
        KeyValueStore<String, V> store = driver.getKeyValueStore(storeName);
        Map<String, V> out = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(entry -> out.put(entry.key, entry.value));
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
