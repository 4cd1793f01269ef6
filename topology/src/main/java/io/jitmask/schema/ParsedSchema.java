package io.jitmask.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A schema of one of the registry's formats, parsed from its text together with the texts of the schemas it
 * references, as Confluent's {@code ParsedSchema}. Immutable.
 *
 * <p>Made by {@link SchemaParser}; each format adds its own typed view ({@link AvroParsedSchema#avroSchema()},
 * {@link JsonParsedSchema#jsonNode()}, {@link ProtobufParsedSchema#fileDescriptor()}).
 */
public sealed interface ParsedSchema permits AvroParsedSchema, JsonParsedSchema, ProtobufParsedSchema {

    SchemaType type();

    /** The text as registered. */
    String text();

    /**
     * The form lookups and de-duplication compare, as Confluent's {@code canonicalString()}: Avro's
     * {@code Schema.toString()}, the JSON Schema re-serialised compactly, the {@code .proto} printed by Wire.
     */
    String canonicalString();

    List<SchemaReference> references();

    /** Every schema this one imports, directly or not: reference name to schema text, dependencies first. */
    Map<String, String> resolvedReferences();

    /**
     * Why data written with {@code previous} could not be read with this schema, per Confluent's rules for the
     * format; empty when it can. Messages name paths and rule names, never values.
     */
    List<String> backwardIncompatibilities(ParsedSchema previous);

    /**
     * As {@link #backwardIncompatibilities(ParsedSchema)} under a subject's {@code compatibilityPolicy}
     * ({@code STRICT} when null); only JSON Schema has a policy that changes the answer ({@code LENIENT}).
     */
    default List<String> backwardIncompatibilities(ParsedSchema previous, String policy) {
        return backwardIncompatibilities(previous, policy, "new", "old");
    }

    /**
     * As {@link #backwardIncompatibilities(ParsedSchema, String)}, with the words Confluent puts in its messages for
     * the reader's and the writer's schema: "new" and "old" for a BACKWARD check, "old" and "new" for FORWARD.
     */
    default List<String> backwardIncompatibilities(ParsedSchema previous, String policy, String reader, String writer) {
        return backwardIncompatibilities(previous);
    }

    /** Confluent's message template with its two {@code %s} filled: the reader's schema, then the writer's. */
    static String worded(String template, String reader, String writer) {
        return template.replaceFirst("%s", reader).replaceFirst("%s", writer);
    }

    /**
     * Data-contract tags written inline in the schema ({@code "confluent:tags"} in Avro and JSON Schema,
     * {@code (confluent.field_meta).tags} in Protobuf), by field path ({@code Record.field},
     * {@code #/properties/a}, {@code pkg.Message.field}).
     */
    Map<String, Set<String>> inlineTags();

    /**
     * The same schema in Confluent's normalised form ({@code normalize=true} on register, lookup and compatibility,
     * or {@code normalize: true} in the config in scope): its {@link #canonicalString()} is the normalised text and
     * its references are sorted and de-duplicated, so texts that differ only in layout resolve to one id.
     */
    ParsedSchema normalize();

    /**
     * Confluent's extra checks when {@code validateFields} is on ({@code ParsedSchema.validate(true)}): JSON Schema
     * property names may not start with {@code $$}. Avro names are always checked by the parser.
     *
     * @throws InvalidSchemaException naming the offending field
     */
    default void validateFields() {
    }

    /** Whether the schema's top-level record, object or first message has a field of that name. */
    boolean hasTopLevelField(String field);

    /**
     * The text served for {@code ?format=}: Avro {@code resolved} inlines referenced types; Protobuf
     * {@code serialized} is the base64 {@code FileDescriptorProto} and {@code ignore_extensions} leaves out custom
     * options; anything else is the canonical text, as Confluent (unknown formats are not an error).
     */
    default String formatted(String format) {
        return canonicalString();
    }
}
