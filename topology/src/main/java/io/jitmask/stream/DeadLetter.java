package io.jitmask.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A record on {@code jit.dlq}: where the failed record is and why it failed. Never its key, payload or headers:
 * those stay on the raw topic, which only jitmask may read. Messages are copied only from jitmask's own
 * exceptions, which are written to name fields, ids and sizes and never values; anything else is reported by
 * class name alone, since a foreign library may quote the data it choked on.
 */
public final class DeadLetter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetter() {
    }

    public static byte[] key(String topic, int partition, long offset) {
        return (topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] value(String topic, int partition, long offset, long timestamp, String dataset,
                               Throwable error, Instant at) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("topic", topic);
        node.put("partition", partition);
        node.put("offset", offset);
        node.put("timestamp", timestamp);
        node.put("dataset", dataset);
        node.put("errorClass", error.getClass().getName());
        node.put("message", safeMessage(error));
        node.put("at", at.toString());
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write dead letter", e);
        }
    }

    public static String safeMessage(Throwable error) {
        if (error.getClass().getName().startsWith("io.jitmask.") && error.getMessage() != null) {
            return error.getMessage();
        }
        return "unexpected " + error.getClass().getSimpleName() + " while masking";
    }
}
