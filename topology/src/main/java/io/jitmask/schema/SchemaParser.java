package io.jitmask.schema;

import java.util.List;
import java.util.Map;

/** Parses a schema of any of the registry's formats. */
public final class SchemaParser {
    private SchemaParser() {
    }

    /**
     * @param references the schema's own references, as registered
     * @param resolved every schema it imports, directly or not: reference name to text, dependencies first
     *     (all of the same type as the schema, as Confluent requires)
     * @throws InvalidSchemaException naming what is wrong, never quoting the text
     */
    public static ParsedSchema parse(SchemaType type, String text, List<SchemaReference> references, Map<String, String> resolved) {
        if (text == null) {
            throw new InvalidSchemaException("no schema text");
        }
        return switch (type) {
            case AVRO -> new AvroParsedSchema(text, references, resolved);
            case JSON -> new JsonParsedSchema(text, references, resolved);
            case PROTOBUF -> new ProtobufParsedSchema(text, references, resolved);
        };
    }

    /** A schema with no references. */
    public static ParsedSchema parse(SchemaType type, String text) {
        return parse(type, text, List.of(), Map.of());
    }
}
