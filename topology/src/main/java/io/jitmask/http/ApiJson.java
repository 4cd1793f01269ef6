package io.jitmask.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.audit.AuditEvent;
import java.time.Instant;
import java.util.Collection;

/** JSON helpers of the API: one mapper (ISO-8601 instants) and small builders. */
final class ApiJson {
    static final ObjectMapper MAPPER = AuditEvent.MAPPER;

    private ApiJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode strings(Collection<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    static void putInstant(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    static ObjectNode error(int status, String message) {
        return object().put("error", message).put("code", status);
    }
}
