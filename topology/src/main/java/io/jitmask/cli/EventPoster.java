package io.jitmask.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalPoster;
import io.jitmask.config.ConfigException;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Posts signed events to {@code jit.approvals} and finds the request an approval refers to. */
final class EventPoster {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventPoster() {
    }

    static void post(ClusterOptions cluster, ObjectNode event) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(cluster.kafka());
        try (ApprovalPoster poster = new ApprovalPoster(props)) {
            poster.post(event);
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
