package io.jitmask.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the committed records of a topic from the beginning, without a consumer group. */
public final class TopicScan {
    private TopicScan() {
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return consumer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A consumer with the given client settings (bootstrap.servers, security...) and no group. */
    public static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "jitmask-cli-" + UUID.randomUUID());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every committed record now on the topic, in partition order. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        follow(kafka, topic, false, records::add);
        return records;
    }

    /** Hands every record to {@code sink}; with {@code follow}, keeps waiting for new ones until interrupted. */
    public static void follow(Map<String, Object> kafka, String topic, boolean follow,
                              Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (follow || partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (!follow && System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }
}
