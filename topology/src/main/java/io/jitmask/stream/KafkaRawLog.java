package io.jitmask.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The raw topics as the lookback catch-up reads them: one consumer per stream thread (created the first time that
 * thread catches up, assigned and sought per read, read_committed, no group), whatever the number of grants. A
 * consumer whose thread is gone (a replaced stream thread) is closed when the next one is created.
 */
public final class KafkaRawLog implements RawLog, AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Map<Thread, Consumer<byte[], byte[]>> byThread = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public KafkaRawLog(Supplier<Consumer<byte[], byte[]>> consumers) {
        this.consumers = consumers;
    }

    /** Consumers from client properties: read_committed, no group, no auto-commit. */
    public static KafkaRawLog of(Properties clientProperties, String clientIdPrefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return new KafkaRawLog(() -> {
            Properties props = new Properties();
            props.putAll(clientProperties);
            props.put("isolation.level", "read_committed");
            props.put("enable.auto.commit", "false");
            props.put("max.poll.records", "500");
            props.put("client.id", clientIdPrefix + "-catchup-" + n.incrementAndGet());
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        });
    }

    private Consumer<byte[], byte[]> consumer() {
        if (closed) {
            throw new IllegalStateException("jitmask is shutting down");
        }
        Thread current = Thread.currentThread();
        Consumer<byte[], byte[]> mine = byThread.get(current);
        if (mine != null) {
            return mine;
        }
        byThread.keySet().removeIf(thread -> {
            if (!thread.isAlive()) {
                byThread.get(thread).close(Duration.ZERO);
                return true;
            }
            return false;
        });
        mine = consumers.get();
        byThread.put(current, mine);
        return mine;
    }

    /** Catch-up consumers open now (one per stream thread that caught up): for the benchmark and metrics. */
    public int consumers() {
        return byThread.size();
    }

    @Override
    public At firstAtOrAfter(TopicPartition partition, long timestampMs) {
        OffsetAndTimestamp found = consumer().offsetsForTimes(Map.of(partition, timestampMs), CALL_TIMEOUT).get(partition);
        return found == null ? null : new At(found.offset(), found.timestamp());
    }

    @Override
    public long logStart(TopicPartition partition) {
        return consumer().beginningOffsets(List.of(partition), CALL_TIMEOUT).get(partition);
    }

    @Override
    public long lastStable(TopicPartition partition) {
        // read_committed: the end offset a read_committed consumer sees is the last stable offset.
        return consumer().endOffsets(List.of(partition), CALL_TIMEOUT).get(partition);
    }

    @Override
    public int partitions(String topic) {
        return partitionCounts.computeIfAbsent(topic, t -> consumer().partitionsFor(t, CALL_TIMEOUT).size());
    }

    @Override
    public Batch read(TopicPartition partition, long from, Duration timeout) {
        Consumer<byte[], byte[]> consumer = consumer();
        if (!consumer.assignment().equals(java.util.Set.of(partition))) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
        } else if (consumer.position(partition) != from) {
            consumer.seek(partition, from);
        }
        List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(timeout).records(partition);
        return new Batch(records, consumer.position(partition));
    }

    @Override
    public void close() {
        closed = true;
        byThread.values().forEach(c -> {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // its stream thread may still hold it; the process is closing anyway
            }
        });
        byThread.clear();
    }
}
