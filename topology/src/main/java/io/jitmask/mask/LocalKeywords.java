package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Whether every keyword of a JSON Schema judges only the value it sits on, given that masking keeps a record's shape
 * (the same property names, array lengths and JSON types): then a masked record whose rewritten values are each valid
 * against their own schema node is valid whenever the raw record was, and the record needs no whole-schema
 * validation. Decided once per schema, with the plan.
 *
 * <p>An allow-list, so that a keyword this class does not know fails closed: the structure keywords masking keeps
 * ({@code type}, {@code properties}, {@code required}, {@code additionalProperties}, {@code items} as one schema,
 * {@code min/maxItems}, {@code min/maxProperties}), the value keywords {@link JsonConstraints} fits and checks (an
 * {@code enum} or {@code const} only when it lists no object or array), a
 * {@code $ref} with nothing but annotations beside it (drafts differ on siblings), and annotations. Everything
 * else is non-local: keywords over several values or branches ({@code oneOf}, {@code anyOf}, {@code allOf}, {@code not},
 * {@code if}/{@code then}/{@code else}, {@code dependencies}, {@code dependent*}, {@code uniqueItems},
 * {@code contains}, {@code unevaluated*}), over property names ({@code patternProperties}, {@code propertyNames}),
 * positional items, {@code $id}s below the root and dynamic references.
 */
final class LocalKeywords {
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$comment", "title", "description", "examples", "default",
            "deprecated", "readOnly", "writeOnly", "definitions", "$defs");
    private static final Set<String> STRUCTURE = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minProperties", "maxProperties");
    private static final Set<String> VALUE = Set.of("format", "pattern", "minLength", "maxLength", "enum", "const",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");

    private LocalKeywords() {
    }

    /** The first keyword that is not local, as "keyword at #/pointer" (no values); null when every keyword is. */
    static String firstNonLocal(JsonSchemaDocument document) {
        try {
            return visit(document, document.root(), "#", true, new IdentityHashMap<>(), 0);
        } catch (RuntimeException e) {
            return "an unreadable $ref";
        }
    }

    /**
     * An {@code allOf} of value constraints only (a string that is both an e-mail and at most 64 long): the fitter
     * checks a rewritten value against the node and all its branches, so it is local. TRUE when the node and its
     * branches hold nothing but value keywords, {@code type} and annotations and at least one value keyword (so a
     * fitter exists and checks the branches' types too); FALSE when they hold anything else; null: no value keyword.
     */
    private static Boolean valueBranches(JsonSchemaDocument document, JsonNode node, String at, int depth) {
        if (depth > JsonSchemaDocument.MAX_DEPTH) {
            return Boolean.FALSE;
        }
        boolean values = false;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            values |= VALUE.contains(keyword);
            boolean ok = valueKeyword(node, keyword) || keyword.equals("type") || keyword.equals("allOf") || ANNOTATIONS.contains(keyword)
                    || keyword.startsWith("confluent:");
            if (!ok) {
                return Boolean.FALSE;
            }
        }
        for (JsonNode branch : node.path("allOf")) {
            JsonNode resolved = branch;
            if (branch.has("$ref")) {
                for (Iterator<String> names = branch.fieldNames(); names.hasNext(); ) {
                    String keyword = names.next();
                    if (!keyword.equals("$ref") && !ANNOTATIONS.contains(keyword) && !keyword.startsWith("confluent:")) {
                        return Boolean.FALSE;
                    }
                }
                resolved = document.resolve(branch, at);
            }
            if (resolved.isBoolean() && resolved.asBoolean()) {
                continue;
            }
            if (!resolved.isObject()) {
                return Boolean.FALSE;
            }
            Boolean inner = valueBranches(document, resolved, at, depth + 1);
            if (inner == Boolean.FALSE) {
                return Boolean.FALSE;
            }
            values |= inner != null;
        }
        return values ? Boolean.TRUE : null;
    }

    /**
     * For a schema that is not all local: the top-level properties whose schemas hold a non-local keyword, when
     * everything else is local, so that a masked record needs only those properties' values validated (and only
     * when they were rewritten). Null when the whole record must be validated: a non-local keyword at the top level
     * or in its {@code additionalProperties}, a top level that is not an object schema, registry references, or a
     * {@code $ref} anywhere that is not into the document's own {@code definitions}/{@code $defs} (the one thing a
     * property's schema can be validated with on its own, {@link io.jitmask.schema.JsonParsedSchema#propertyViolations}).
     */
    static Set<String> nonLocalProperties(JsonSchemaDocument document) {
        JsonNode root = document.root();
        if (!root.isObject() || root.has("$ref") || document.hasReferences() || !refsIntoDefinitions(root)) {
            return null;
        }
        try {
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String keyword = names.next();
                if (!(ANNOTATIONS.contains(keyword) || keyword.startsWith("confluent:") || keyword.equals("$id") || keyword.equals("id")
                        || STRUCTURE.contains(keyword) || valueKeyword(root, keyword))) {
                    return null;
                }
            }
            if (visit(document, root.get("additionalProperties"), "#/additionalProperties", false, new IdentityHashMap<>(), 1) != null
                    || visit(document, root.get("items"), "#/items", false, new IdentityHashMap<>(), 1) != null
                    || root.has("items") && !root.get("items").isObject() && !root.get("items").isBoolean()) {
                return null;
            }
            Set<String> out = new java.util.LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (visit(document, p.getValue(), "#/properties/" + p.getKey(), false, new IdentityHashMap<>(), 1) != null) {
                    out.add(p.getKey());
                }
            }
            return out;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * A value keyword that judges only the value it sits on as masking rewrites it. Not an {@code enum} or
     * {@code const} that lists an object or array: the raw value is then that container, masking rewrites values
     * inside it that no fitter checks against the ancestor's list, and the masked container is listed no more.
     */
    private static boolean valueKeyword(JsonNode schema, String keyword) {
        if (!VALUE.contains(keyword)) {
            return false;
        }
        JsonNode listed = schema.get(keyword);
        if (keyword.equals("const")) {
            return !listed.isContainerNode();
        }
        if (keyword.equals("enum")) {
            if (!listed.isArray()) {
                return false;
            }
            for (JsonNode member : listed) {
                if (member.isContainerNode()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean refsIntoDefinitions(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if ((key.equals("$ref") || key.equals("$recursiveRef") || key.equals("$dynamicRef")) && !(e.getValue().isTextual()
                        && (e.getValue().asText().startsWith("#/definitions/") || e.getValue().asText().startsWith("#/$defs/")))) {
                    return false;
                }
                if (!refsIntoDefinitions(e.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (!refsIntoDefinitions(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String visit(JsonSchemaDocument document, JsonNode schema, String at, boolean root, Map<JsonNode, Boolean> seen, int depth) {
        if (schema == null || schema.isBoolean()) {
            return null;
        }
        if (!schema.isObject() || depth > JsonSchemaDocument.MAX_DEPTH) {
            return "a schema that is not an object at " + at;
        }
        if (seen.put(schema, Boolean.TRUE) != null) {
            return null;
        }
        boolean ref = schema.has("$ref");
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            boolean local = ANNOTATIONS.contains(keyword) || keyword.startsWith("confluent:") || keyword.equals("$ref")
                    || root && (keyword.equals("$id") || keyword.equals("id"))
                    || !ref && (STRUCTURE.contains(keyword) || valueKeyword(schema, keyword)
                    || keyword.equals("allOf") && valueBranches(document, schema, at, 0) == Boolean.TRUE);
            if (!local) {
                return keyword + " at " + at;
            }
        }
        if (ref) {
            return visit(document, document.resolve(schema, at), at, false, seen, depth + 1);
        }
        if (schema.has("items") && !schema.get("items").isBoolean() && !schema.get("items").isObject()) {
            return "items at " + at;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String found = visit(document, p.getValue(), at + "/properties/" + p.getKey(), false, seen, depth + 1);
            if (found != null) {
                return found;
            }
        }
        for (String child : new String[] {"additionalProperties", "items"}) {
            String found = visit(document, schema.get(child), at + "/" + child, false, seen, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
