package io.jitmask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.List;
import java.util.Objects;

/**
 * A schema as a Confluent registry keeps it, of any type: its text, references and data contract
 * ({@code metadata}, {@code ruleSet}; null when absent).
 */
public record StoredSchema(SchemaType type, String schema, List<SchemaReference> references, JsonNode metadata,
                           JsonNode ruleSet) {
    public StoredSchema {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        references = references == null ? List.of() : List.copyOf(references);
    }

    public static StoredSchema of(SchemaType type, String schema) {
        return new StoredSchema(type, schema, List.of(), null, null);
    }
}
