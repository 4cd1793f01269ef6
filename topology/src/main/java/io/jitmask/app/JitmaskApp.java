package io.jitmask.app;

import io.jitmask.approval.Keyring;
import io.jitmask.webauthn.Passkeys;
import io.jitmask.webauthn.RelyingParty;
import io.jitmask.audit.AuditSender;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.Declassifications;
import io.jitmask.classify.SchemaAdmission;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdminGrantResources;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.GrantCommandExecutor;
import io.jitmask.grants.GrantCommandWorker;
import io.jitmask.grants.GrantTopicCounter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.ControlBudget;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.grants.GrantTopicProductionExceptionHandler;
import io.jitmask.grants.LifecycleLimits;
import io.jitmask.grants.SensitiveFieldsCache;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running jitmask instance: two Kafka Streams instances in one process. The masking path runs under
 * {@code application.id}; the control plane (the grant lifecycle) under {@code application.id + "-control"}, with
 * its own threads, consumer group, transactions and state directory, so that nothing arriving on
 * {@code jit.approvals} (a flood of requests, slow Admin calls) can delay a masked record.
 */
public final class JitmaskApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JitmaskApp.class);

    private final KafkaStreams streams;
    private final KafkaStreams control;
    private final GrantIndex grants;
    private final Admin admin;
    private final GrantCommandWorker commandWorker;
    private final KafkaProducer<String, byte[]> auditProducer;
    private final io.jitmask.stream.KafkaRawLog rawLog;
    private final Management management;
    private final Context context;

    /** What the application was started with, for components running beside it (the HTTP API). */
    public record Context(JitmaskConfig config, Policy policy, Keyring keyring, MaskEngine engine, SchemaRegistryClient registry) {
        /** Sensitive field paths of a dataset's current raw schema, with their tags. */
        public Map<String, Set<String>> sensitiveFields(String dataset) {
            return io.jitmask.stream.RecordValues.sensitiveFields(engine, registry, dataset);
        }
    }

    private JitmaskApp(KafkaStreams streams, KafkaStreams control, GrantIndex grants, Admin admin, GrantCommandWorker commandWorker,
                       KafkaProducer<String, byte[]> auditProducer, io.jitmask.stream.KafkaRawLog rawLog, Management management,
                       Context context) {
        this.rawLog = rawLog;
        this.management = management;
        this.context = context;
        this.streams = streams;
        this.control = control;
        this.grants = grants;
        this.admin = admin;
        this.commandWorker = commandWorker;
        this.auditProducer = auditProducer;
    }

    /** Loads policy, keyring and keyset as configured and starts; any problem with them stops start-up with a clear message. */
    public static JitmaskApp start(JitmaskConfig config) {
        Policy policy = PolicyLoader.load(required(config.policyFile(), JitmaskConfig.POLICY_FILE));
        Keyring keyring = Keyring.load(required(config.keyringFile(), JitmaskConfig.KEYRING_FILE));
        Keyset keyset = loadKeyset(config);
        return start(config, policy, keyring, new PolicyMaskEngine(policy, keyset, new ClassificationBook(), config.jsonValidation()),
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
        ApprovalValidator validator = new ApprovalValidator(keyring, policy, Set.copyOf(config.datasets()),
                new SensitiveFieldsCache(context::sensitiveFields, SensitiveFieldsCache.DEFAULT_MAX_AGE, Clock.systemUTC()));
        AdminGrantResources resources = new AdminGrantResources(admin, config.topicReplicationFactor());
        KafkaProducer<String, byte[]> auditProducer = new KafkaProducer<>(producerProps(config), new StringSerializer(),
                new ByteArraySerializer());
        // Lookback catch-ups: one reader per stream thread and one budget for the instance, whatever the grants.
        io.jitmask.stream.KafkaRawLog rawLog = io.jitmask.stream.KafkaRawLog.of(config.clientProperties(), config.applicationId());
        // Masking first: the catch-ups and the control plane's budget read the masking instance's lag, known once it
        // exists below.
        java.util.concurrent.atomic.AtomicReference<KafkaStreams> maskingRef = new java.util.concurrent.atomic.AtomicReference<>();
        io.jitmask.stream.MaskingProcessor.Lookback lookback = new io.jitmask.stream.MaskingProcessor.Lookback(rawLog,
                new io.jitmask.stream.CatchUpBudget(config.backfillMaxRecordsPerSecond()), config.backfillProgressInterval(),
                new MaskingBacklog(() -> maskingLag(maskingRef.get()), config.controlLagThresholdRecords(), System::nanoTime));
        GrantCommandExecutor executor = new GrantCommandExecutor(resources, new GrantTopicCounter(
                () -> new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(), new ByteArrayDeserializer())),
                Clock.systemUTC());
        GrantCommandWorker commandWorker = new GrantCommandWorker(
                new KafkaConsumer<>(workerConsumerProps(config), new StringDeserializer(), new ByteArrayDeserializer()),
                auditProducer, executor, Clock.systemUTC(), metrics);

        ClassificationBook book = engine instanceof PolicyMaskEngine p ? p.book() : new ClassificationBook();
        SchemaAdmission admission = new SchemaAdmission(policy, registry, book, config.subjectNameStrategy());
        Declassifications.events(policy, config.datasets(), Clock.systemUTC().instant()).forEach(event -> {
            AuditSender.send(auditProducer, event);
            metrics.recordAudit(event.type());
        });
        for (String dataset : config.datasets()) {
            Policy.DatasetPolicy rules = policy.datasets().get(dataset);
            if (rules == null || !rules.defaultDeny()) {
                LOG.warn("dataset {} is tag-driven: a field a new schema version adds untagged passes in clear"
                        + " (policy mode defaultDeny masks it)", dataset);
            }
        }

        Topology masking = JitmaskTopology.masking(new Topology(), new JitmaskTopology.MaskingDeps(config.datasets(), engine,
                registry, grants, policy.headers().allow(), config.grantCopyCutoff(), metrics, admission, lookback));
        ControlBudget budget = new ControlBudget(() -> maskingLag(maskingRef.get()), config.controlLagThresholdRecords(),
                config.controlLaggingMaxEventsPerSecond(), System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000,
                (int) (nanos % 1_000_000)));
        Topology lifecycle = JitmaskTopology.lifecycle(new io.jitmask.app.ControlTopology(), new GrantLifecycleProcessor.Deps(validator,
                config.manageAcls(), config.requestTtl(), config.grantDeleteGrace(), metrics, budget,
                new Passkeys(RelyingParty.of(config))),
                lifecycleLimits(config));
        // Audit export: in the control plane, beside the lifecycle that writes jit.audit.
        if (config.auditCloudEventsTopic() != null) {
            JitmaskTopology.auditExport(lifecycle, config.applicationId(), config.auditCloudEventsTopic());
        }

        Properties streamsProps = streamsProperties(config);
        streamsProps.put(GrantTopicProductionExceptionHandler.GRANT_INDEX_CONFIG, grants);
        streamsProps.put(GrantTopicProductionExceptionHandler.METRICS_CONFIG, metrics);
        KafkaStreams streams = replacingFailedThreads(new KafkaStreams(masking, streamsProps), "masking", metrics);
        maskingRef.set(streams);
        KafkaStreams control = replacingFailedThreads(new KafkaStreams(lifecycle, controlProperties(config)), "control",
                metrics);
        management.attach(streams, control);
        control.start();
        streams.start();
        commandWorker.start();
        return new JitmaskApp(streams, control, grants, admin, commandWorker, auditProducer, rawLog, management, context);
    }

    /**
     * Records the masking path is behind on raw.* in this instance: the sum of its consumer's per-partition
     * {@code records-lag} (Kafka names the topic tag with '_' for '.'); unknown, so lagging, while it starts or
     * rebalances.
     */
    static long maskingLag(KafkaStreams masking) {
        if (masking == null) {
            return 0;
        }
        return maskingLag(masking.state(), masking.metrics().values());
    }

    /**
     * The lag of a masking instance in {@code state} with these client metrics. While it starts or rebalances its
     * backlog is not known yet (no fetch has reported a lag): it counts as lagging, so a control plane started beside
     * it (a restart with a flood waiting on jit.approvals) does not take the CPU before masking has fetched anything.
     */
    static long maskingLag(KafkaStreams.State state, java.util.Collection<? extends org.apache.kafka.common.Metric> metrics) {
        if (state == KafkaStreams.State.CREATED || state == KafkaStreams.State.REBALANCING) {
            return Long.MAX_VALUE;
        }
        long lag = 0;
        for (org.apache.kafka.common.Metric metric : metrics) {
            org.apache.kafka.common.MetricName name = metric.metricName();
            String topic = name.tags().get("topic");
            if ("records-lag".equals(name.name()) && "consumer-fetch-manager-metrics".equals(name.group())
                    && topic != null && (topic.startsWith("raw.") || topic.startsWith("raw_"))
                    && metric.metricValue() instanceof Double value && !value.isNaN() && value > 0) {
                lag += value.longValue();
            }
        }
        return lag;
    }

    static LifecycleLimits lifecycleLimits(JitmaskConfig config) {
        return new LifecycleLimits(config.requestTtl(), config.requestPruneHorizon(), config.maxPendingPerRequester());
    }

    private static KafkaStreams replacingFailedThreads(KafkaStreams streams, String name, JitmaskMetrics metrics) {
        streams.setUncaughtExceptionHandler(e -> {
            // Only transient failures (registry outage, broker hiccup) reach here: every bad record goes to the
            // DLQ or is audited as REJECTED. A new thread resumes from the last committed offsets, so nothing is
            // lost or duplicated.
            StreamThreadFailure failure = StreamThreadFailure.of(e);
            metrics.recordStreamThreadReplaced(name, failure.rootCause());
            LOG.error("{} stream thread failed ({}); replacing it", name, failure);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }

    /**
     * The control plane's Kafka Streams settings: the same cluster, security and guarantee as masking, its own
     * application id (so its own group, transactional ids, internal topics and state directory under the same
     * {@code state.dir}) and its own threads.
     */
    static Properties controlProperties(JitmaskConfig config) {
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.controlApplicationId());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.controlStreamThreads()));
        return outageTimeouts(props);
    }

    /**
     * Bounds how long a broker outage can hold a stream thread once the broker is back (issue 15's stall: a task
     * whose committed-offset fetch kept timing out after a 60 s+ outage held its thread for 360 s, 60 s per blocked
     * attempt, until Kafka Streams gave up at the default task.timeout.ms of 5 min). A blocking client call on a
     * stream thread (committed offsets, positions) now gives up after 15 s so the thread's other tasks run between
     * attempts, and a task that makes no progress for 60 s fails its thread, which the uncaught-exception handler
     * replaces with a fresh one (new consumer and producer, so no client state survives the outage) resuming from the
     * last commit. Both are defaults: a deployment may set its own.
     */
    static Properties outageTimeouts(Properties props) {
        props.putIfAbsent(StreamsConfig.TASK_TIMEOUT_MS_CONFIG, "60000");
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG), "15000");
        return props;
    }

    static Properties streamsProperties(JitmaskConfig config) {
        Properties props = config.streamsProperties();
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, GrantTopicProductionExceptionHandler.class.getName());
        // A copy racing a grant topic's deletion must fail in seconds, not stall a commit for minutes.
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), "10000");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), "30000");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), "10000");
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        return outageTimeouts(props);
    }

    private static Properties producerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-grant-end-audit");
        return props;
    }

    /**
     * The grant command workers' group: partitions of jit.grant-commands are owned by assignment, only committed
     * commands are read, and offsets are committed by hand past finished commands.
     */
    private static Properties workerConsumerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        // Consumer settings given for Kafka Streams ("consumer." prefix, e.g. a short session timeout so a killed
        // instance's partitions move on in seconds) apply to the workers' consumer too.
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(StreamsConfig.CONSUMER_PREFIX)) {
                props.setProperty(key.substring(StreamsConfig.CONSUMER_PREFIX.length()), props.getProperty(key));
            }
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, workerGroup(config.applicationId()));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-grant-worker-" + UUID.randomUUID());
        return props;
    }

    /** The consumer group of the grant command workers of an application. */
    public static String workerGroup(String applicationId) {
        return applicationId + "-grant-workers";
    }

    private static Properties consumerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-grant-summary-" + UUID.randomUUID());
        return props;
    }

    /** Blocks until both Kafka Streams instances process records, or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING || control.state() != KafkaStreams.State.RUNNING) {
            for (KafkaStreams s : java.util.List.of(streams, control)) {
                if (System.nanoTime() > deadline || !s.state().isRunningOrRebalancing() && s.state() != KafkaStreams.State.CREATED) {
                    throw new IllegalStateException("jitmask did not reach RUNNING (masking " + streams.state()
                            + ", control " + control.state() + ")");
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** The masking path's Kafka Streams instance. */
    public KafkaStreams streams() {
        return streams;
    }

    /** The control plane's Kafka Streams instance: the grant lifecycle and its {@code grant-requests} store. */
    public KafkaStreams control() {
        return control;
    }

    public GrantIndex grants() {
        return grants;
    }

    /** The lookback catch-ups' reader: one consumer per stream thread that caught up. */
    public io.jitmask.stream.KafkaRawLog rawLog() {
        return rawLog;
    }

    /** This instance's own metrics (counting nothing when {@code jitmask.metrics.enabled} is off). */
    public JitmaskMetrics metrics() {
        return management.metrics();
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
        // Leave the group: the other instances (or this one, restarted) take the tasks over at once instead of
        // after the session timeout, so masking pauses for a rebalance, not for 45 s.
        org.apache.kafka.streams.CloseOptions leave = org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30));
        control.close(leave);
        streams.close(leave);
        // After the stream threads: each catch-up consumer belongs to one of them.
        rawLog.close();
        commandWorker.close();
        auditProducer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
