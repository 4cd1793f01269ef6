package io.jitmask.grants;

import io.jitmask.audit.AuditEvent;
import io.jitmask.stream.SourceCoordinates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts the committed copies on a grant topic and the raw offsets they came from. Used only for lookback grants,
 * whose copies a backfill run makes outside the masking path and its ledger; every other grant's summary comes
 * from the ledger. Fails (to be retried) rather than report a partial count.
 */
public final class GrantTopicCounter {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    /** What was counted. */
    public record Count(long records, Map<String, AuditEvent.OffsetRange> offsets) {
    }

    private final Supplier<Consumer<byte[], byte[]>> consumers;

    public GrantTopicCounter(Supplier<Consumer<byte[], byte[]>> consumers) {
        this.consumers = consumers;
    }

    /** The count, or an empty one when the topic no longer exists (a command run again after the deletion). */
    public Count count(String topic) {
        long count = 0;
        Map<String, AuditEvent.OffsetRange> offsets = new TreeMap<>();
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            List<org.apache.kafka.common.PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
                return new Count(0, offsets);
            }
            if (infos == null || infos.isEmpty()) {
                return new Count(0, offsets);
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    count++;
                    SourceCoordinates source = SourceCoordinates.of(record.headers());
                    if (source != null) {
                        long o = source.offset();
                        offsets.merge(Integer.toString(source.partition()), new AuditEvent.OffsetRange(o, o), (a, b) ->
                                new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
                    }
                }
            }
        }
        return new Count(count, offsets);
    }
}
