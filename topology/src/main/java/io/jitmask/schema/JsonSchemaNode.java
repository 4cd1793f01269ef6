package io.jitmask.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JSON Schema node typed the way Confluent's compatibility diff sees it: the kind its loader gives a node
 * (a string, number, object, array, boolean or null schema, an enum, const, not, reference, combined or empty
 * schema) and that kind's keywords. A node with keywords of several kinds (say {@code type: string} and
 * {@code enum}) is a synthetic {@code allOf} of one part per kind; a {@code type} array is an {@code anyOf} of one
 * part per type. Parts and children are built once, so a recursive schema is a finite graph the diff can walk.
 *
 * <p>Drafts 2019-09 and 2020-12 are read as Confluent translates them: {@code prefixItems} are the item list,
 * {@code items} beside it (or a boolean {@code items}) are the additional items, {@code dependentRequired} and
 * {@code dependentSchemas} are {@code dependencies}, {@code unevaluatedProperties}/{@code unevaluatedItems} count,
 * {@code $id} is not compared, an empty {@code properties} is no keyword and {@code minContains} is 1 beside
 * {@code contains} unless given.
 */
final class JsonSchemaNode {
    enum Kind { EMPTY, TRUE, FALSE, REFERENCE, ENUM, CONST, NOT, COMBINED, OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL, CONDITIONAL }

    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "minProperties", "maxProperties",
            "dependencies", "patternProperties", "additionalProperties", "propertyNames");
    private static final Set<String> MODERN_OBJECT_KEYWORDS = Set.of("dependentRequired", "dependentSchemas",
            "unevaluatedProperties");
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "additionalItems", "minItems", "maxItems",
            "uniqueItems", "contains");
    private static final Set<String> MODERN_ARRAY_KEYWORDS = Set.of("prefixItems", "unevaluatedItems", "minContains",
            "maxContains");
    private static final Set<String> NUMBER_KEYWORDS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf");
    private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");
    private static final Set<String> CONDITIONAL_KEYWORDS = Set.of("if", "then", "else");

    final Kind kind;
    final JsonNode json;
    final JsonSchemaDocument document;
    /** Whether title, description, default and id belong to this node (not to a synthetic part of one). */
    private final boolean ownsAnnotations;
    private final boolean requiresInteger;
    private final String criterion;
    private List<JsonSchemaNode> subschemas;
    private Map<String, JsonSchemaNode> properties;

    private JsonSchemaNode(Kind kind, JsonNode json, JsonSchemaDocument document, boolean ownsAnnotations,
                           boolean requiresInteger, String criterion, List<JsonSchemaNode> subschemas) {
        this.kind = kind;
        this.json = json;
        this.document = document;
        this.ownsAnnotations = ownsAnnotations;
        this.requiresInteger = requiresInteger;
        this.criterion = criterion;
        this.subschemas = subschemas;
    }

    /** Types a schema node of {@code document}; called once per node by {@link JsonSchemaDocument#load}. */
    static JsonSchemaNode of(JsonNode json, JsonSchemaDocument document) {
        if (json.isBoolean()) {
            return new JsonSchemaNode(json.asBoolean() ? Kind.TRUE : Kind.FALSE, json, document, false, false, null, null);
        }
        if (!json.isObject()) {
            throw new InvalidSchemaException("a JSON Schema node is an object or a boolean");
        }
        if (json.has("$ref")) {
            return new JsonSchemaNode(Kind.REFERENCE, json, document, true, false, null, null);
        }
        List<JsonSchemaNode> parts = new ArrayList<>();
        if (json.has("enum")) {
            parts.add(part(Kind.ENUM, json, document));
        }
        for (String c : List.of("allOf", "anyOf", "oneOf")) {
            if (json.get(c) != null && json.get(c).isArray()) {
                List<JsonSchemaNode> subs = new ArrayList<>();
                json.get(c).forEach(s -> subs.add(document.load(s)));
                parts.add(new JsonSchemaNode(Kind.COMBINED, json, document, false, false, c, subs));
            }
        }
        if (json.has("not")) {
            parts.add(part(Kind.NOT, json, document));
        }
        if (json.has("const")) {
            parts.add(part(Kind.CONST, json, document));
        }
        JsonNode type = json.get("type");
        if (type != null && type.isTextual()) {
            parts.add(typed(type.asText(), json, document));
        } else if (type != null && type.isArray()) {
            List<JsonSchemaNode> subs = new ArrayList<>();
            type.forEach(t -> subs.add(typed(t.asText(), typePart(json, t.asText()), document)));
            parts.add(new JsonSchemaNode(Kind.COMBINED, json, document, false, false, "anyOf", subs));
        } else {
            boolean modern = document.modern();
            if (hasAny(json, ARRAY_KEYWORDS) || modern && hasAny(json, MODERN_ARRAY_KEYWORDS)) {
                parts.add(part(Kind.ARRAY, json, document));
            }
            if (hasObjectKeyword(json, modern)) {
                parts.add(part(Kind.OBJECT, json, document));
            }
            if (hasAny(json, NUMBER_KEYWORDS)) {
                parts.add(part(Kind.NUMBER, json, document));
            }
            if (hasAny(json, STRING_KEYWORDS)) {
                parts.add(part(Kind.STRING, json, document));
            }
        }
        if (hasAny(json, CONDITIONAL_KEYWORDS)) {
            parts.add(part(Kind.CONDITIONAL, json, document));
        }
        if (parts.isEmpty()) {
            return new JsonSchemaNode(Kind.EMPTY, json, document, true, false, null, null);
        }
        if (parts.size() == 1) {
            JsonSchemaNode only = parts.get(0);
            return new JsonSchemaNode(only.kind, json, document, true, only.requiresInteger, only.criterion,
                    only.subschemas);
        }
        return new JsonSchemaNode(Kind.COMBINED, json, document, true, false, "allOf", parts);
    }

    private static boolean hasObjectKeyword(JsonNode json, boolean modern) {
        for (String k : OBJECT_KEYWORDS) {
            if (json.has(k) && !(modern && "properties".equals(k) && json.get(k).isEmpty())) {
                return true;
            }
        }
        return modern && hasAny(json, MODERN_OBJECT_KEYWORDS);
    }

    private static boolean hasAny(JsonNode json, Set<String> keywords) {
        for (String k : keywords) {
            if (json.has(k)) {
                return true;
            }
        }
        return false;
    }

    private static JsonSchemaNode part(Kind kind, JsonNode json, JsonSchemaDocument document) {
        return new JsonSchemaNode(kind, json, document, false, false, null, null);
    }

    private static JsonSchemaNode typed(String type, JsonNode json, JsonSchemaDocument document) {
        Kind kind = switch (type) {
            case "object" -> Kind.OBJECT;
            case "array" -> Kind.ARRAY;
            case "string" -> Kind.STRING;
            case "number", "integer" -> Kind.NUMBER;
            case "boolean" -> Kind.BOOLEAN;
            case "null" -> Kind.NULL;
            default -> throw new InvalidSchemaException("unknown JSON Schema type '" + type + "'");
        };
        return new JsonSchemaNode(kind, json, document, false, "integer".equals(type), null, null);
    }

    /** One branch of a {@code type} array: that type with the keywords that apply to it, as Confluent's loader. */
    private static JsonNode typePart(JsonNode json, String type) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("type", type);
        Set<String> keep = switch (type) {
            case "object" -> union(OBJECT_KEYWORDS, MODERN_OBJECT_KEYWORDS);
            case "array" -> union(ARRAY_KEYWORDS, MODERN_ARRAY_KEYWORDS);
            case "string" -> STRING_KEYWORDS;
            case "number", "integer" -> NUMBER_KEYWORDS;
            default -> Set.of();
        };
        json.fieldNames().forEachRemaining(name -> {
            if (keep.contains(name)) {
                out.set(name, json.get(name));
            }
        });
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    // ---- what the diff compares ----

    boolean isEmptyKind() {
        return kind == Kind.EMPTY || kind == Kind.TRUE;
    }

    /** The identity used to collapse equal branches of a combined schema (Confluent compares them as schemas). */
    String identity() {
        return kind + (requiresInteger ? "+int" : "") + (criterion == null ? "" : "/" + criterion) + ":"
                + (ownsAnnotations || kind == Kind.TRUE || kind == Kind.FALSE ? json.toString() : partJson());
    }

    private String partJson() {
        return kind == Kind.COMBINED
                ? subschemas.stream().map(JsonSchemaNode::identity).toList().toString() : json.toString();
    }

    JsonNode annotation(String name) {
        if (!ownsAnnotations || ("$id".equals(name) && document.modern())) {
            return null;
        }
        return json.get(name);
    }

    String connectType() {
        return ownsAnnotations ? json.path("connect.type").asText(null) : null;
    }

    boolean requiresInteger() {
        return requiresInteger;
    }

    String criterion() {
        return criterion;
    }

    List<JsonSchemaNode> subschemas() {
        return subschemas;
    }

    JsonSchemaNode notSchema() {
        return document.load(json.get("not"));
    }

    JsonNode constValue() {
        return json.get("const");
    }

    Set<JsonNode> enumValues() {
        Set<JsonNode> out = new LinkedHashSet<>();
        json.path("enum").forEach(out::add);
        return out;
    }

    /** A numeric keyword, or null when absent or not a number. */
    JsonNode number(String keyword) {
        JsonNode v = json.get(keyword);
        if (v == null && "minContains".equals(keyword) && document.modern() && json.has("contains")) {
            return JsonNodeFactory.instance.numberNode(1); // its default beside contains, as Confluent reads 2020-12
        }
        return v == null || !v.isNumber() ? null : v;
    }

    String pattern() {
        JsonNode p = json.get("pattern");
        return p == null ? null : p.asText();
    }

    // objects

    Map<String, JsonSchemaNode> properties() {
        if (properties == null) {
            Map<String, JsonSchemaNode> out = new LinkedHashMap<>();
            json.path("properties").fields().forEachRemaining(e -> out.put(e.getKey(), document.load(e.getValue())));
            properties = out;
        }
        return properties;
    }

    Set<String> required() {
        Set<String> out = new LinkedHashSet<>();
        json.path("required").forEach(r -> out.add(r.asText()));
        return out;
    }

    boolean permitsAdditionalProperties() {
        JsonNode a = json.get("additionalProperties");
        return a == null || !(a.isBoolean() && !a.asBoolean());
    }

    JsonSchemaNode additionalPropertiesSchema() {
        JsonNode a = json.get("additionalProperties");
        return a == null || a.isBoolean() ? null : document.load(a);
    }

    Map<String, JsonSchemaNode> patternProperties() {
        Map<String, JsonSchemaNode> out = new LinkedHashMap<>();
        json.path("patternProperties").fields().forEachRemaining(e -> out.put(e.getKey(), document.load(e.getValue())));
        return out;
    }

    JsonSchemaNode unevaluated(String keyword) {
        JsonNode u = json.get(keyword);
        return u == null || !document.modern() ? null : document.load(u);
    }

    /** {@code dependencies} whose value is a list of property names ({@code dependentRequired} in 2019-09+). */
    Map<String, Set<String>> propertyDependencies() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        dependencies().forEach((name, value) -> {
            if (value.isArray()) {
                Set<String> names = new LinkedHashSet<>();
                value.forEach(n -> names.add(n.asText()));
                out.put(name, names);
            }
        });
        return out;
    }

    /** {@code dependencies} whose value is a schema ({@code dependentSchemas} in 2019-09+). */
    Map<String, JsonSchemaNode> schemaDependencies() {
        Map<String, JsonSchemaNode> out = new LinkedHashMap<>();
        dependencies().forEach((name, value) -> {
            if (!value.isArray()) {
                out.put(name, document.load(value));
            }
        });
        return out;
    }

    private Map<String, JsonNode> dependencies() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        List<String> keywords = document.modern() ? List.of("dependencies", "dependentRequired", "dependentSchemas")
                : List.of("dependencies");
        for (String k : keywords) {
            json.path(k).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    // arrays

    /** The one schema every item follows ({@code items} as a schema), or null. */
    JsonSchemaNode allItemsSchema() {
        JsonNode items = json.get("items");
        if (items == null || items.isArray()) {
            return null;
        }
        if (document.modern() && (items.isBoolean() || json.has("prefixItems"))) {
            return null; // additional items
        }
        return document.load(items);
    }

    /** The positional item schemas ({@code items} as a list; {@code prefixItems} in 2019-09+). */
    List<JsonSchemaNode> itemSchemas() {
        JsonNode list = document.modern() && json.has("prefixItems") ? json.get("prefixItems") : json.get("items");
        List<JsonSchemaNode> out = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(i -> out.add(document.load(i)));
        }
        return out;
    }

    private JsonNode additionalItemsKeyword() {
        if (document.modern()) {
            JsonNode items = json.get("items");
            if (items != null && (items.isBoolean() || json.has("prefixItems"))) {
                return items;
            }
        }
        return json.get("additionalItems");
    }

    boolean permitsAdditionalItems() {
        JsonNode a = additionalItemsKeyword();
        return a == null || !(a.isBoolean() && !a.asBoolean());
    }

    JsonSchemaNode additionalItemsSchema() {
        JsonNode a = additionalItemsKeyword();
        return a == null || a.isBoolean() ? null : document.load(a);
    }

    boolean uniqueItems() {
        return json.path("uniqueItems").asBoolean(false);
    }

    JsonSchemaNode referred() {
        return document.resolve(json.get("$ref").asText());
    }
}
