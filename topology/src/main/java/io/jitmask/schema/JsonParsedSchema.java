package io.jitmask.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema (drafts 4 to 2020-12, draft 7 when {@code $schema} is absent, as Confluent). References are other
 * registered JSON Schemas that {@code $ref} names by their reference name. The schema itself is checked against
 * its draft's meta-schema; nothing is ever fetched from the network ({@code $ref}s resolve only to references).
 */
public final class JsonParsedSchema extends ParsedSchemaBase implements ParsedSchema {
    static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode node;
    private final String canonical;
    private final SpecificationVersion draft;
    private volatile Schema validator;

    JsonParsedSchema(String text, List<SchemaReference> references, Map<String, String> resolved) {
        super(text, references, resolved);
        try {
            this.node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException("not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new InvalidSchemaException("a JSON Schema is an object or a boolean");
        }
        this.draft = draftOf(node);
        this.canonical = node.toString();
        checkAgainstMetaSchema();
    }

    private static SpecificationVersion draftOf(JsonNode node) {
        String declared = node.path("$schema").asText("");
        if (declared.isEmpty()) {
            return SpecificationVersion.DRAFT_7;
        }
        String normalized = declared.endsWith("#") ? declared.substring(0, declared.length() - 1) : declared;
        for (SpecificationVersion v : SpecificationVersion.values()) {
            String id = v.getDialectId();
            String bare = id.endsWith("#") ? id.substring(0, id.length() - 1) : id;
            if (bare.equals(normalized) || bare.replace("https:", "http:").equals(normalized.replace("https:", "http:"))) {
                return v;
            }
        }
        throw new InvalidSchemaException("unknown $schema '" + declared + "'");
    }

    private SchemaRegistry registry() {
        return SchemaRegistry.withDefaultDialect(draft, b -> b
                .schemaLoader(l -> l.fetchRemoteResources(false))
                .schemas(resolvedReferences()));
    }

    private void checkAgainstMetaSchema() {
        if (node.isBoolean()) {
            return;
        }
        List<Error> errors;
        try {
            Schema meta = registry().getSchema(SchemaLocation.of(draft.getDialectId()));
            errors = meta.validate(text(), InputFormat.JSON);
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("not a valid JSON Schema (" + e.getClass().getSimpleName() + ")");
        }
        if (!errors.isEmpty()) {
            Error first = errors.get(0);
            throw new InvalidSchemaException("not a valid JSON Schema: " + first.getKeyword() + " at "
                    + first.getInstanceLocation());
        }
    }

    /** The schema as a Jackson tree (key order as written). */
    public JsonNode jsonNode() {
        return node;
    }

    /** The draft this schema is written in. */
    public SpecificationVersion draft() {
        return draft;
    }

    /** A validator of JSON documents against this schema, with its references resolved (built once, thread-safe). */
    public Schema validator() {
        Schema v = validator;
        if (v == null) {
            try {
                v = registry().getSchema(text(), InputFormat.JSON);
            } catch (RuntimeException e) {
                throw new InvalidSchemaException("the JSON Schema cannot be loaded (" + e.getClass().getSimpleName() + ")");
            }
            validator = v;
        }
        return v;
    }

    /**
     * Why a JSON document does not follow this schema: JSON pointers and keywords, never the document's values;
     * empty when it does.
     */
    public List<String> violations(String document) {
        return validator().validate(document, InputFormat.JSON).stream()
                .map(e -> e.getKeyword() + " at " + e.getInstanceLocation()).toList();
    }

    /**
     * Why the value of one top-level property does not follow that property's schema, as {@link #violations} words it
     * (locations from the record's root); for schemas whose {@code $ref}s all point into their own
     * {@code definitions}/{@code $defs}, which the property's schema is validated with.
     */
    public List<String> propertyViolations(String property, String value) {
        Schema v = propertyValidators.computeIfAbsent(property, this::propertyValidator);
        String at = "/" + property.replace("~", "~0").replace("/", "~1");
        return v.validate(value, InputFormat.JSON).stream()
                .map(e -> e.getKeyword() + " at " + at + e.getInstanceLocation().toString().replaceFirst("^\\$", "")).toList();
    }

    private final java.util.Map<String, Schema> propertyValidators = new java.util.concurrent.ConcurrentHashMap<>();

    private Schema propertyValidator(String property) {
        com.fasterxml.jackson.databind.node.ObjectNode schema = JSON.createObjectNode();
        if (node.has("$schema")) {
            schema.set("$schema", node.get("$schema"));
        }
        for (String definitions : List.of("definitions", "$defs")) {
            if (node.has(definitions)) {
                schema.set(definitions, node.get(definitions));
            }
        }
        JsonNode declared = node.path("properties").path(property);
        com.fasterxml.jackson.databind.node.ObjectNode holder = schema.has("$defs") && !schema.has("definitions")
                ? (com.fasterxml.jackson.databind.node.ObjectNode) schema.get("$defs").deepCopy()
                : schema.has("definitions") ? (com.fasterxml.jackson.databind.node.ObjectNode) schema.get("definitions").deepCopy()
                : JSON.createObjectNode();
        holder.set("jitmask:property", declared);
        String holderName = schema.has("$defs") && !schema.has("definitions") ? "$defs" : "definitions";
        schema.set(holderName, holder);
        schema.putArray("allOf").addObject().put("$ref", "#/" + holderName + "/jitmask:property");
        try {
            return registry().getSchema(schema.toString(), InputFormat.JSON);
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("the JSON Schema cannot be loaded (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public SchemaType type() {
        return SchemaType.JSON;
    }

    @Override
    public String canonicalString() {
        return canonical;
    }

    /** As Confluent: the canonical text re-read with every object's keys in name order. */
    @Override
    public JsonParsedSchema normalize() {
        return new JsonParsedSchema(sortedKeys(node).toString(), SchemaReference.sorted(references()), resolvedReferences());
    }

    private static JsonNode sortedKeys(JsonNode node) {
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
            java.util.SortedSet<String> names = new java.util.TreeSet<>();
            node.fieldNames().forEachRemaining(names::add);
            names.forEach(name -> out.set(name, sortedKeys(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
            node.forEach(x -> out.add(sortedKeys(x)));
            return out;
        }
        return node;
    }

    @Override
    public void validateFields() {
        JsonNode properties = node.path("properties");
        properties.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("$$")) {
                throw new InvalidSchemaException("Field names cannot start with $$ prefix (#/properties/" + name + ")");
            }
        });
    }

    @Override
    public boolean hasTopLevelField(String field) {
        return node.path("properties").has(field);
    }

    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous) {
        return backwardIncompatibilities(previous, null, "new", "old");
    }

    /**
     * Confluent's JSON Schema diff from {@code previous} to this schema: its incompatible differences under the
     * {@code compatibilityPolicy} ({@code LENIENT} also accepts closing the content model and adding or removing
     * properties of an open one; anything else is {@code STRICT}), each as Confluent words it.
     */
    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous, String policy, String reader, String writer) {
        if (!(previous instanceof JsonParsedSchema old)) {
            return List.of("Incompatible because of different schema type");
        }
        Set<JsonSchemaDifference.Type> accepted = "LENIENT".equalsIgnoreCase(policy)
                ? JsonSchemaDifference.LENIENT : JsonSchemaDifference.STRICT;
        return differences(old, this, accepted).stream()
                .filter(d -> !accepted.contains(d.type()))
                .map(d -> ParsedSchema.worded(d.message(), reader, writer))
                .toList();
    }

    /** Every difference Confluent's diff reports from {@code original} to {@code update}. */
    static List<JsonSchemaDifference> differences(JsonParsedSchema original, JsonParsedSchema update,
                                                  Set<JsonSchemaDifference.Type> accepted) {
        return JsonSchemaDiff.compare(accepted, JsonSchemaDocument.of(original).root(),
                JsonSchemaDocument.of(update).root());
    }

    @Override
    public Map<String, Set<String>> inlineTags() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        collectTags(node, "#", out);
        return out;
    }

    private static void collectTags(JsonNode schema, String path, Map<String, Set<String>> out) {
        if (schema == null || !schema.isObject()) {
            return;
        }
        JsonNode tags = schema.get("confluent:tags");
        if (tags != null && tags.isArray() && !tags.isEmpty()) {
            Set<String> names = new LinkedHashSet<>();
            tags.forEach(t -> names.add(t.asText()));
            out.put(path, names);
        }
        for (String container : List.of("properties", "definitions", "$defs", "patternProperties")) {
            JsonNode children = schema.get(container);
            if (children != null && children.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = children.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> child = it.next();
                    collectTags(child.getValue(), path + "/" + container + "/" + child.getKey(), out);
                }
            }
        }
        for (String single : List.of("items", "additionalProperties", "not")) {
            collectTags(schema.get(single), path + "/" + single, out);
        }
        for (String many : List.of("oneOf", "anyOf", "allOf", "items", "prefixItems")) {
            JsonNode list = schema.get(many);
            if (list != null && list.isArray()) {
                for (int i = 0; i < list.size(); i++) {
                    collectTags(list.get(i), path + "/" + many + "/" + i, out);
                }
            }
        }
    }
}
