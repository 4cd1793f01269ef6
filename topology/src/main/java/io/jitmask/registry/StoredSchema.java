package io.jitmask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A schema as a Confluent registry keeps it, of any type ({@code AVRO}, {@code JSON}, {@code PROTOBUF}): its text,
 * references and data contract ({@code metadata}, {@code ruleSet}; null when absent), and, when the masking path
 * reads it ({@link SchemaRegistryClient#typedSchemaById}), the texts of every schema it imports ({@code resolved}:
 * reference name to text, dependencies first; empty otherwise). The one representation of a registered schema.
 */
public record StoredSchema(SchemaType type, String schema, List<SchemaReference> references, JsonNode metadata,
                           JsonNode ruleSet, Map<String, String> resolved) {
    public StoredSchema {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        references = references == null ? List.of() : List.copyOf(references);
        resolved = resolved == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }

    /** As registered: text, references and contract, nothing resolved. */
    public StoredSchema(SchemaType type, String schema, List<SchemaReference> references, JsonNode metadata, JsonNode ruleSet) {
        this(type, schema, references, metadata, ruleSet, Map.of());
    }

    /** Without a data contract: text, references and the texts they stand for. */
    public StoredSchema(SchemaType type, String schema, List<SchemaReference> references, Map<String, String> resolved) {
        this(type, schema, references, null, null, resolved);
    }

    public static StoredSchema of(SchemaType type, String schema) {
        return new StoredSchema(type, schema, List.of(), null, null);
    }

    /** The same schema with the texts of the schemas it imports. */
    public StoredSchema withResolved(Map<String, String> texts) {
        return new StoredSchema(type, schema, references, metadata, ruleSet, texts);
    }
}
