package io.jitmask.serde;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Confluent-framed Protobuf: magic byte 0, 4-byte schema id, message indexes, then the message, decoded as a
 * {@link DynamicMessage} of the registered schema's descriptor.
 *
 * <p>Fails closed on anything the schema does not describe: a value with fields its schema does not declare (at any
 * depth) is refused rather than masked, because Protobuf would carry those bytes through untouched and unmasked.
 */
public final class ProtobufCodec {
    /** A decoded value: the message type the indexes name, and the indexes to write back. */
    public record Decoded(int schemaId, List<Integer> indexes, Descriptors.Descriptor type, Message message) {
    }

    /** Nesting allowed in a message (protobuf-java's own default). */
    private static final int RECURSION_LIMIT = 100;

    private ProtobufCodec() {
    }

    public static Decoded decode(byte[] bytes, int schemaId, Descriptors.FileDescriptor file) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE);
        List<Integer> indexes = MessageIndexes.read(buffer, schemaId);
        Descriptors.Descriptor type = messageType(file, indexes, schemaId);
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes, buffer.position(), bytes.length - buffer.position());
            in.setRecursionLimit(RECURSION_LIMIT);
            DynamicMessage message = DynamicMessage.parseFrom(type, in);
            in.checkLastTagWas(0);
            rejectUnknownFields(message, schemaId);
            return new Decoded(schemaId, indexes, type, message);
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            // The cause may quote data; keep only its type.
            throw new MalformedRecordException("truncated or corrupt Protobuf message for schema id " + schemaId
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    public static byte[] encode(int schemaId, List<Integer> indexes, Message message) {
        byte[] header = WireFormat.header(schemaId);
        byte[] index = MessageIndexes.write(indexes);
        byte[] body = message.toByteArray();
        byte[] out = new byte[header.length + index.length + body.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(index, 0, out, header.length, index.length);
        System.arraycopy(body, 0, out, header.length + index.length, body.length);
        return out;
    }

    /** The message type named by the indexes: a top-level message, then types nested in it. */
    public static Descriptors.Descriptor messageType(Descriptors.FileDescriptor file, List<Integer> indexes, int schemaId) {
        List<Descriptors.Descriptor> candidates = file.getMessageTypes();
        Descriptors.Descriptor type = null;
        for (int index : indexes) {
            if (index >= candidates.size()) {
                throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " names message index "
                        + indexes + ", which the schema does not have");
            }
            type = candidates.get(index);
            candidates = type.getNestedTypes();
        }
        if (type == null) {
            throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " names no message");
        }
        return type;
    }

    private static void rejectUnknownFields(Message message, int schemaId) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " has fields numbered "
                    + message.getUnknownFields().asMap().keySet() + " that message " + message.getDescriptorForType().getFullName()
                    + " does not declare");
        }
        for (Map.Entry<Descriptors.FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.getValue() instanceof List<?> list) {
                for (Object item : list) {
                    rejectUnknownFields((Message) item, schemaId);
                }
            } else {
                rejectUnknownFields((Message) field.getValue(), schemaId);
            }
        }
    }
}
