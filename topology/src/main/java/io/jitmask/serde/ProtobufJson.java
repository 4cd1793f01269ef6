package io.jitmask.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A Protobuf message as JSON for people ({@code jitmask consume}): fields by their declared names, enums by name,
 * bytes in base64, maps as objects, {@code google.protobuf.Timestamp} as an ISO-8601 instant, wrappers as their value.
 */
public final class ProtobufJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ProtobufJson() {
    }

    public static JsonNode of(Message message) {
        String type = message.getDescriptorForType().getFullName();
        if ("google.protobuf.Timestamp".equals(type)) {
            Descriptors.Descriptor d = message.getDescriptorForType();
            return F.textNode(java.time.Instant.ofEpochSecond((Long) message.getField(d.findFieldByName("seconds")),
                    (Integer) message.getField(d.findFieldByName("nanos"))).toString());
        }
        if (type.startsWith("google.protobuf.") && type.endsWith("Value") && message.getDescriptorForType().findFieldByName("value") != null) {
            return value(message.getDescriptorForType().findFieldByName("value"), message.getField(message.getDescriptorForType().findFieldByName("value")));
        }
        ObjectNode out = F.objectNode();
        for (Map.Entry<Descriptors.FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            Descriptors.FieldDescriptor f = field.getKey();
            if (f.isMapField()) {
                ObjectNode map = out.putObject(f.getName());
                for (Object entry : (List<?>) field.getValue()) {
                    Message e = (Message) entry;
                    Descriptors.FieldDescriptor k = f.getMessageType().findFieldByNumber(1);
                    Descriptors.FieldDescriptor v = f.getMessageType().findFieldByNumber(2);
                    map.set(String.valueOf(e.getField(k)), value(v, e.getField(v)));
                }
            } else if (f.isRepeated()) {
                ArrayNode list = out.putArray(f.getName());
                ((List<?>) field.getValue()).forEach(item -> list.add(value(f, item)));
            } else {
                out.set(f.getName(), value(f, field.getValue()));
            }
        }
        return out;
    }

    private static JsonNode value(Descriptors.FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> of((Message) value);
            case ENUM -> F.textNode(((Descriptors.EnumValueDescriptor) value).getName());
            case BYTE_STRING -> F.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case STRING -> F.textNode((String) value);
            case BOOLEAN -> F.booleanNode((Boolean) value);
            case INT -> F.numberNode((Integer) value);
            case LONG -> F.numberNode((Long) value);
            case FLOAT -> F.numberNode((Float) value);
            case DOUBLE -> F.numberNode((Double) value);
        };
    }
}
