package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.AuditFilter;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest events of {@code jit.audit}, read from the beginning by a background consumer (no group, committed
 * records only) and kept in memory up to a bound; older ones stay on the topic for {@code jitmask audit}. Events
 * are kept in the order the topic gives them, so one request's trail (one partition) stays in order.
 */
public final class AuditTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTail.class);

    private record Entry(String key, AuditEvent event, JsonNode json, String position) {
    }

    /**
     * An event and its place in the trail: the record's timestamp, never earlier than the partition's previous one
     * (so one request's trail, one partition, keeps its topic order), then partition and offset. The tail reads
     * every partition from its start, so every instance computes the same position for an event.
     */
    public record Positioned(String position, JsonNode json) {
    }

    private final java.util.Map<Integer, Long> partitionTime = new java.util.HashMap<>();

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public AuditTail(Properties clientProperties, int capacity) {
        this.capacity = capacity;
        consumer = ReadOnlyConsumer.create(clientProperties, "jitmask-api-audit-");
        thread = new Thread(this::run, "jitmask-api-audit-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AUDIT, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(Topics.AUDIT, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    add(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("audit tail stopped ({}); the API's audit view is frozen", e.getClass().getSimpleName());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
        long time = partitionTime.merge(record.partition(), record.timestamp(), Math::max);
        if (record.value() == null) {
            return;
        }
        try {
            JsonNode json = AuditEvent.MAPPER.readTree(record.value());
            AuditEvent event = AuditEvent.MAPPER.treeToValue(json, AuditEvent.class);
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            synchronized (entries) {
                entries.addLast(new Entry(key, event, json, Paging.pad(time) + "/" + Paging.pad(record.partition())
                        + "/" + Paging.pad(record.offset())));
                if (entries.size() > capacity) {
                    entries.removeFirst();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // not an audit event: jitmask never writes one, and a foreign record is not shown
        }
    }

    /** Every event in the tail matching the filter, exactly as it is on the topic, with its position. */
    public List<Positioned> find(AuditFilter filter) {
        List<Positioned> matching = new ArrayList<>();
        synchronized (entries) {
            for (Entry entry : entries) {
                if (filter.matches(entry.key(), entry.event())) {
                    matching.add(new Positioned(entry.position(), entry.json()));
                }
            }
        }
        return matching;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
