package io.jitmask.schema;

import java.util.Comparator;
import java.util.List;
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

    /** Sorted by subject then version, duplicates dropped, as Confluent's {@code normalize()} orders references. */
    static List<SchemaReference> sorted(List<SchemaReference> references) {
        return references.stream().sorted(Comparator.comparing(SchemaReference::subject)
                .thenComparingInt(SchemaReference::version)).distinct().toList();
    }
}
