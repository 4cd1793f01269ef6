package io.jitmask.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.config.ConfigException;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Posts signed events to {@code jit.approvals} and finds the request an approval refers to. */
final class EventPoster {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventPoster() {
    }

    static void post(ClusterOptions cluster, ObjectNode event) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(cluster.kafka(Map.of(
                ProducerConfig.ACKS_CONFIG, "all")), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString()))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not post the event to " + Topics.APPROVALS + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The signed REQUESTED event of a request, exactly as it was posted. */
    static ObjectNode findRequest(ClusterOptions cluster, String requestId) {
        ObjectNode found = null;
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.readAll(cluster.kafka(), Topics.APPROVALS)) {
            if (record.key() == null || !requestId.equals(new String(record.key(), StandardCharsets.UTF_8)) || record.value() == null) {
                continue;
            }
            try {
                JsonNode event = JSON.readTree(record.value());
                if (event.isObject() && "REQUESTED".equals(event.path("type").asText()) && found == null) {
                    found = (ObjectNode) event;
                }
            } catch (IOException e) {
                // not an event: skip
            }
        }
        if (found == null) {
            throw new ConfigException("no REQUESTED event for request '" + requestId + "' on " + Topics.APPROVALS);
        }
        return found;
    }
}
