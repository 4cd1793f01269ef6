package io.jitmask.stream;

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
    private ProcessorContext<byte[], Object> context;

    public MaskingProcessor(MaskEngine engine, SchemaRegistryClient registry, GrantIndex grants, HeaderFilter headers,
                            MaskedSchemaIds maskedIds, java.time.Duration copyCutoff, String maskedSink, String copiesSink,
                            String dlqSink) {
        this(engine, registry, grants, headers, maskedIds, copyCutoff, maskedSink, copiesSink, dlqSink, JitmaskMetrics.none());
    }

    public MaskingProcessor(MaskEngine engine, SchemaRegistryClient registry, GrantIndex grants, HeaderFilter headers,
                            MaskedSchemaIds maskedIds, java.time.Duration copyCutoff, String maskedSink, String copiesSink,
                            String dlqSink, JitmaskMetrics metrics) {
        this.metrics = metrics;
        this.engine = engine;
        this.grants = grants;
        this.headers = headers;
        this.maskedIds = maskedIds;
        this.copyCutoff = copyCutoff;
        this.copier = new GrantCopier(engine, registry, maskedIds, headers);
        this.values = copier.values();
        this.keys = copier.keys();
        this.maskedSink = maskedSink;
        this.copiesSink = copiesSink;
        this.dlqSink = dlqSink;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String dataset = Topics.datasetOfRaw(source.topic());
        byte[] masked;
        RecordKeyMasker.MaskedKey key;
        List<GrantCopier.Copy> copies;
        try {
            key = keys.mask(dataset, record.key());
            if (record.value() == null) {
                // A tombstone carries no data; pass it on so compaction downstream still sees the delete.
                context.forward(new Record<>(key.masked(), null, record.timestamp(), headers.filter(record.headers())), maskedSink);
                metrics.recordMasked(dataset);
                return;
            }
            RecordValues.Value decoded = values.decode(dataset, record.value());
            masked = values.mask(dataset, decoded, Set.of());
            copies = copiesFor(dataset, source, record.key(), key, decoded);
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(source, record.timestamp(), dataset, e);
            return;
        }
        Headers passed = headers.filter(record.headers());
        context.forward(new Record<>(key.masked(), masked, record.timestamp(), passed), maskedSink);
        metrics.recordMasked(dataset);
        for (GrantCopier.Copy copy : copies) {
            // The last guards against a late copy: the grant may have expired, or been ended, while this record
            // was masked. The cutoff keeps batching and commit delays from landing a copy after expiresAt. An
            // ended grant leaves the index before its topic is deleted.
            if (!copy.grant().isLiveAt(Instant.ofEpochMilli(context.currentSystemTimeMs()).plus(copyCutoff))
                    || !grants.contains(copy.grant().key()) || grants.isTopicGone(copy.grant().topic())) {
                continue;
            }
            Headers copyHeaders = copier.headers(record.headers(), source.partition(), source.offset());
            context.forward(new Record<byte[], Object>(copy.key(), new GrantCopy(copy.grant().topic(), copy.value()),
                    record.timestamp(), copyHeaders), copiesSink);
            metrics.recordGrantCopy(dataset, copy.grant().requestId());
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
            // A lookback grant's copies, past and live, all come from its one backfill run (BackfillRun), which
            // splits them at a single offset per partition: exact whichever instance masks the partition.
            if (grant.hasLookback()) {
                continue;
            }
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
