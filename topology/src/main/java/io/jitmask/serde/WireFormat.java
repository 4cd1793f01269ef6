package io.jitmask.serde;

import java.nio.ByteBuffer;

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary datum. */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    public static boolean isFramed(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_SIZE && bytes[0] == MAGIC;
    }

    public static int schemaId(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedRecordException("empty payload: expected Confluent wire format");
        }
        if (bytes[0] != MAGIC) {
            throw new MalformedRecordException("unknown magic byte " + (bytes[0] & 0xff) + ": expected 0 (Confluent wire format)");
        }
        if (bytes.length < HEADER_SIZE) {
            throw new MalformedRecordException("payload of " + bytes.length + " bytes is shorter than the 5-byte wire-format header");
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    public static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC).putInt(schemaId);
    }

    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC).putInt(schemaId).array();
    }
}
