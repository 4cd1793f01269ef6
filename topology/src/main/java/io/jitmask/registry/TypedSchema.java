package io.jitmask.registry;

import java.util.List;
import java.util.Map;

/**
 * A schema of any registry type as the registry stores it: {@code AVRO}, {@code JSON} or {@code PROTOBUF}, its text,
 * its references, and the texts of every schema it imports (reference name to text, dependencies first).
 */
public record TypedSchema(String type, String text, List<Reference> references, Map<String, String> resolved) {
    public static final String AVRO = "AVRO";
    public static final String JSON = "JSON";
    public static final String PROTOBUF = "PROTOBUF";

    /** A reference: the name the schema imports, and the subject version it stands for. */
    public record Reference(String name, String subject, int version) {
    }

    public TypedSchema {
        references = List.copyOf(references);
        resolved = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resolved));
    }
}
