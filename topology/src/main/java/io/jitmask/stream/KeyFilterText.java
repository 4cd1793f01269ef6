package io.jitmask.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The string a grant filter's {@code keys} are compared with for a JSON Schema or Protobuf record key, as
 * {@code String.valueOf} of the datum is for an Avro key: a JSON string or number key is its text; a JSON object
 * key is its compact JSON; a Protobuf key message is the compact JSON of its set fields by field name (declaration
 * order; enums by name, bytes in base64).
 */
final class KeyFilterText {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KeyFilterText() {
    }

    static String of(RecordValues.Value key) {
        if (key instanceof RecordValues.JsonValue j) {
            return j.tree().isValueNode() ? j.tree().asText() : j.tree().toString();
        }
        return message(((RecordValues.ProtobufValue) key).decoded().message()).toString();
    }

    private static ObjectNode message(Message message) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            if (descriptor.isRepeated()) {
                ArrayNode items = out.putArray(descriptor.getName());
                for (Object item : (List<?>) field.getValue()) {
                    items.add(value(item));
                }
            } else {
                out.set(descriptor.getName(), value(field.getValue()));
            }
        }
        return out;
    }

    private static JsonNode value(Object value) {
        if (value instanceof Message m) {
            return message(m);
        }
        if (value instanceof EnumValueDescriptor e) {
            return NODES.textNode(e.getName());
        }
        if (value instanceof ByteString b) {
            return NODES.textNode(Base64.getEncoder().encodeToString(b.toByteArray()));
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        return NODES.textNode(String.valueOf(value));
    }
}
