package io.jitmask.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The message-index list of Confluent's Protobuf wire format, between the schema id and the message bytes: which
 * message of the .proto the value is (e.g. [1, 0] = the first type nested in the second top-level message).
 * Encoded as zig-zag varints, count first; the common [0] as a single 0 byte.
 */
public final class MessageIndexes {
    /** More nesting than any sane .proto has; a hostile count is refused before anything is allocated. */
    static final int MAX_INDEXES = 32;

    private MessageIndexes() {
    }

    /** Reads the list at the buffer's position and leaves the position after it. */
    public static List<Integer> read(ByteBuffer buffer, int schemaId) {
        try {
            int count = ByteUtils.readVarint(buffer);
            if (count == 0) {
                return List.of(0);
            }
            if (count < 0 || count > MAX_INDEXES) {
                throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " declares " + count
                        + " message indexes (at most " + MAX_INDEXES + ")");
            }
            List<Integer> indexes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = ByteUtils.readVarint(buffer);
                if (index < 0) {
                    throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " has a negative message index");
                }
                indexes.add(index);
            }
            return List.copyOf(indexes);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new MalformedRecordException("Protobuf value for schema id " + schemaId + " has a truncated or corrupt message-index list");
        }
    }

    public static byte[] write(List<Integer> indexes) {
        if (indexes.equals(List.of(0))) {
            return new byte[] {0};
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer varint = ByteBuffer.allocate(5 * (indexes.size() + 1));
        ByteUtils.writeVarint(indexes.size(), varint);
        for (int index : indexes) {
            ByteUtils.writeVarint(index, varint);
        }
        out.write(varint.array(), 0, varint.position());
        return out.toByteArray();
    }
}
