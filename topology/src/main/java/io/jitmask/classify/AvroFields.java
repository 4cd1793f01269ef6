package io.jitmask.classify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The Avro side of classification: every field path of a schema, the tags its {@code confluent:tags} property
 * declares, and the paths it was known by before a rename (Avro field aliases, along the whole path). Records are
 * reached through unions, arrays and maps; a recursive type is listed once per path.
 */
public final class AvroFields {
    public static final String TAGS_PROPERTY = "confluent:tags";

    /** One field: its path, its declared tags (in schema order) and its former paths. */
    public record Field(String path, List<String> tags, Set<String> formerPaths) {
    }

    private AvroFields() {
    }

    /** Every field of the schema by path, in schema order. */
    public static Map<String, Field> of(Schema schema) {
        Map<String, Field> out = new LinkedHashMap<>();
        walk(schema, "", List.of(""), out, new HashSet<>());
        return out;
    }

    private static void walk(Schema schema, String prefix, List<String> formerPrefixes, Map<String, Field> out, Set<String> seen) {
        for (Schema record : recordsIn(schema)) {
            if (!seen.add(record.getFullName() + "@" + prefix)) {
                continue;
            }
            for (Schema.Field field : record.getFields()) {
                String path = prefix + field.name();
                Set<String> former = new LinkedHashSet<>();
                for (String p : formerPrefixes) {
                    former.add(p + field.name());
                    field.aliases().forEach(a -> former.add(p + a));
                }
                former.remove(path);
                out.putIfAbsent(path, new Field(path, tags(field), Set.copyOf(former)));
                List<String> next = new ArrayList<>();
                next.add(path + ".");
                former.forEach(f -> next.add(f + "."));
                walk(field.schema(), path + ".", next, out, seen);
            }
        }
    }

    /** The tags a field declares; a property that is not a list of strings is refused (fail closed). */
    public static List<String> tags(Schema.Field field) {
        Object declared = field.getObjectProp(TAGS_PROPERTY);
        if (declared == null) {
            return List.of();
        }
        if (!(declared instanceof List<?> list)) {
            throw new io.jitmask.mask.UncoveredFieldException("field '" + field.name() + "' has a " + TAGS_PROPERTY
                    + " property that is not a list of tags");
        }
        List<String> out = new ArrayList<>();
        list.forEach(t -> out.add(String.valueOf(t)));
        return out;
    }

    /** The record types a schema holds directly, as union branches, or as array/map elements, in schema order. */
    public static List<Schema> recordsIn(Schema schema) {
        List<Schema> out = new ArrayList<>();
        recordsIn(schema, out);
        return out;
    }

    private static void recordsIn(Schema schema, List<Schema> out) {
        switch (schema.getType()) {
            case RECORD -> out.add(schema);
            case UNION -> schema.getTypes().forEach(branch -> recordsIn(branch, out));
            case ARRAY -> recordsIn(schema.getElementType(), out);
            case MAP -> recordsIn(schema.getValueType(), out);
            default -> {
            }
        }
    }
}
