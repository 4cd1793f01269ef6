package io.jitmask.stream;

import com.google.protobuf.Descriptors;
import io.jitmask.registry.TypedSchema;
import io.jitmask.serde.MalformedRecordException;

/** Builds the descriptor of a registered {@code .proto} schema and its references. */
final class ProtoSchemas {
    private ProtoSchemas() {
    }

    static Descriptors.FileDescriptor parse(int id, TypedSchema schema) {
        throw new MalformedRecordException("schema id " + id + " is a Protobuf schema, which this build cannot parse yet");
    }
}
