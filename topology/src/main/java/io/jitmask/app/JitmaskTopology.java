package io.jitmask.app;

import io.jitmask.audit.AuditCloudEventsProcessor;
import io.jitmask.classify.ClassificationStoreUpdater;
import io.jitmask.classify.SchemaAdmission;
import io.jitmask.classify.SubjectNaming;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdmissionProcessor;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.grants.GrantsStoreUpdater;
import io.jitmask.grants.LifecycleLimits;
import io.jitmask.mask.MaskEngine;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.stream.GrantCopy;
import io.jitmask.stream.HeaderFilter;
import io.jitmask.stream.MaskedSchemaIds;
import io.jitmask.stream.MaskingProcessor;
import io.jitmask.webauthn.CredentialStoreUpdater;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole jitmask topology, in the order of the data-flow picture in docs/ARCHITECTURE.md:
 *
 * <pre>
 * raw.&lt;dataset&gt; ─► masking ─► masked.&lt;dataset&gt;
 *                     │  ▲
 *                     │  ├── grants-global (from jit.grants)
 *                     │  └── classification-global (from jit.classification)
 *                     ├────► grant.&lt;dataset&gt;.&lt;requestId&gt;   (counted in store grant-ledger)
 *                     ├────► jit.classification (paths learnt from the subject's history)
 *                     ├────► jit.audit (SCHEMA_CHANGED)
 *                     ├────► jit.grant-results (LEDGER_CLOSED)
 *                     └────► jit.dlq
 *
 * jit.approvals ────────────────┐
 * jit.grant-results ────────────┤
 * admission-answers-repartition ┴► grant-lifecycle (stores grant-requests, grant-deadlines, grant-counters,
 *   ▲                            ▲  grant-request-order, grant-progress, grant-held-events, webauthn-sign-counts)
 *   │                            └── webauthn-credentials (global, from jit.credentials)    ─► jit.grants
 *   │                                                                                       ├─► jit.audit
 *   │                                                                                       ├─► jit.grant-commands ─► workers
 *   │                                                                                       └─► admission-repartition
 *   └── admission (store admission-pending; keyed by requester) ◄── admission-repartition ◄──┘
 *
 * jit.audit ─► audit-cloudevents ─► jitmask.audit.cloudevents.topic   (only when that topic is configured)
 * </pre>
 *
 * The raw path keeps no raw value in state: the global grants and classification stores and the disclosure
 * ledger (counts, offsets and timestamps per grant and partition) are metadata (the classification holds field paths
 * and tag names only), so no raw value can reach a changelog or repartition topic.
 */
public final class JitmaskTopology {
    public static final String RAW_SOURCE = "raw-source";
    public static final String MASKING = "masking";
    public static final String MASKED_SINK = "masked-sink";
    public static final String GRANT_COPIES_SINK = "grant-copies-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String GRANT_LEDGER_STORE = "grant-ledger";
    public static final String LEDGER_RESULTS_SINK = "ledger-results-sink";
    public static final String CLASSIFICATION_SINK = "classification-sink";
    public static final String SCHEMA_AUDIT_SINK = "schema-audit-sink";
    public static final String CLASSIFICATION_GLOBAL_STORE = "classification-global";
    public static final String CLASSIFICATION_GLOBAL_SOURCE = "classification-global-source";
    public static final String CLASSIFICATION_GLOBAL_UPDATER = "classification-global-updater";
    public static final String GRANTS_GLOBAL_STORE = "grants-global";
    public static final String GRANTS_GLOBAL_SOURCE = "grants-global-source";
    public static final String GRANTS_GLOBAL_UPDATER = "grants-global-updater";
    public static final String APPROVALS_SOURCE = "approvals-source";
    public static final String GRANT_LIFECYCLE = "grant-lifecycle";
    public static final String GRANT_REQUESTS_STORE = "grant-requests";
    public static final String GRANT_PROGRESS_STORE = "grant-progress";
    public static final String GRANT_RESULTS_SOURCE = "grant-results-source";
    public static final String GRANT_COMMANDS_SINK = "grant-commands-sink";
    public static final String GRANT_DEADLINES_STORE = "grant-deadlines";
    public static final String GRANT_COUNTERS_STORE = "grant-counters";
    public static final String GRANT_REQUEST_ORDER_STORE = "grant-request-order";
    public static final String GRANTS_SINK = "grants-sink";
    public static final String AUDIT_SINK = "audit-sink";
    public static final String WEBAUTHN_CREDENTIALS_STORE = "webauthn-credentials";
    public static final String WEBAUTHN_CREDENTIALS_SOURCE = "webauthn-credentials-source";
    public static final String WEBAUTHN_CREDENTIALS_UPDATER = "webauthn-credentials-updater";
    public static final String WEBAUTHN_SIGN_COUNTS_STORE = "webauthn-sign-counts";
    public static final String GRANT_HELD_EVENTS_STORE = "grant-held-events";
    /** Repartition topic of ADMIT / RELEASE / COUNT, keyed by requester: {@code <application.id>-control-admission-repartition}. */
    public static final String ADMISSION_TOPIC = "admission-repartition";
    /** Repartition topic of the admission answers, keyed by requestId, co-partitioned with jit.approvals. */
    public static final String ADMISSION_ANSWERS_TOPIC = "admission-answers-repartition";
    public static final String ADMISSION_SINK = "admission-sink";
    public static final String ADMISSION_SOURCE = "admission-source";
    public static final String ADMISSION = "admission";
    public static final String ADMISSION_PENDING_STORE = "admission-pending";
    public static final String ADMISSION_ANSWERS_SINK = "admission-answers-sink";
    public static final String ADMISSION_ANSWERS_SOURCE = "admission-answers-source";
    public static final String AUDIT_SOURCE = "audit-source";
    public static final String AUDIT_CLOUDEVENTS = "audit-cloudevents";
    public static final String AUDIT_CLOUDEVENTS_SINK = "audit-cloudevents-sink";

    private JitmaskTopology() {
    }

    /** Everything the masking path needs; one instance per application instance. */
    public record MaskingDeps(List<String> datasets, MaskEngine engine, SchemaRegistryClient registry,
                              GrantIndex grants, List<String> allowedHeaders, java.time.Duration copyCutoff,
                              io.jitmask.ops.JitmaskMetrics metrics, SchemaAdmission admission,
                              MaskingProcessor.Lookback lookback) {
        /** With the engine's policy and classification, and TopicNameStrategy subjects. */
        public MaskingDeps(List<String> datasets, PolicyMaskEngine engine, SchemaRegistryClient registry, GrantIndex grants,
                           List<String> allowedHeaders, java.time.Duration copyCutoff) {
            this(datasets, engine, registry, grants, allowedHeaders, copyCutoff, io.jitmask.ops.JitmaskMetrics.none(),
                    new SchemaAdmission(engine.policy(), registry, engine.book(), SubjectNaming.TOPIC), NO_LOOKBACK);
        }

        /** With the engine's policy and classification, TopicNameStrategy subjects, and a lookback reader. */
        public MaskingDeps(List<String> datasets, PolicyMaskEngine engine, SchemaRegistryClient registry, GrantIndex grants,
                           List<String> allowedHeaders, java.time.Duration copyCutoff, MaskingProcessor.Lookback lookback) {
            this(datasets, engine, registry, grants, allowedHeaders, copyCutoff, io.jitmask.ops.JitmaskMetrics.none(),
                    new SchemaAdmission(engine.policy(), registry, engine.book(), SubjectNaming.TOPIC), lookback);
        }
    }

    /** For topologies that never see a lookback grant (tests): any catch-up fails loudly. */
    public static final MaskingProcessor.Lookback NO_LOOKBACK = new MaskingProcessor.Lookback(new io.jitmask.stream.RawLog() {
        @Override
        public At firstAtOrAfter(org.apache.kafka.common.TopicPartition partition, long timestampMs) {
            throw new IllegalStateException("no raw log for lookback catch-ups");
        }

        @Override
        public long logStart(org.apache.kafka.common.TopicPartition partition) {
            throw new IllegalStateException("no raw log for lookback catch-ups");
        }

        @Override
        public long lastStable(org.apache.kafka.common.TopicPartition partition) {
            throw new IllegalStateException("no raw log for lookback catch-ups");
        }

        @Override
        public int partitions(String topic) {
            throw new IllegalStateException("no raw log for lookback catch-ups");
        }

        @Override
        public Batch read(org.apache.kafka.common.TopicPartition partition, long from, java.time.Duration timeout) {
            throw new IllegalStateException("no raw log for lookback catch-ups");
        }
    }, new io.jitmask.stream.CatchUpBudget(1000), java.time.Duration.ofSeconds(5));

    public static Topology masking(Topology topology, MaskingDeps deps) {
        MaskedSchemaIds maskedIds = new MaskedSchemaIds(deps.registry());
        HeaderFilter headers = new HeaderFilter(deps.allowedHeaders());
        String[] rawTopics = deps.datasets().stream().map(Topics::raw).toArray(String[]::new);
        // Resolved once per raw topic: validating topic names per record cost about 5% of the masking thread.
        java.util.Map<String, String> maskedNames = new java.util.concurrent.ConcurrentHashMap<>();
        TopicNameExtractor<byte[], byte[]> maskedTopic = (key, value, context) ->
                maskedNames.computeIfAbsent(context.topic(), raw -> Topics.masked(Topics.datasetOfRaw(raw)));

        MaskingProcessor.Sinks sinks = new MaskingProcessor.Sinks(MASKED_SINK, GRANT_COPIES_SINK, DLQ_SINK,
                CLASSIFICATION_SINK, SCHEMA_AUDIT_SINK, LEDGER_RESULTS_SINK);

        topology.addSource(RAW_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), rawTopics)
                .addProcessor(MASKING, () -> new MaskingProcessor(deps.engine(), deps.registry(), deps.admission(),
                        deps.grants(), headers, maskedIds, deps.copyCutoff(), sinks, GRANT_LEDGER_STORE, deps.metrics(),
                        deps.lookback()),
                        RAW_SOURCE)
                // Cached: a busy grant's ledger entry reaches the changelog once per commit, not once per copy.
                .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GRANT_LEDGER_STORE),
                        org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.ByteArray()).withCachingEnabled(), MASKING)
                .addSink(MASKED_SINK, maskedTopic, new ByteArraySerializer(), new ByteArraySerializer(), MASKING)
                .addSink(GRANT_COPIES_SINK, GrantCopy.TOPIC, new ByteArraySerializer(), GrantCopy.VALUE_SERIALIZER, MASKING)
                .addSink(DLQ_SINK, Topics.DLQ, new ByteArraySerializer(), new ByteArraySerializer(), MASKING)
                .addSink(CLASSIFICATION_SINK, Topics.CLASSIFICATION, new ByteArraySerializer(), new ByteArraySerializer(), MASKING)
                .addSink(SCHEMA_AUDIT_SINK, Topics.AUDIT, new ByteArraySerializer(), new ByteArraySerializer(), MASKING)
                .addSink(LEDGER_RESULTS_SINK, Topics.GRANT_RESULTS, new ByteArraySerializer(), new ByteArraySerializer(), MASKING);

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CLASSIFICATION_GLOBAL_STORE),
                        org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.ByteArray()).withLoggingDisabled(),
                CLASSIFICATION_GLOBAL_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.CLASSIFICATION,
                CLASSIFICATION_GLOBAL_UPDATER,
                () -> new ClassificationStoreUpdater(CLASSIFICATION_GLOBAL_STORE, deps.admission().book()));

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GRANTS_GLOBAL_STORE),
                        Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                GRANTS_GLOBAL_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.GRANTS,
                GRANTS_GLOBAL_UPDATER, () -> new GrantsStoreUpdater(GRANTS_GLOBAL_STORE, deps.grants()));
        return topology;
    }

    /** The grant lifecycle with the default limits and the deps' request TTL. */
    public static Topology lifecycle(ControlTopology topology, GrantLifecycleProcessor.Deps deps) {
        return lifecycle(topology, deps, LifecycleLimits.withTtl(deps.requestTtl()));
    }

    /**
     * The grant lifecycle: signed events and the results of side effects in; grants, audit events and side-effect
     * commands out. {@code jit.grant-results} is partitioned as {@code jit.approvals}, so a request's events and
     * results reach the same task. Its stores: the requests, their deadlines ordered by time and the per-requester
     * counters ({@link io.jitmask.grants.LifecycleStore}), and the progress of side effects under way.
     */
    public static Topology lifecycle(ControlTopology topology, GrantLifecycleProcessor.Deps deps, LifecycleLimits limits) {
        grantLifecycle(topology, deps, limits);
        admission(topology, limits);
        return topology;
    }

    /**
     * The lifecycle's own sub-topology: reads jit.approvals, jit.grant-results and the admission answers; writes
     * ADMIT / RELEASE to the admission topic (a part of {@link #lifecycle}; alone only in tests that answer by hand).
     */
    public static ControlTopology grantLifecycle(ControlTopology topology, GrantLifecycleProcessor.Deps deps,
                                                 LifecycleLimits limits) {
        GrantLifecycleProcessor.Names names = new GrantLifecycleProcessor.Names(GRANT_REQUESTS_STORE,
                GRANT_DEADLINES_STORE, GRANT_COUNTERS_STORE, GRANT_REQUEST_ORDER_STORE, GRANT_PROGRESS_STORE, GRANTS_SINK, AUDIT_SINK,
                GRANT_COMMANDS_SINK, WEBAUTHN_CREDENTIALS_STORE, WEBAUTHN_SIGN_COUNTS_STORE, GRANT_HELD_EVENTS_STORE,
                ADMISSION_SINK, ADMISSION_ANSWERS_TOPIC);
        topology.repartitionTopic(ADMISSION_TOPIC).repartitionTopic(ADMISSION_ANSWERS_TOPIC);
        topology.addSource(APPROVALS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.APPROVALS)
                .addSource(GRANT_RESULTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.GRANT_RESULTS)
                .addSource(ADMISSION_ANSWERS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(),
                        ADMISSION_ANSWERS_TOPIC)
                .addProcessor(GRANT_LIFECYCLE, () -> new GrantLifecycleProcessor(deps, limits, names),
                        APPROVALS_SOURCE, GRANT_RESULTS_SOURCE, ADMISSION_ANSWERS_SOURCE)
                // Cached: a request's REQUESTED and DENIED in one commit reach RocksDB and the changelog once, and a
                // requester's counter once per commit however many requests moved it (each write was a changelog
                // record in the exactly-once transaction before).
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_REQUESTS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), GRANT_LIFECYCLE)
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_DEADLINES_STORE),
                        Serdes.String(), Serdes.String()).withCachingEnabled(), GRANT_LIFECYCLE)
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_COUNTERS_STORE),
                        Serdes.String(), Serdes.Long()).withCachingEnabled(), GRANT_LIFECYCLE)
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_REQUEST_ORDER_STORE),
                        Serdes.String(), Serdes.String()).withCachingEnabled(), GRANT_LIFECYCLE)
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_PROGRESS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), GRANT_LIFECYCLE)
                // The highest passkey signature counter seen per credential, kept with the approvals it checked.
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WEBAUTHN_SIGN_COUNTS_STORE),
                        Serdes.String(), Serdes.Long()), GRANT_LIFECYCLE)
                .addSink(GRANTS_SINK, Topics.GRANTS, new StringSerializer(), new ByteArraySerializer(), GRANT_LIFECYCLE)
                .addSink(AUDIT_SINK, Topics.AUDIT, new StringSerializer(), new ByteArraySerializer(), GRANT_LIFECYCLE)
                .addSink(GRANT_COMMANDS_SINK, Topics.GRANT_COMMANDS, new StringSerializer(), new ByteArraySerializer(),
                        GRANT_LIFECYCLE)
                // Events held for requests waiting for admission: changelogged, so a kill loses none.
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GRANT_HELD_EVENTS_STORE),
                        Serdes.String(), Serdes.ByteArray()), GRANT_LIFECYCLE)
                .addSink(ADMISSION_SINK, ADMISSION_TOPIC, new StringSerializer(), new ByteArraySerializer(), GRANT_LIFECYCLE);
        // The answers' topic gets jit.approvals' partition count: answer partition p reaches lifecycle task p.
        topology.copartition(APPROVALS_SOURCE, ADMISSION_ANSWERS_SOURCE);
        // Approvers' passkeys, read whole by every lifecycle task (an approval may land on any partition).
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WEBAUTHN_CREDENTIALS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                WEBAUTHN_CREDENTIALS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.CREDENTIALS,
                WEBAUTHN_CREDENTIALS_UPDATER, () -> new CredentialStoreUpdater(WEBAUTHN_CREDENTIALS_STORE));
        return topology;
    }

    /**
     * The exact per-requester limit ({@link AdmissionProcessor}): one count per requester, over every partition of
     * jit.approvals; answers go back to the lifecycle task that asked.
     */
    public static ControlTopology admission(ControlTopology topology, LifecycleLimits limits) {
        topology.repartitionTopic(ADMISSION_TOPIC).repartitionTopic(ADMISSION_ANSWERS_TOPIC);
        // The exact per-requester limit: one count per requester, over every partition of jit.approvals.
        topology.addSource(ADMISSION_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), ADMISSION_TOPIC)
                .addProcessor(ADMISSION, () -> new AdmissionProcessor(limits.maxPendingPerRequester(),
                        ADMISSION_PENDING_STORE, ADMISSION_ANSWERS_SINK), ADMISSION_SOURCE)
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ADMISSION_PENDING_STORE),
                        Serdes.String(), Serdes.Long()), ADMISSION)
                .addSink(ADMISSION_ANSWERS_SINK, ADMISSION_ANSWERS_TOPIC, new StringSerializer(), new ByteArraySerializer(),
                        AdmissionProcessor.TO_ORIGIN, ADMISSION);
        return topology;
    }

    /** Audit export: every event of {@code jit.audit}, as a CloudEvent, on {@code topic} (exactly once, like the rest). */
    public static Topology auditExport(Topology topology, String applicationId, String topic) {
        topology.addSource(AUDIT_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.AUDIT)
                .addProcessor(AUDIT_CLOUDEVENTS, () -> new AuditCloudEventsProcessor(applicationId, AUDIT_CLOUDEVENTS_SINK),
                        AUDIT_SOURCE)
                .addSink(AUDIT_CLOUDEVENTS_SINK, topic, new StringSerializer(), new ByteArraySerializer(), AUDIT_CLOUDEVENTS);
        return topology;
    }
}
