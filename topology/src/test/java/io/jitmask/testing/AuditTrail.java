package io.jitmask.testing;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code jit.audit} of the shared broker as a downstream {@code read_committed} consumer sees it now, read by one
 * consumer that follows the topic for the whole test JVM: each look reads only what was committed since the last
 * one. Rereading the whole topic per look (as {@link TopicReader#readAll} does) costs more with every class that
 * ran before, and tests look often, from polling loops.
 */
public final class AuditTrail implements AutoCloseable {
    private static AuditTrail shared;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    private AuditTrail(String bootstrapServers) {
        consumer = TopicReader.consumer(bootstrapServers);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.AUDIT, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(Topics.AUDIT, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException(Topics.AUDIT + " does not exist (no application has started yet)");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The shared broker's trail; like the broker, never closed (the JVM's exit ends it). */
    public static synchronized AuditTrail shared() {
        if (shared == null) {
            shared = new AuditTrail(SharedKafka.bootstrapServers());
        }
        return shared;
    }

    /**
     * The trail of the cluster at {@code bootstrapServers} (a class's own broker), once its {@code jit.audit} exists;
     * the caller closes it.
     */
    public static AuditTrail of(String bootstrapServers) {
        return new AuditTrail(bootstrapServers);
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }

    /** Every committed record on the topic now, in the order read (per partition, topic order). */
    public synchronized List<ConsumerRecord<byte[], byte[]>> records() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + Topics.AUDIT + " up to " + end + " in 30 s");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return List.copyOf(records);
    }

    /** The records of one request (keyed by its id), in order. */
    public List<ConsumerRecord<byte[], byte[]>> records(String requestId) {
        return records().stream().filter(r -> requestId.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }

    /** The audit trail of one request, in order. */
    public List<AuditEvent> events(String requestId) {
        return records(requestId).stream().map(r -> AuditEvent.fromBytes(r.value())).toList();
    }
}
