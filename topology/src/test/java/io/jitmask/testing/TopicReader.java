package io.jitmask.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads committed records of a topic from the beginning, as a downstream consumer would.
 *
 * <p>Its waits are polling loops over a consumer, not waits for the application: a failure of another thread while
 * one runs (a stream thread failing on purpose to be replaced, e.g. after a grant topic was deleted by hand) is not
 * the reader's, so they never catch uncaught exceptions (Awaitility's default would fail the read, and the test).
 */
public final class TopicReader {
    private TopicReader() {
    }

    /** Waits until at least {@code count} committed records are on the topic and returns them all. */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String topic, int count, Duration timeout) {
        return readAtLeast(SharedKafka.bootstrapServers(), topic, count, timeout);
    }

    /** The same on the cluster at {@code bootstrapServers}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String bootstrapServers, String topic, int count,
                                                                   Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().dontCatchUncaughtExceptions().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    /** Every committed record currently on the topic (reads until the end offsets). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(SharedKafka.bootstrapServers(), topic);
    }

    /** Every committed record currently on the topic of the cluster at {@code bootstrapServers}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return records;
    }

    /**
     * Rereads the whole topic until it holds at least {@code count} committed records or {@code timeout} passed,
     * and returns the last reading either way, so the caller's assertion can say which records are missing.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAllWhenAtLeast(String bootstrapServers, String topic, long count,
                                                                         Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = readAll(bootstrapServers, topic);
        while (records.size() < count && System.nanoTime() < deadline) {
            Awaitility.await().dontCatchUncaughtExceptions().pollDelay(Duration.ofMillis(500)).until(() -> true);
            records = readAll(bootstrapServers, topic);
        }
        return records;
    }

    /**
     * The sum over partitions of the topic's last stable offset: grows with every committed transaction. A cheap
     * progress signal, where reading the whole topic again would compete for CPU with what is being measured.
     */
    public static long committedEnd(String bootstrapServers, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Waits until at least {@code records} more records are committed on the topic than now. */
    public static void awaitProgress(String bootstrapServers, String topic, int records) {
        long before = committedEnd(bootstrapServers, topic);
        Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> committedEnd(bootstrapServers, topic) >= before + records);
    }

    public static KafkaConsumer<byte[], byte[]> consumer() {
        return consumer(SharedKafka.bootstrapServers());
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return consumer(bootstrapServers, "read_committed");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String isolationLevel) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Waits until a record that {@code wanted} matches is written to the topic, committed or not
     * ({@code read_uncommitted}): the moment a transaction still open may have written it, which crash tests kill
     * at. The topic may not exist yet (an internal topic of an application still starting): waits for it too.
     */
    public static ConsumerRecord<byte[], byte[]> awaitWritten(String bootstrapServers, String topic,
                                                              java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> wanted,
                                                              Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "read_uncommitted")) {
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            Awaitility.await().dontCatchUncaughtExceptions().atMost(timeout).pollInterval(Duration.ofMillis(1)).until(() -> {
                if (consumer.assignment().isEmpty()) {
                    var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(1)).stream()
                            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    return false;
                }
                consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
