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
        return find(cluster, requestId, event -> "REQUESTED".equals(event.path("type").asText()), "REQUESTED event");
    }

    /** The signed EXTEND_REQUESTED event of one extension of a grant, exactly as it was posted. */
    static ObjectNode findExtension(ClusterOptions cluster, String requestId, String extensionId) {
        return find(cluster, requestId, event -> "EXTEND_REQUESTED".equals(event.path("type").asText())
                && extensionId.equals(event.path("extensionId").asText()), "extension '" + extensionId + "'");
    }

    private static ObjectNode find(ClusterOptions cluster, String requestId,
                                   java.util.function.Predicate<JsonNode> wanted, String what) {
        ObjectNode found = null;
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.readAll(cluster.kafka(), Topics.APPROVALS)) {
            if (record.key() == null || !requestId.equals(new String(record.key(), StandardCharsets.UTF_8)) || record.value() == null) {
                continue;
            }
            try {
                JsonNode event = JSON.readTree(record.value());
                if (event.isObject() && wanted.test(event) && found == null) {
                    found = (ObjectNode) event;
                }
            } catch (IOException e) {
                // not an event: skip
            }
        }
        if (found == null) {
            throw new ConfigException("no " + what + " for request '" + requestId + "' on " + Topics.APPROVALS);
        }
        return found;
    }
}
