package io.jitmask.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Confluent's JSON Schema backward-compatibility rules (its {@code SchemaDiff} with the strict set of compatible
 * changes), over Jackson trees: can a reader with {@code update} accept every document valid under
 * {@code original}? Each incompatible difference is reported as Confluent names it, with its JSON pointer.
 * Covers types, string/number/array/object constraints, enums, required properties, the open/closed content
 * model of properties and items, {@code $ref} (local and to references) and oneOf/anyOf/allOf.
 */
final class JsonSchemaCompatibility {
    private final JsonParsedSchema original;
    private final JsonParsedSchema update;
    private final List<String> differences = new ArrayList<>();
    private final Set<String> visiting = new HashSet<>();

    JsonSchemaCompatibility(JsonParsedSchema original, JsonParsedSchema update) {
        this.original = original;
        this.update = update;
    }

    List<String> differences() {
        compare(original.jsonNode(), update.jsonNode(), "#/");
        return differences;
    }

    private void add(String type, String path) {
        differences.add(type + " at " + path);
    }

    private JsonNode deref(JsonParsedSchema owner, JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; current != null && current.isObject() && current.has("$ref") && hops < 32; hops++) {
            current = owner.resolveRef(owner.jsonNode(), current.get("$ref").asText());
        }
        return current;
    }

    private void compare(JsonNode o, JsonNode u, String path) {
        o = deref(original, o);
        u = deref(update, u);
        if (o == null || u == null) {
            if (o != null) {
                return; // schema removed: anything goes
            }
            if (u != null && !isEmpty(u)) {
                add("SCHEMA_ADDED", path);
            }
            return;
        }
        String key = System.identityHashCode(o) + ":" + System.identityHashCode(u);
        if (!visiting.add(key)) {
            return; // a recursive pair already being compared
        }
        try {
            compareResolved(o, u, path);
        } finally {
            visiting.remove(key);
        }
    }

    private static boolean isEmpty(JsonNode s) {
        if (s.isBoolean()) {
            return s.asBoolean();
        }
        Iterator<String> names = s.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!Set.of("title", "description", "$id", "$schema", "default", "$comment").contains(n)) {
                return false;
            }
        }
        return true;
    }

    private void compareResolved(JsonNode o, JsonNode u, String path) {
        if (u.isBoolean() || o.isBoolean()) {
            if (o.isBoolean() && !o.asBoolean() || u.isBoolean() && u.asBoolean()) {
                return;
            }
            if (u.isBoolean() && !u.asBoolean() || o.isBoolean()) {
                add("TYPE_CHANGED", path);
            }
            return;
        }
        if (isEmpty(u)) {
            return;
        }
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (u.has(combinator) && !o.has(combinator) && !o.has("allOf")) {
                // The original must fit one branch of the update's sum type.
                for (JsonNode branch : u.get(combinator)) {
                    JsonSchemaCompatibility sub = new JsonSchemaCompatibility(original, update);
                    sub.compare(o, branch, path);
                    if (sub.differences.isEmpty()) {
                        return;
                    }
                }
                add("TYPE_CHANGED", path);
                return;
            }
        }
        compareCombined(o, u, path);
        compareTypes(o, u, path);
        compareBounds(o, u, path, "maxLength", true, "MAX_LENGTH");
        compareBounds(o, u, path, "minLength", false, "MIN_LENGTH");
        compareBounds(o, u, path, "maximum", true, "MAXIMUM");
        compareBounds(o, u, path, "minimum", false, "MINIMUM");
        compareBounds(o, u, path, "exclusiveMaximum", true, "EXCLUSIVE_MAXIMUM");
        compareBounds(o, u, path, "exclusiveMinimum", false, "EXCLUSIVE_MINIMUM");
        compareBounds(o, u, path, "maxItems", true, "MAX_ITEMS");
        compareBounds(o, u, path, "minItems", false, "MIN_ITEMS");
        compareBounds(o, u, path, "maxProperties", true, "MAX_PROPERTIES");
        compareBounds(o, u, path, "minProperties", false, "MIN_PROPERTIES");
        comparePattern(o, u, path);
        compareMultipleOf(o, u, path);
        compareEnum(o, u, path);
        if (u.has("uniqueItems") && u.get("uniqueItems").asBoolean() && !o.path("uniqueItems").asBoolean(false)) {
            add("UNIQUE_ITEMS_ADDED", path + "uniqueItems");
        }
        compareObject(o, u, path);
        compareArray(o, u, path);
    }

    private void compareCombined(JsonNode o, JsonNode u, String path) {
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            JsonNode ob = o.get(combinator);
            JsonNode ub = u.get(combinator);
            if (ob == null && ub == null) {
                continue;
            }
            if (ob == null || ub == null) {
                if (ub != null && "allOf".equals(combinator)) {
                    add("COMBINED_TYPE_CHANGED", path + combinator);
                }
                continue;
            }
            boolean sum = !"allOf".equals(combinator);
            if (sum ? ub.size() < ob.size() : ub.size() > ob.size()) {
                add(sum ? "SUM_TYPE_NARROWED" : "PRODUCT_TYPE_EXTENDED", path + combinator);
            }
            // Each original branch must be accepted by some update branch (sum types), pairwise for products.
            for (int i = 0; i < ob.size(); i++) {
                boolean matched = false;
                for (int j = 0; j < ub.size() && !matched; j++) {
                    JsonSchemaCompatibility sub = new JsonSchemaCompatibility(original, update);
                    sub.compare(ob.get(i), ub.get(j), path + combinator + "/" + i);
                    matched = sub.differences.isEmpty();
                }
                if (!matched && (sum || i < ub.size())) {
                    add("COMBINED_TYPE_SUBSCHEMAS_CHANGED", path + combinator + "/" + i);
                }
            }
        }
    }

    private static Set<String> types(JsonNode s) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode t = s.get("type");
        if (t == null) {
            if (s.has("properties") || s.has("additionalProperties") || s.has("required")) {
                out.add("object");
            } else if (s.has("items") || s.has("prefixItems")) {
                out.add("array");
            }
            return out;
        }
        if (t.isArray()) {
            t.forEach(x -> out.add(x.asText()));
        } else {
            out.add(t.asText());
        }
        if (out.contains("integer") && out.contains("number")) {
            out.remove("integer");
        }
        return out;
    }

    private void compareTypes(JsonNode o, JsonNode u, String path) {
        Set<String> ot = types(o);
        Set<String> ut = types(u);
        if (ut.isEmpty() || ot.equals(ut)) {
            return;
        }
        if (ot.isEmpty()) {
            add("TYPE_NARROWED", path);
            return;
        }
        for (String t : ot) {
            boolean accepted = ut.contains(t) || "integer".equals(t) && ut.contains("number");
            if (!accepted) {
                add(ut.stream().anyMatch(ot::contains) ? "TYPE_NARROWED" : "TYPE_CHANGED", path);
                return;
            }
        }
    }

    /** An upper bound ({@code max}) may only grow or go; a lower bound may only shrink or go. */
    private void compareBounds(JsonNode o, JsonNode u, String path, String keyword, boolean max, String name) {
        JsonNode ov = o.get(keyword);
        JsonNode uv = u.get(keyword);
        if (uv == null || !uv.isNumber()) {
            return;
        }
        if (ov == null || !ov.isNumber()) {
            add(name + "_ADDED", path + keyword);
        } else if (max ? uv.decimalValue().compareTo(ov.decimalValue()) < 0 : uv.decimalValue().compareTo(ov.decimalValue()) > 0) {
            add(name + (max ? "_DECREASED" : "_INCREASED"), path + keyword);
        }
    }

    private void comparePattern(JsonNode o, JsonNode u, String path) {
        if (!u.has("pattern")) {
            return;
        }
        if (!o.has("pattern")) {
            add("PATTERN_ADDED", path + "pattern");
        } else if (!o.get("pattern").equals(u.get("pattern"))) {
            add("PATTERN_CHANGED", path + "pattern");
        }
    }

    private void compareMultipleOf(JsonNode o, JsonNode u, String path) {
        JsonNode uv = u.get("multipleOf");
        if (uv == null || !uv.isNumber()) {
            return;
        }
        JsonNode ov = o.get("multipleOf");
        if (ov == null || !ov.isNumber()) {
            add("MULTIPLE_OF_ADDED", path + "multipleOf");
        } else if (ov.decimalValue().remainder(uv.decimalValue()).signum() != 0) {
            add(uv.decimalValue().compareTo(ov.decimalValue()) > 0 ? "MULTIPLE_OF_EXPANDED" : "MULTIPLE_OF_CHANGED",
                    path + "multipleOf");
        }
    }

    private void compareEnum(JsonNode o, JsonNode u, String path) {
        JsonNode uv = u.get("enum");
        if (uv == null) {
            if (u.has("const") && !u.get("const").equals(o.get("const"))) {
                add("CONST_CHANGED", path + "const");
            }
            return;
        }
        JsonNode ov = o.get("enum");
        if (ov == null) {
            add("ENUM_ARRAY_CHANGED", path + "enum");
            return;
        }
        Set<JsonNode> updated = new HashSet<>();
        uv.forEach(updated::add);
        for (JsonNode value : ov) {
            if (!updated.contains(value)) {
                add(uv.size() < ov.size() ? "ENUM_ARRAY_NARROWED" : "ENUM_ARRAY_CHANGED", path + "enum");
                return;
            }
        }
    }

    /** Open unless {@code additionalProperties} is false; partially open when it is a schema. */
    private static JsonNode additional(JsonNode s) {
        JsonNode a = s.get("additionalProperties");
        if (a == null || a.isBoolean() && a.asBoolean()) {
            return null; // open
        }
        return a;
    }

    private void compareObject(JsonNode o, JsonNode u, String path) {
        JsonNode oProps = o.path("properties");
        JsonNode uProps = u.path("properties");
        Set<String> oRequired = new HashSet<>();
        o.path("required").forEach(r -> oRequired.add(r.asText()));
        for (JsonNode r : u.path("required")) {
            String name = r.asText();
            if (!oRequired.contains(name)) {
                boolean withDefault = uProps.path(name).has("default");
                if (!withDefault) {
                    add("REQUIRED_ATTRIBUTE_ADDED", path + "required/" + name);
                }
            }
        }
        JsonNode oAdditional = additional(o);
        JsonNode uAdditional = additional(u);
        Set<String> names = new LinkedHashSet<>();
        oProps.fieldNames().forEachRemaining(names::add);
        uProps.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            String at = path + "properties/" + name;
            JsonNode op = oProps.get(name);
            JsonNode up = uProps.get(name);
            if (op != null && up != null) {
                compare(op, up, at + "/");
            } else if (up != null) {
                // Documents under the original could already hold this property.
                if (oAdditional == null) {
                    if (!isEmpty(deref(update, up))) {
                        add("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", at);
                    }
                } else if (oAdditional.isObject()) {
                    JsonSchemaCompatibility sub = new JsonSchemaCompatibility(original, update);
                    sub.compare(oAdditional, up, at + "/");
                    if (!sub.differences.isEmpty()) {
                        add("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at);
                    }
                }
            } else {
                // The update must still accept the property the original allowed.
                if (uAdditional != null && uAdditional.isBoolean()) {
                    JsonNode resolved = deref(original, op);
                    if (!(resolved != null && resolved.isBoolean() && !resolved.asBoolean())) {
                        add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", at);
                    }
                } else if (uAdditional != null) {
                    JsonSchemaCompatibility sub = new JsonSchemaCompatibility(original, update);
                    sub.compare(op, uAdditional, at + "/");
                    if (!sub.differences.isEmpty()) {
                        add("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at);
                    }
                }
            }
        }
        if (oAdditional == null && uAdditional != null) {
            add(uAdditional.isBoolean() ? "ADDITIONAL_PROPERTIES_REMOVED" : "ADDITIONAL_PROPERTIES_NARROWED",
                    path + "additionalProperties");
        } else if (oAdditional != null && uAdditional != null && oAdditional.isObject()) {
            if (uAdditional.isBoolean()) {
                add("ADDITIONAL_PROPERTIES_REMOVED", path + "additionalProperties");
            } else {
                compare(oAdditional, uAdditional, path + "additionalProperties/");
            }
        }
    }

    private void compareArray(JsonNode o, JsonNode u, String path) {
        JsonNode oi = o.get("items");
        JsonNode ui = u.get("items");
        if (oi != null && ui != null && oi.isObject() && ui.isObject()) {
            compare(oi, ui, path + "items/");
        } else if (oi == null && ui != null && ui.isObject() && !isEmpty(ui)) {
            add("ITEMS_ADDED", path + "items");
        } else if (oi != null && ui != null && oi.isArray() && ui.isArray()) {
            for (int i = 0; i < Math.min(oi.size(), ui.size()); i++) {
                compare(oi.get(i), ui.get(i), path + "items/" + i + "/");
            }
            if (ui.size() > oi.size() && !(o.has("additionalItems") && !o.get("additionalItems").asBoolean(true))) {
                add("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", path + "items/" + oi.size());
            }
        }
    }
}
