package io.jitmask.app;

import io.jitmask.approval.Keyring;
import io.jitmask.backfill.BackfillClients;
import io.jitmask.backfill.Backfills;
import io.jitmask.audit.AuditSender;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.Declassifications;
import io.jitmask.classify.SchemaAdmission;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdminGrantResources;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.GrantEndWorker;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.grants.GrantTopicProductionExceptionHandler;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.MaskEngine;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.ops.Management;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.SchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    private final GrantEndWorker endWorker;
    private final KafkaProducer<String, byte[]> auditProducer;
    private final Backfills backfills;
    private final Management management;
    private final Context context;

    /** What the application was started with, for components running beside it (the HTTP API). */
    public record Context(JitmaskConfig config, Policy policy, Keyring keyring, MaskEngine engine, SchemaRegistryClient registry) {
        /** Sensitive field paths of a dataset's current raw schema, with their tags. */
        public Map<String, Set<String>> sensitiveFields(String dataset) {
            return engine.sensitiveFields(dataset, registry.latest(Topics.raw(dataset) + "-value").schema());
        }
    }

    private JitmaskApp(KafkaStreams streams, GrantIndex grants, Admin admin, GrantEndWorker endWorker,
                       KafkaProducer<String, byte[]> auditProducer, Backfills backfills, Management management,
                       Context context) {
        this.backfills = backfills;
        this.management = management;
        this.context = context;
        this.streams = streams;
        this.grants = grants;
        this.admin = admin;
        this.endWorker = endWorker;
        this.auditProducer = auditProducer;
    }

    /** Loads policy, keyring and keyset as configured and starts; any problem with them stops start-up with a clear message. */
    public static JitmaskApp start(JitmaskConfig config) {
        Policy policy = PolicyLoader.load(required(config.policyFile(), JitmaskConfig.POLICY_FILE));
        Keyring keyring = Keyring.load(required(config.keyringFile(), JitmaskConfig.KEYRING_FILE));
        Keyset keyset = loadKeyset(config);
        return start(config, policy, keyring, new PolicyMaskEngine(policy, keyset, new ClassificationBook()),
                new HttpSchemaRegistryClient(config.registryUrl(), config.registryUserInfo()));
    }

    private static java.nio.file.Path required(java.nio.file.Path path, String setting) {
        if (path == null) {
            throw new ConfigException("missing required setting '" + setting + "'");
        }
        return path;
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

    public static JitmaskApp start(JitmaskConfig config, Policy policy, Keyring keyring, MaskEngine engine,
                                   SchemaRegistryClient registry) {
        Management management = Management.start(config, JitmaskTopology.GRANTS_GLOBAL_STORE);
        try {
            return start(config, policy, keyring, engine, registry, management);
        } catch (RuntimeException | Error e) {
            management.close();
            throw e;
        }
    }

    private static JitmaskApp start(JitmaskConfig config, Policy policy, Keyring keyring, MaskEngine engine,
                                    SchemaRegistryClient registry, Management management) {
        JitmaskMetrics metrics = management.metrics();
        Admin admin = Admin.create(config.clientProperties());
        TopicProvisioner.ensure(admin, config);
        GrantIndex grants = new GrantIndex();
        metrics.watch(grants);
        Context context = new Context(config, policy, keyring, engine, registry);
        ApprovalValidator validator = new ApprovalValidator(keyring, policy, Set.copyOf(config.datasets()), context::sensitiveFields);
        AdminGrantResources resources = new AdminGrantResources(admin, config.topicReplicationFactor());
        KafkaProducer<String, byte[]> auditProducer = new KafkaProducer<>(producerProps(config), new StringSerializer(),
                new ByteArraySerializer());
        Backfills backfills = new Backfills(BackfillClients.settings(config, admin, auditProducer, grants,
                engine, registry, policy.headers().allow(), metrics));
        GrantEndWorker endWorker = new GrantEndWorker(resources, grants::contains, endWait(config), config.manageAcls(),
                () -> new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                auditProducer, Clock.systemUTC(), backfills, metrics);

        ClassificationBook book = engine instanceof PolicyMaskEngine p ? p.book() : new ClassificationBook();
        SchemaAdmission admission = new SchemaAdmission(policy, registry, book, config.subjectNameStrategy());
        Declassifications.events(policy, config.datasets(), Clock.systemUTC().instant())
                .forEach(event -> AuditSender.send(auditProducer, event));

        Topology topology = new Topology();
        JitmaskTopology.masking(topology, new JitmaskTopology.MaskingDeps(config.datasets(), engine, registry, grants,
                policy.headers().allow(), config.grantCopyCutoff(), metrics, admission));
        JitmaskTopology.lifecycle(topology, new GrantLifecycleProcessor.Deps(validator, resources, endWorker,
                config.manageAcls(), config.requestTtl(), config.grantDeleteGrace(), backfills, metrics));
        if (config.auditCloudEventsTopic() != null) {
            JitmaskTopology.auditExport(topology, config.applicationId(), config.auditCloudEventsTopic());
        }

        Properties streamsProps = streamsProperties(config);
        streamsProps.put(GrantTopicProductionExceptionHandler.GRANT_INDEX_CONFIG, grants);
        KafkaStreams streams = new KafkaStreams(topology, streamsProps);
        streams.setUncaughtExceptionHandler(e -> {
            // Only transient failures (registry outage, broker hiccup) reach here: every bad record goes to the
            // DLQ. A new thread resumes from the last committed offsets, so nothing is lost or duplicated.
            LOG.error("stream thread failed ({}); replacing it", e.getClass().getSimpleName());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        management.attach(streams);
        streams.start();
        return new JitmaskApp(streams, grants, admin, endWorker, auditProducer, backfills, management, context);
    }

    /**
     * How long an ended grant's topic outlives its visibility in this instance: the configured grace, and never
     * less than two commit intervals plus a second, the time a copy computed just before the tombstone needs to
     * be written and committed.
     */
    static Duration endWait(JitmaskConfig config) {
        Duration margin = Duration.ofMillis(2 * Long.parseLong(config.get(JitmaskConfig.COMMIT_INTERVAL_MS)) + 1000);
        return config.grantDeleteGrace().compareTo(margin) > 0 ? config.grantDeleteGrace() : margin;
    }

    static Properties streamsProperties(JitmaskConfig config) {
        Properties props = config.streamsProperties();
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, GrantTopicProductionExceptionHandler.class.getName());
        // A copy racing a grant topic's deletion must fail in seconds, not stall a commit for minutes.
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), "10000");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), "30000");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), "10000");
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        return props;
    }

    private static Properties producerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-grant-end-audit");
        return props;
    }

    private static Properties consumerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-grant-summary-" + UUID.randomUUID());
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

    public Backfills backfills() {
        return backfills;
    }

    /** Where /metrics, /health and /ready are served, or null when {@code jitmask.metrics.enabled} is off. */
    public String managementUrl() {
        return management.url();
    }

    public Context context() {
        return context;
    }

    @Override
    public void close() {
        management.close();
        // Backfills first: they stop at once and audit it, and copy nothing more while the streams shut down.
        backfills.close();
        // Leave the group: the other instances (or this one, restarted) take the tasks over at once instead of
        // after the session timeout, so masking pauses for a rebalance, not for 45 s.
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
        endWorker.close();
        auditProducer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
