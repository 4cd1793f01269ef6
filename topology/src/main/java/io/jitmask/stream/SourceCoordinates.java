package io.jitmask.stream;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Where a copy on a grant topic came from: the raw partition and offset its headers name. */
public record SourceCoordinates(int partition, long offset) {

    /** The coordinates a copy carries, or null for a record without them. */
    public static SourceCoordinates of(Headers headers) {
        Header partition = headers.lastHeader(MaskingProcessor.SOURCE_PARTITION_HEADER);
        Header offset = headers.lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER);
        if (partition == null || offset == null || partition.value().length != 4 || offset.value().length != 8) {
            return null;
        }
        return new SourceCoordinates(ByteBuffer.wrap(partition.value()).getInt(), ByteBuffer.wrap(offset.value()).getLong());
    }
}
