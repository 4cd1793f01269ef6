package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.config.Topics;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.serde.RecordJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A few of the newest records of {@code masked.<dataset>}, decoded, so an approver sees the shape of what a
 * request would reveal. Only the masked topic is read: every value here is already masked by construction, never
 * raw. Answers are kept a few seconds per dataset, as a console refreshes often.
 */
public final class MaskedPreview {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CACHE = Duration.ofSeconds(5);

    private record Cached(Instant at, List<JsonNode> records) {
    }

    private final Properties clientProperties;
    private final RecordJson recordJson;
    private final int size;
    private final Clock clock;
    private final Map<String, Cached> cache = new HashMap<>();

    public MaskedPreview(Properties clientProperties, SchemaRegistryClient registry, int size, Clock clock) {
        this.clientProperties = clientProperties;
        this.recordJson = new RecordJson(registry);
        this.size = size;
        this.clock = clock;
    }

    /** Up to {@code size} newest records of the dataset's masked topic, newest first; empty when it has none. */
    public synchronized List<JsonNode> recent(String dataset) {
        Cached cached = cache.get(dataset);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.at().plus(CACHE))) {
            return cached.records();
        }
        List<JsonNode> records = read(Topics.masked(dataset));
        // An empty answer is not kept: the first records of a new dataset show at once, not a cache period later.
        if (records.isEmpty()) {
            cache.remove(dataset);
        } else {
            cache.put(dataset, new Cached(now, records));
        }
        return records;
    }

    private List<JsonNode> read(String topic) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = ReadOnlyConsumer.create(clientProperties, "jitmask-api-preview-")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - size));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(found::add);
            }
        } catch (RuntimeException e) {
            throw new ApiException(503, "cannot read " + topic + " for a preview (" + e.getClass().getSimpleName() + ")");
        }
        found.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed()
                .thenComparing(ConsumerRecord::partition).thenComparing(ConsumerRecord::offset, Comparator.reverseOrder()));
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : found) {
            if (out.size() == size) {
                break;
            }
            try {
                out.add(JSON.readTree(recordJson.line(topic, record)));
            } catch (IOException | RuntimeException e) {
                // a record that cannot be decoded is left out of the preview
            }
        }
        return List.copyOf(out);
    }
}
