package io.jitmask.schema;

import java.util.Locale;

/** The schema formats of Confluent's registry, by the names its REST API uses in {@code schemaType}. */
public enum SchemaType {
    AVRO, JSON, PROTOBUF;

    /** The type named in a request; absent or empty means AVRO, as in Confluent's API. */
    public static SchemaType of(String name) {
        if (name == null || name.isEmpty()) {
            return AVRO;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSchemaException("unknown schema type '" + name + "': one of AVRO, JSON, PROTOBUF");
        }
    }
}
