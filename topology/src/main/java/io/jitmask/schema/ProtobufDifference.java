package io.jitmask.schema;

import java.util.EnumSet;
import java.util.Set;

/**
 * One difference between two Protobuf schemas, by the names of Confluent's protobuf-provider diff
 * ({@code Difference.Type}) and its path ({@code #/Message/Nested/<field number>}, {@code #/Message/<oneof>/<number>},
 * {@code #/Enum/<number>}), with the changes Confluent accepts as backward compatible.
 */
record ProtobufDifference(Type type, String path) {

    enum Type {
        PACKAGE_CHANGED, MESSAGE_ADDED, MESSAGE_REMOVED, MESSAGE_MOVED,
        ENUM_ADDED, ENUM_REMOVED, ENUM_CONST_ADDED, ENUM_CONST_CHANGED, ENUM_CONST_REMOVED,
        FIELD_ADDED, FIELD_REMOVED, FIELD_NAME_CHANGED, FIELD_KIND_CHANGED, FIELD_SCALAR_KIND_CHANGED,
        FIELD_NAMED_TYPE_CHANGED, FIELD_NUMERIC_LABEL_CHANGED, FIELD_STRING_OR_BYTES_LABEL_CHANGED,
        REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED, ONEOF_ADDED, ONEOF_REMOVED, ONEOF_FIELD_ADDED,
        ONEOF_FIELD_REMOVED, ONEOF_FIELD_MOVED_TO_TOP_LEVEL, MULTIPLE_FIELDS_MOVED_TO_ONEOF,
        FIELD_MOVED_TO_EXISTING_ONEOF
    }

    /** Confluent's {@code SchemaDiff.COMPATIBLE_CHANGES}. */
    static final Set<Type> COMPATIBLE = EnumSet.of(Type.MESSAGE_ADDED, Type.MESSAGE_MOVED, Type.ENUM_ADDED,
            Type.ENUM_REMOVED, Type.ENUM_CONST_ADDED, Type.ENUM_CONST_CHANGED, Type.ENUM_CONST_REMOVED,
            Type.FIELD_ADDED, Type.FIELD_REMOVED, Type.FIELD_NAME_CHANGED, Type.FIELD_STRING_OR_BYTES_LABEL_CHANGED,
            Type.ONEOF_ADDED, Type.ONEOF_REMOVED, Type.ONEOF_FIELD_ADDED, Type.ONEOF_FIELD_MOVED_TO_TOP_LEVEL);

    /**
     * Confluent's text for the difference ({@code Difference.toString()}), with {@code %s} for the reader's and the
     * writer's schema ("new" and "old" when the new schema reads the old one). It names a path, never a value.
     */
    String message() {
        String at = "'" + path + "'";
        String description = switch (type) {
            case PACKAGE_CHANGED -> "The package at " + at + " in the %s schema does not match the package in the %s"
                    + " schema";
            case MESSAGE_REMOVED -> "The %s schema is missing a MESSAGE type at path " + at + " in the %s schema";
            case FIELD_KIND_CHANGED -> "The type of a field at path " + at + " in the %s schema does not match the %s"
                    + " schema";
            case FIELD_SCALAR_KIND_CHANGED -> "The kind of a SCALAR field at path " + at + " in the %s schema does not"
                    + " match its kind in the %s schema";
            case FIELD_NAMED_TYPE_CHANGED -> "The type of a MESSAGE field at path " + at + " in the %s schema does not"
                    + " match its type in the %s schema";
            case FIELD_NUMERIC_LABEL_CHANGED -> "The label for a NUMERIC field at path " + at + " in the %s schema does"
                    + " not match its label in the %s schema";
            case REQUIRED_FIELD_ADDED -> "A required field  at path " + at + " in the %s schema is missing in the %s"
                    + " schema";
            case REQUIRED_FIELD_REMOVED -> "The %s schema is missing a required field at path: " + at + " in the %s"
                    + " schema";
            case ONEOF_FIELD_REMOVED -> "The %s schema is missing a oneof field at path " + at + " in the %s schema";
            case ONEOF_FIELD_MOVED_TO_TOP_LEVEL -> "The oneof field at path " + at + " in the %s schema was moved out of"
                    + " its oneof to a top-level field in the %s schema";
            case MULTIPLE_FIELDS_MOVED_TO_ONEOF -> "Multiple fields in the oneof at path " + at + " in the %s schema are"
                    + " outside a oneof in the %s schema";
            case FIELD_MOVED_TO_EXISTING_ONEOF -> "A field in the oneof at path " + at + " in the %s schema is outside"
                    + " an existing oneof in the %s schema";
            default -> "";
        };
        return "{errorType:\"" + type + "\", description:\"" + description + "\"}";
    }

    @Override
    public String toString() {
        return type + " " + path;
    }
}
