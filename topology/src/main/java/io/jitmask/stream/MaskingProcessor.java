package io.jitmask.stream;

import io.jitmask.audit.AuditEvent;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.SchemaAdmission;
import io.jitmask.classify.SchemaChange;
import io.jitmask.classify.SchemaNotForDatasetException;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantIndex;
import io.jitmask.mask.MaskEngine;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.registry.RegistryUnavailableException;
import io.jitmask.registry.SchemaRegistryClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masks every record of {@code raw.<dataset>} into {@code masked.<dataset>} and writes, for each live grant that
 * matches it, a copy with the granted fields in clear to the grant's topic.
 *
 * <p>Before a writer schema is used, it is admitted to the dataset ({@link SchemaAdmission}): its id must be
 * registered under the dataset's subject, and the dataset's classification is brought up to date with the
 * subject's version history. What that adds is written to {@code jit.classification}, and a version seen for the
 * first time is announced on {@code jit.audit} ({@code SCHEMA_CHANGED}), both in the record's transaction.
 *
 * <p>Every output is computed before the first is forwarded, so a record either goes out completely or, when
 * anything about it fails, only to the DLQ (fail closed). A registry outage is not the record's fault: it is
 * rethrown so the stream thread is replaced and the record reprocessed from the last commit, never dropped.
 */
public final class MaskingProcessor implements Processor<byte[], byte[], byte[], Object> {
    public static final String SOURCE_PARTITION_HEADER = "jitmask.source.partition";
    public static final String SOURCE_OFFSET_HEADER = "jitmask.source.offset";

    private static final Logger LOG = LoggerFactory.getLogger(MaskingProcessor.class);

    private final MaskEngine engine;
    private final GrantIndex grants;
    private final HeaderFilter headers;
    private final MaskedSchemaIds maskedIds;
    private final java.time.Duration copyCutoff;
    private final RecordValues values;
    private final RecordKeyMasker keys;
    private final GrantCopier copier;
    private final String maskedSink;
    private final String copiesSink;
    private final String dlqSink;
    private final JitmaskMetrics metrics;
    private final String ledgerStore;
    private final String resultsSink;
    private final SchemaAdmission admission;
    private final String classificationSink;
    private final String auditSink;
    /** Writer schemas this processor admitted, by (dataset, schema id); refused ones with the time of the refusal. */
    private final java.util.Map<AdmissionKey, Object> admitted = new java.util.HashMap<>();
    private ProcessorContext<byte[], Object> context;
    private DisclosureLedger ledger;
    private final LookbackCatchUp lookback;
    private final RawLog rawLog;

    private record AdmissionKey(String dataset, int schemaId) {
    }

    private record Refused(RuntimeException error, long atMs) {
    }


    /** How long a refused schema id is refused without asking the registry again (a flood costs a lookup each). */
    static final long REFUSAL_MEMORY_MS = 30_000;

    /** Where the outputs go: sink names of the topology. */
    public record Sinks(String masked, String copies, String dlq, String classification, String audit,
                        String ledgerResults) {
    }

    /** How often a task runs a lookback catch-up round (each at most {@link LookbackCatchUp#ROUND} long). */
    static final java.time.Duration CATCH_UP_EVERY = java.time.Duration.ofMillis(100);

    /**
     * The lookback catch-up's reader, budget and progress interval (one of each per instance), and whether the
     * instance's masking path lags right now (then catch-ups yield to it: see {@link LookbackCatchUp#LAGGING_EVERY}).
     */
    public record Lookback(RawLog log, CatchUpBudget budget, java.time.Duration progressInterval,
                           java.util.function.BooleanSupplier maskingLags) {
        /** Catch-ups that never yield (tests, and instances without a lag signal). */
        public Lookback(RawLog log, CatchUpBudget budget, java.time.Duration progressInterval) {
            this(log, budget, progressInterval, () -> false);
        }
    }

    public MaskingProcessor(MaskEngine engine, SchemaRegistryClient registry, SchemaAdmission admission, GrantIndex grants,
                            HeaderFilter headers, MaskedSchemaIds maskedIds, java.time.Duration copyCutoff, Sinks sinks,
                            String ledgerStore, JitmaskMetrics metrics, Lookback lookback) {
        this.metrics = metrics;
        this.ledgerStore = ledgerStore;
        this.resultsSink = sinks.ledgerResults();
        this.admission = admission;
        this.classificationSink = sinks.classification();
        this.auditSink = sinks.audit();
        this.engine = engine;
        this.grants = grants;
        this.headers = headers;
        this.maskedIds = maskedIds;
        this.copyCutoff = copyCutoff;
        this.copier = new GrantCopier(engine, registry, maskedIds, headers);
        this.values = copier.values();
        this.keys = copier.keys();
        this.maskedSink = sinks.masked();
        this.copiesSink = sinks.copies();
        this.dlqSink = sinks.dlq();
        this.rawLog = lookback.log();
        this.lookback = new LookbackCatchUp(grants, copier, new LookbackCatchUp.Settings(lookback.log(), lookback.budget(),
                lookback.progressInterval(), lookback.maskingLags()), copyCutoff, metrics);
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        // A task re-initialised after an aborted transaction must write its admissions' records again.
        admitted.clear();
        this.ledger = new DisclosureLedger(context.getStateStore(ledgerStore));
        lookback.reset();
        // Closes this task's ledger entries of ended grants, in the task's transaction (also right after a restart
        // or a handover, for grants that ended meanwhile).
        context.schedule(java.time.Duration.ofSeconds(1), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::closeEndedGrants);
        // The past windows of lookback grants: copied here, by the task that owns the raw partition, in its transaction.
        context.schedule(CATCH_UP_EVERY, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this::catchUp);
    }

    void catchUp(long wallClockMs) {
        List<io.jitmask.grants.GrantResult> reports = new ArrayList<>();
        lookback.run(ledger, context.taskId().partition(), Instant.ofEpochMilli(wallClockMs), new LookbackCatchUp.Out() {
            @Override
            public void copy(GrantCopier.Copy copy, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> source,
                             Headers copyHeaders) {
                context.forward(new Record<byte[], Object>(copy.key(), new GrantCopy(copy.grant().topic(), copy.value()),
                        source.timestamp(), copyHeaders), copiesSink);
            }

            @Override
            public void result(io.jitmask.grants.GrantResult result) {
                reports.add(result);
            }
        });
        forwardResults(reports, wallClockMs);
    }

    /**
     * Sends results in the task's transaction; several (a catch-up round's, on every pending grant of the partition)
     * batched per partition of jit.grant-results, each alone if the partition count cannot be read.
     */
    private void forwardResults(List<io.jitmask.grants.GrantResult> results, long timestamp) {
        List<io.jitmask.grants.GrantResult> records = results;
        if (results.size() > 1) {
            try {
                records = io.jitmask.grants.GrantResult.batched(results, rawLog.partitions(Topics.GRANT_RESULTS),
                        Instant.ofEpochMilli(timestamp));
            } catch (RuntimeException e) {
                LOG.info("grant results sent one by one: {}", e.getClass().getSimpleName());
            }
        }
        for (io.jitmask.grants.GrantResult result : records) {
            context.forward(new Record<byte[], Object>(result.requestId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    result.toBytes(), timestamp), resultsSink);
        }
    }

    void closeEndedGrants(long wallClockMs) {
        int partition = context.taskId().partition();
        // One by one: batching needs the partition count of jit.grant-results, which only the catch-up's reader (made
        // on a thread's first catch-up) asks for; grants end a few at a time.
        for (io.jitmask.grants.GrantResult closed : ledger.closeEnded(grants, partition, Instant.ofEpochMilli(wallClockMs))) {
            forwardResults(List.of(closed), wallClockMs);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String dataset = Topics.datasetOfRaw(source.topic());
        byte[] masked;
        RecordKeyMasker.MaskedKey key;
        List<GrantCopier.Copy> copies;
        SchemaAdmission.Admitted fresh = null;
        try {
            key = keys.mask(dataset, record.key());
            if (record.value() == null) {
                // A tombstone carries no data; pass it on so compaction downstream still sees the delete.
                context.forward(new Record<>(key.masked(), null, record.timestamp(), headers.filter(record.headers())), maskedSink);
                metrics.recordMasked(dataset);
                return;
            }
            RecordValues.Value decoded = values.decode(dataset, record.value());
            fresh = admit(dataset, decoded);
            masked = values.mask(dataset, decoded, Set.of());
            copies = copiesFor(dataset, source, record.key(), key, decoded);
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            announce(fresh, record.timestamp());
            deadLetter(source, record.timestamp(), dataset, e);
            return;
        }
        announce(fresh, record.timestamp());
        Headers passed = headers.filter(record.headers());
        context.forward(new Record<>(key.masked(), masked, record.timestamp(), passed), maskedSink);
        metrics.recordMasked(dataset);
        for (GrantCopier.Copy copy : copies) {
            // The last guards against a late copy: the grant may have expired, or been ended, while this record
            // was masked. The cutoff keeps batching and commit delays from landing a copy after expiresAt. An
            // ended grant leaves the index before its topic is deleted. Once this task closed the grant's ledger
            // entry for the partition (it saw the grant end), nothing more is copied, even where the global store
            // lags. A lookback grant's record that its catch-up copies (or copied) is not copied live as well.
            if (!copy.grant().isLiveAt(Instant.ofEpochMilli(context.currentSystemTimeMs()).plus(copyCutoff))
                    || !grants.contains(copy.grant().key()) || grants.isTopicDeleted(copy.grant().topic())
                    || ledger.isClosed(copy.grant().requestId(), source.partition())
                    || !ledger.recordLive(copy.grant(), source.partition(), source.offset(), Instant.ofEpochMilli(record.timestamp()))) {
                continue;
            }
            Headers copyHeaders = copier.headers(record.headers(), source.partition(), source.offset());
            context.forward(new Record<byte[], Object>(copy.key(), new GrantCopy(copy.grant().topic(), copy.value()),
                    record.timestamp(), copyHeaders), copiesSink);
            metrics.recordGrantCopy(dataset, copy.grant().requestId());
        }
    }

    /**
     * Admits the record's writer schema once per processor: returns the admission the first time (its records
     * still to be written), null after. A refusal is remembered for {@link #REFUSAL_MEMORY_MS}.
     */
    private SchemaAdmission.Admitted admit(String dataset, RecordValues.Value value) {
        int schemaId = RecordValues.schemaId(value);
        if (schemaId < 0) {
            return null; // plain JSON: no registry, no writer schema to admit
        }
        AdmissionKey key = new AdmissionKey(dataset, schemaId);
        Object known = admitted.get(key);
        long now = context.currentSystemTimeMs();
        if (known instanceof Refused refused && now - refused.atMs() < REFUSAL_MEMORY_MS) {
            throw refused.error() instanceof SchemaNotForDatasetException
                    ? new SchemaNotForDatasetException(refused.error().getMessage()) : refused.error();
        }
        if (known instanceof SchemaAdmission.Admitted) {
            return null;
        }
        try {
            SchemaAdmission.Admitted fresh;
            if (value instanceof RecordValues.AvroValue avro) {
                fresh = admission.admit(dataset, schemaId, avro.decoded().schema());
            } else {
                // JSON Schema and Protobuf: the id must belong to one of the dataset's subjects, whose versions are
                // read through the same planners' path names, so what any version tagged stays masked.
                String subject = values.checkSubject(dataset, schemaId);
                fresh = admission.admit(dataset, schemaId, subject, id -> values.fieldsOf(dataset, value, id));
            }
            admitted.put(key, fresh);
            return fresh;
        } catch (SchemaNotForDatasetException e) {
            admitted.put(key, new Refused(e, now));
            throw e;
        }
    }

    /** Writes what an admission learnt: classification records, and the SCHEMA_CHANGED event of a new version. */
    private void announce(SchemaAdmission.Admitted fresh, long timestamp) {
        if (fresh == null) {
            return;
        }
        for (ClassificationBook.Entry entry : fresh.records()) {
            context.forward(new Record<byte[], Object>(entry.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    entry.value(), timestamp), classificationSink);
        }
        if (fresh.isNewVersion()) {
            String eventId = SchemaChange.eventId(fresh.subject(), fresh.version());
            AuditEvent event = AuditEvent.of(AuditEvent.Type.SCHEMA_CHANGED, eventId,
                            Instant.ofEpochMilli(context.currentSystemTimeMs()))
                    .actor("jitmask").dataset(fresh.dataset())
                    .schema(new SchemaChange(fresh.subject(), fresh.version(), fresh.schemaId(), fresh.announce()))
                    .build();
            context.forward(new Record<byte[], Object>(eventId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    event.toBytes(), timestamp), auditSink);
            metrics.recordSchemaChange(fresh.dataset());
            metrics.recordAudit(AuditEvent.Type.SCHEMA_CHANGED);
        }
    }

    private List<GrantCopier.Copy> copiesFor(String dataset, RecordMetadata source, byte[] rawKey,
                                             RecordKeyMasker.MaskedKey key, RecordValues.Value decoded) {
        List<Grant> matching = grants.matching(dataset, key.filterKey());
        if (matching.isEmpty()) {
            return List.of();
        }
        List<GrantCopier.Copy> copies = new ArrayList<>(matching.size());
        for (Grant grant : matching) {
            // Lookback grants too: their live copies come from here, their past from the catch-up (LookbackCatchUp),
            // split at one offset per partition in the ledger.
            copies.add(copier.copy(grant, dataset, rawKey, key, decoded));
        }
        return copies;
    }

    private void deadLetter(RecordMetadata source, long timestamp, String dataset, RuntimeException error) {
        LOG.warn("record {}/{}/{} sent to {}: {}", source.topic(), source.partition(), source.offset(), Topics.DLQ,
                DeadLetter.safeMessage(error));
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        context.forward(new Record<byte[], Object>(
                DeadLetter.key(source.topic(), source.partition(), source.offset()),
                DeadLetter.value(source.topic(), source.partition(), source.offset(), timestamp, dataset, error, now),
                timestamp), dlqSink);
        metrics.recordDeadLetter(dataset, error);
    }
}
