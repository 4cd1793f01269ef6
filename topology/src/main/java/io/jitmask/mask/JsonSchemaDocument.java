package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema as the masking walkers read it: {@code $ref}s resolved within the document ({@code #/definitions/..},
 * {@code #/$defs/..}, {@code #}) and into the schemas it references by name (registry references), the types a
 * sub-schema allows, and the {@code confluent:tags} it carries.
 */
public final class JsonSchemaDocument {
    /** Deeper schemas (or chains of references) than this are refused rather than walked. */
    static final int MAX_DEPTH = 64;
    public static final String TAGS = "confluent:tags";

    private final JsonNode root;
    private final Map<String, JsonNode> references;

    /** @param references referenced schemas by the name a {@code $ref} uses for them (the registry reference name) */
    public JsonSchemaDocument(JsonNode root, Map<String, JsonNode> references) {
        this.root = root;
        this.references = Map.copyOf(references);
    }

    public JsonNode root() {
        return root;
    }

    /** Whether a {@code $ref} may lead into another registered schema. */
    boolean hasReferences() {
        return !references.isEmpty();
    }

    /** The schema a node stands for, following {@code $ref}s. */
    JsonNode resolve(JsonNode schema, String where) {
        JsonNode current = schema;
        for (int hops = 0; current != null && current.has("$ref"); hops++) {
            if (hops > MAX_DEPTH) {
                throw new UncoveredFieldException(where + ": chain of $ref longer than " + MAX_DEPTH);
            }
            String ref = current.path("$ref").asText();
            int hash = ref.indexOf('#');
            String doc = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            JsonNode base = doc.isEmpty() ? root : references.get(doc);
            if (base == null) {
                throw new UncoveredFieldException(where + ": $ref '" + ref + "' names a schema that is not referenced");
            }
            JsonNode target = pointer.isEmpty() ? base : base.at(pointer);
            if (target.isMissingNode()) {
                throw new UncoveredFieldException(where + ": $ref '" + ref + "' points to nothing");
            }
            current = target;
        }
        return current;
    }

    /** Tags on the node itself and on what its {@code $ref} points to. */
    Set<String> tags(JsonNode schema, String where) {
        Set<String> tags = new LinkedHashSet<>();
        addTags(schema, tags, where);
        if (schema != null && schema.has("$ref")) {
            addTags(resolve(schema, where), tags, where);
        }
        return tags;
    }

    private static void addTags(JsonNode schema, Set<String> tags, String where) {
        JsonNode declared = schema == null ? null : schema.get(TAGS);
        if (declared == null) {
            return;
        }
        if (!declared.isArray()) {
            throw new UncoveredFieldException(where + " has a " + TAGS + " property that is not a list of tags");
        }
        declared.forEach(t -> tags.add(t.asText()));
    }

    /** The JSON types a (resolved) schema declares; empty when it declares none (any type). */
    static Set<String> types(JsonNode schema) {
        Set<String> types = new LinkedHashSet<>();
        if (schema == null) {
            return types;
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (schema.has("properties") || schema.has("additionalProperties")) {
            types.add("object");
        } else if (schema.has("items")) {
            types.add("array");
        }
        return types;
    }
}
