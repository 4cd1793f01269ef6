package io.jitmask.schema;

import java.util.Objects;

/**
 * An import of another registered schema, as Confluent's {@code references}: {@code name} is how the referencing
 * schema names it (an Avro full type name, a JSON Schema {@code $ref} URL, a {@code .proto} import path),
 * {@code subject}/{@code version} where the registry keeps it.
 */
public record SchemaReference(String name, String subject, int version) {
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
