package io.jitmask.stream;

import com.google.protobuf.Descriptors;
import io.jitmask.registry.RegistryException;
import io.jitmask.registry.StoredSchema;
import io.jitmask.schema.InvalidSchemaException;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.List;

/** Builds the descriptor of a registered {@code .proto} schema and its references, as the registry parses it. */
final class ProtoSchemas {
    private ProtoSchemas() {
    }

    /** The descriptor, and the tags the text declares by full field name (the descriptor carries no options). */
    record Parsed(Descriptors.FileDescriptor file, java.util.Map<String, java.util.Set<String>> inlineTags) {
    }

    static Parsed parse(int id, StoredSchema schema) {
        List<SchemaReference> references = schema.references();
        try {
            ProtobufParsedSchema parsed = (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, schema.schema(),
                    references, schema.resolved());
            return new Parsed(parsed.fileDescriptor(), parsed.inlineTags());
        } catch (InvalidSchemaException e) {
            throw new RegistryException(42201, "Protobuf schema with id " + id + " from the registry: " + e.getMessage());
        }
    }
}
