package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors;
import io.jitmask.classify.AvroFields;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every field path of a JSON Schema or Protobuf schema with the tags it declares, named as {@link JsonMaskPlanner}
 * and {@link ProtobufMaskPlanner} name them (dotted property/field names; array items, map values and
 * {@code additionalProperties} keep the path of their field), so the classification history of those formats lines
 * up with the paths the planners classify. These formats have no field aliases: no former paths.
 */
public final class SchemaFieldPaths {
    private SchemaFieldPaths() {
    }

    /** The fields of a JSON Schema document, in schema order. */
    public static Map<String, AvroFields.Field> of(String dataset, JsonSchemaDocument document) {
        Map<String, AvroFields.Field> out = new LinkedHashMap<>();
        walk(dataset, document, document.root(), "", out, new IdentityHashMap<>());
        return out;
    }

    /** The fields of a Protobuf message type, in declaration order. */
    public static Map<String, AvroFields.Field> of(String dataset, Descriptors.Descriptor type, Map<String, Set<String>> inlineTags) {
        Map<String, AvroFields.Field> out = new LinkedHashMap<>();
        walk(dataset, type, inlineTags, "", out, new ArrayList<>());
        return out;
    }

    private static void walk(String dataset, JsonSchemaDocument document, JsonNode schema, String prefix,
                             Map<String, AvroFields.Field> out, Map<JsonNode, Boolean> seen) {
        JsonNode resolved = document.resolve(schema, dataset);
        if (resolved == null || !resolved.isObject() || seen.put(resolved, Boolean.TRUE) != null) {
            return;
        }
        resolved.path("properties").fields().forEachRemaining(p -> {
            String path = prefix + p.getKey();
            Set<String> tags = document.tags(p.getValue(), dataset + ": field '" + path + "'");
            out.merge(path, field(path, tags), SchemaFieldPaths::union);
            walk(dataset, document, p.getValue(), path + ".", out, seen);
        });
        for (String key : List.of("items", "additionalProperties")) {
            if (resolved.path(key).isObject()) {
                walk(dataset, document, resolved.get(key), prefix, out, seen);
            }
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            resolved.path(combinator).forEach(branch -> walk(dataset, document, branch, prefix, out, seen));
        }
        seen.remove(resolved);
    }

    private static void walk(String dataset, Descriptors.Descriptor type, Map<String, Set<String>> inline, String prefix,
                             Map<String, AvroFields.Field> out, List<Descriptors.Descriptor> stack) {
        if (stack.contains(type)) {
            return;
        }
        stack.add(type);
        for (Descriptors.FieldDescriptor field : type.getFields()) {
            String path = prefix + field.getName();
            out.merge(path, field(path, ProtobufTags.of(field, inline, dataset + ": field '" + path + "'")), SchemaFieldPaths::union);
            Descriptors.Descriptor inner = ProtobufMaskPlanner.nestedType(field);
            if (inner != null) {
                walk(dataset, inner, inline, path + ".", out, stack);
            }
        }
        stack.remove(stack.size() - 1);
    }

    private static AvroFields.Field field(String path, Set<String> tags) {
        return new AvroFields.Field(path, List.copyOf(tags), Set.of());
    }

    private static AvroFields.Field union(AvroFields.Field a, AvroFields.Field b) {
        java.util.LinkedHashSet<String> tags = new java.util.LinkedHashSet<>(a.tags());
        tags.addAll(b.tags());
        return new AvroFields.Field(a.path(), List.copyOf(tags), Set.of());
    }
}
