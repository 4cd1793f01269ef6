package io.jitmask.app;

import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.grants.GrantIndex;
import io.jitmask.mask.MaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running jitmask instance: the Kafka Streams application with its masking path and grant lifecycle. */
public final class JitmaskApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JitmaskApp.class);

    private final KafkaStreams streams;
    private final GrantIndex grants;
    private final Admin admin;

    private JitmaskApp(KafkaStreams streams, GrantIndex grants, Admin admin) {
        this.streams = streams;
        this.grants = grants;
        this.admin = admin;
    }

    /** Loads policy and keyset as configured and starts; every problem with them stops start-up with a clear message. */
    public static JitmaskApp start(JitmaskConfig config) {
        if (config.policyFile() == null) {
            throw new ConfigException("missing required setting '" + JitmaskConfig.POLICY_FILE + "'");
        }
        Policy policy = PolicyLoader.load(config.policyFile());
        Keyset keyset = loadKeyset(config);
        return start(config, policy, new PolicyMaskEngine(policy, keyset), new HttpSchemaRegistryClient(config.registryUrl()));
    }

    static Keyset loadKeyset(JitmaskConfig config) {
        String fromEnv = System.getenv(JitmaskConfig.KEYSET_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Keyset.fromJson(fromEnv);
        }
        if (config.keysetFile() == null) {
            throw new ConfigException("no keyset: set '" + JitmaskConfig.KEYSET_FILE + "' or the environment variable "
                    + JitmaskConfig.KEYSET_ENV);
        }
        return Keyset.load(config.keysetFile());
    }

    public static JitmaskApp start(JitmaskConfig config, Policy policy, MaskEngine engine, SchemaRegistryClient registry) {
        Admin admin = Admin.create(config.clientProperties());
        TopicProvisioner.ensure(admin, config);
        GrantIndex grants = new GrantIndex();
        Topology topology = new Topology();
        JitmaskTopology.masking(topology, new JitmaskTopology.MaskingDeps(
                config.datasets(), engine, registry, grants, policy.headers().allow()));
        KafkaStreams streams = new KafkaStreams(topology, streamsProperties(config));
        streams.setUncaughtExceptionHandler(e -> {
            // Only transient failures (registry outage, broker hiccup) reach here: every bad record goes to the
            // DLQ. A new thread resumes from the last committed offsets, so nothing is lost or duplicated.
            LOG.error("stream thread failed ({}); replacing it", e.getClass().getSimpleName());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return new JitmaskApp(streams, grants, admin);
    }

    static Properties streamsProperties(JitmaskConfig config) {
        Properties props = config.streamsProperties();
        props.putIfAbsent(StreamsConfig.PRODUCER_PREFIX + "compression.type", "lz4");
        return props;
    }

    /** Blocks until the application processes records, or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()
                    && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("jitmask did not reach RUNNING (state " + streams.state() + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public GrantIndex grants() {
        return grants;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        admin.close(Duration.ofSeconds(5));
    }
}
