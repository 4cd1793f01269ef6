package io.jitmask.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.AvroRuntimeException;

/** An Avro schema; references are named types defined by other registered schemas. */
public final class AvroParsedSchema extends ParsedSchemaBase implements ParsedSchema {
    private final Schema schema;
    private final String canonical;
    /** Full names of the top-level types the references define (written by name when normalised). */
    private final Set<String> referencedNames;

    AvroParsedSchema(String text, List<SchemaReference> references, Map<String, String> resolved) {
        super(text, references, resolved);
        // Referenced types are defined first in the same parser, so the schema can name them.
        Schema.Parser parser = new Schema.Parser();
        List<Schema> referenced = new ArrayList<>();
        try {
            for (Map.Entry<String, String> ref : resolved.entrySet()) {
                referenced.add(parser.parse(ref.getValue()));
            }
        } catch (AvroRuntimeException e) {
            throw new InvalidSchemaException("a referenced Avro schema does not parse: " + reason(e));
        }
        try {
            this.schema = parser.parse(text);
        } catch (AvroRuntimeException e) {
            throw new InvalidSchemaException("not a valid Avro schema: " + reason(e));
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("not a valid Avro schema (" + e.getClass().getSimpleName() + ")");
        }
        // As Confluent: referenced named types appear by name, not inlined.
        this.canonical = referenced.isEmpty() ? schema.toString() : schema.toString(referencedTypes(referenced), false);
        this.referencedNames = new LinkedHashSet<>();
        referenced.forEach(r -> referencedNames.add(r.getFullName()));
    }

    /**
     * As Confluent: the normalised text parsed again, so {@link #canonicalString()} is Avro's printing of it (props
     * and aliases in name order, names as Avro qualifies them).
     */
    @Override
    public AvroParsedSchema normalize() {
        return new AvroParsedSchema(AvroNormalizer.normalize(schema, referencedNames), SchemaReference.sorted(references()),
                resolvedReferences());
    }

    @Override
    public boolean hasTopLevelField(String field) {
        return schema.getType() == Schema.Type.RECORD && schema.getField(field) != null;
    }

    @Override
    public String formatted(String format) {
        return "resolved".equalsIgnoreCase(format) ? schema.toString() : canonical;
    }

    private static Collection<Schema> referencedTypes(List<Schema> referenced) {
        Set<Schema> out = new LinkedHashSet<>();
        for (Schema s : referenced) {
            collectNamed(s, out, new HashSet<>());
        }
        return out;
    }

    private static void collectNamed(Schema s, Set<Schema> out, Set<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                out.add(s);
                s.getFields().forEach(f -> collectNamed(f.schema(), out, seen));
            }
            case ENUM, FIXED -> out.add(s);
            case ARRAY -> collectNamed(s.getElementType(), out, seen);
            case MAP -> collectNamed(s.getValueType(), out, seen);
            case UNION -> s.getTypes().forEach(t -> collectNamed(t, out, seen));
            default -> {
            }
        }
    }

    /** Avro's parse message names the problem (a type or field name); a quoted piece of schema is cut. */
    private static String reason(AvroRuntimeException e) {
        return InvalidSchemaException.withoutSchemaText(e.getMessage(), 200);
    }

    public Schema avroSchema() {
        return schema;
    }

    @Override
    public SchemaType type() {
        return SchemaType.AVRO;
    }

    @Override
    public String canonicalString() {
        return canonical;
    }

    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous) {
        return backwardIncompatibilities(previous, null, "new", "old");
    }

    /**
     * Avro's reader/writer check, each incompatibility worded as Confluent's Avro {@code Difference}:
     * {@code {errorType:'...', description:'...', additionalInfo:'...'}}, the reader's and writer's schemas called
     * {@code reader} and {@code writer}. Avro's detail (a field name, the types, the missing symbols) names no value.
     */
    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous, String policy, String reader, String writer) {
        if (!(previous instanceof AvroParsedSchema old)) {
            return List.of("Incompatible because of different schema type");
        }
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(schema, old.schema);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add("{errorType:'" + i.getType() + "', description:'"
                    + ParsedSchema.worded(description(i), reader, writer) + "', additionalInfo:'" + i.getMessage() + "'}");
        }
        return problems;
    }

    /** Confluent's description of an Avro incompatibility, {@code %s} standing for the reader's, then the writer's schema. */
    private static String description(SchemaCompatibility.Incompatibility i) {
        String path = i.getLocation();
        return switch (i.getType()) {
            case FIXED_SIZE_MISMATCH -> "The size of FIXED type field at path '" + path + "' in the %s schema does not match with the %s schema";
            case TYPE_MISMATCH -> "The type (path '" + path + "') of a field in the %s schema does not match with the %s schema";
            case NAME_MISMATCH -> "The name of the schema has changed (path '" + path + "')";
            case MISSING_ENUM_SYMBOLS -> "The %s schema is missing enum symbols '" + i.getMessage() + "' at path '" + path
                    + "' in the %s schema";
            case MISSING_UNION_BRANCH -> "The %s schema is missing a type inside a union field at path '" + path
                    + "' in the %s schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + i.getMessage() + "' at path '" + path
                    + "' in the %s schema has no default value and is missing in the %s schema";
            default -> "";
        };
    }

    @Override
    public Map<String, Set<String>> inlineTags() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        collectTags(schema, out, new HashSet<>());
        return out;
    }

    private static void collectTags(Schema s, Map<String, Set<String>> out, Set<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                for (Schema.Field field : s.getFields()) {
                    Object tags = field.getObjectProp("confluent:tags");
                    if (tags instanceof Collection<?> list && !list.isEmpty()) {
                        Set<String> names = new LinkedHashSet<>();
                        list.forEach(t -> names.add(String.valueOf(t)));
                        out.put(s.getFullName() + "." + field.name(), names);
                    }
                    collectTags(field.schema(), out, seen);
                }
            }
            case ARRAY -> collectTags(s.getElementType(), out, seen);
            case MAP -> collectTags(s.getValueType(), out, seen);
            case UNION -> s.getTypes().forEach(t -> collectTags(t, out, seen));
            default -> {
            }
        }
    }
}
