package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericRecord;

/**
 * Compiles mask plans for JSON records: with a JSON Schema (Confluent's JSON Schema serde) or without one (plain
 * JSON datasets, classified by the policy's paths only). Paths are dotted property names; array items keep the
 * path of their property, as in Avro.
 *
 * <p>Declared properties are classified once, when the plan is compiled. Properties the schema does not declare
 * are classified by name the first time they are seen (the policy may name them, and in default-deny mode every one
 * is masked), and the result is kept per object schema, so a stream of records costs one map lookup per unknown
 * property. A value whose shape contradicts a schema that has sensitive fields below it (a string where an object
 * with a tagged field is declared) fails closed.
 */
public final class JsonMaskPlanner {
    /** Unknown property names remembered per object; past this, a hostile stream of new names is compiled each time. */
    private static final int MAX_REMEMBERED_NAMES = 10_000;

    /** A compiled plan: thread-safe, never mutates its input. */
    @FunctionalInterface
    public interface Plan {
        /** The masked copy of a record, and whether it is proven to follow the schema whenever the record did. */
        Masked mask(JsonNode value);

        /** The masked copy of a record (null stays null). */
        default JsonNode apply(JsonNode value) {
            return value == null ? null : mask(value).value();
        }
    }

    /**
     * A masked record. {@code proven}: nothing was masked, or the schema's keywords are all local
     * ({@link LocalKeywords}, decided when the plan is compiled) and every value the plan rewrote is valid against its
     * own schema node (checked as it was rewritten), so the masked record follows the schema whenever the raw one did
     * and needs no whole-schema validation. Not proven: validate it (fail closed), only {@link #validate} where set.
     */
    public record Masked(JsonNode value, boolean proven, Set<String> validate) {
        /**
         * @param validate when not proven: the declared top-level properties whose values alone need validating
         *                 against their own schemas (a non-local keyword in them, or a rewritten value in them not proven
         *                 valid; the rest of the record is proven, and the top level's keywords judge its properties one
         *                 by one); null: the whole record
         */
        public Masked {
        }

        Masked(JsonNode value, boolean proven) {
            this(value, proven, null);
        }
    }

    private record PlanKey(String dataset, int schemaId, Set<String> clearPaths, long generation) {
    }

    private final FieldClassifier classifier;
    private final Keyset keyset;
    private final PlanCache<PlanKey, Plan> plans = new PlanCache<>();

    public JsonMaskPlanner(FieldClassifier classifier, Keyset keyset) {
        this.classifier = classifier;
        this.keyset = keyset;
    }

    /**
     * The plan for records of a dataset written with a schema ({@code document} null and {@code schemaId} -1 for
     * plain JSON), leaving {@code clearPaths} (a grant's fields) clear.
     *
     * @throws UncoveredFieldException a sensitive field has no technique (fail closed)
     * @throws MaskingConfigException a technique does not fit its field
     */
    public Plan plan(String dataset, int schemaId, JsonSchemaDocument document, Set<String> clearPaths) {
        return plans.get(new PlanKey(dataset, schemaId, Set.copyOf(clearPaths), classifier.generation()),
                k -> new Compiler(dataset, document, k.clearPaths(), null).plan());
    }

    /**
     * What compiling the plan of a schema finds about its constraints that will dead-letter records at run time
     * (a sensitive field's pattern no value can be derived for), for {@code jitmask policy check}.
     */
    public List<String> constraintWarnings(String dataset, JsonSchemaDocument document) {
        List<String> notes = new ArrayList<>();
        new Compiler(dataset, document, Set.of(), notes::add).plan();
        return notes;
    }

    /** Sensitive paths a schema declares and their tags, for request validation and the approver's view. */
    public Map<String, Set<String>> sensitiveFields(String dataset, JsonSchemaDocument document) {
        Map<String, Set<String>> out = new java.util.LinkedHashMap<>();
        new Compiler(dataset, document, Set.of(), null).collect(document.root(), "", out, new IdentityHashMap<>());
        return out;
    }

    private final class Compiler {
        private final String dataset;
        private final JsonSchemaDocument document;
        private final Set<String> clearPaths;
        private final JsonTechniques techniques;
        private final Map<JsonNode, Boolean> stack = new IdentityHashMap<>();

        Compiler(String dataset, JsonSchemaDocument document, Set<String> clearPaths, java.util.function.Consumer<String> notes) {
            this.dataset = dataset;
            this.document = document;
            this.clearPaths = clearPaths;
            this.techniques = new JsonTechniques(keyset, document, notes);
        }

        Plan plan() {
            JsonMasker root = node(document == null ? null : document.root(), "", 0);
            boolean local = document == null || LocalKeywords.firstNonLocal(document) == null;
            // Where every keyword of the top level judges its properties one by one: the properties holding non-local
            // keywords (null where the schema allows only the whole record to be validated, e.g. a oneOf at the top).
            Set<String> nonLocal = document == null ? Set.of() : LocalKeywords.nonLocalProperties(document);
            Set<String> declared = new java.util.HashSet<>();
            if (document != null) {
                document.root().path("properties").fieldNames().forEachRemaining(declared::add);
            }
            if (root == null) {
                // Nothing is masked: the masked record is the raw one, valid whenever it was.
                return value -> new Masked(value, true);
            }
            return value -> {
                JsonWalk walk = new JsonWalk(entity(value));
                JsonNode out = root.mask(value, walk);
                if (local && walk.proven()) {
                    return new Masked(out, true);
                }
                if (nonLocal == null || !walk.unprovenOnlyInProperties() || !value.isObject() || !out.isObject()) {
                    return new Masked(out, false);
                }
                // The raw record follows the schema (validated whole in the default mode) and masking keeps its
                // property names, so the masked one does when these properties' values do: those holding an
                // unproven rewritten value, and the non-local ones a mask rewrote (an untouched value is the
                // producer's, as elsewhere).
                Set<String> validate = new java.util.LinkedHashSet<>(walk.unprovenProperties());
                for (String name : nonLocal) {
                    if (out.get(name) != value.get(name)) {
                        validate.add(name);
                    }
                }
                if (!declared.containsAll(validate)) {
                    // A property the schema does not declare is judged by its additionalProperties: the whole record.
                    return new Masked(out, false);
                }
                return new Masked(out, validate.isEmpty(), validate.isEmpty() ? null : validate);
            };
        }

        private GenericRecord entity(JsonNode value) {
            return new EntityFields(name -> {
                JsonNode field = value.get(name);
                return field == null || field.isNull() || field.isContainerNode() ? null : field.asText();
            });
        }

        /** The masker of the fields below a value described by {@code schema} at {@code prefix}; null if none masks. */
        JsonMasker node(JsonNode schema, String prefix, int depth) {
            if (schema == null) {
                return untyped(prefix);
            }
            String where = dataset + ": " + (prefix.isEmpty() ? "record" : "field '" + prefix.substring(0, prefix.length() - 1) + "'");
            if (depth > JsonSchemaDocument.MAX_DEPTH) {
                throw new UncoveredFieldException(where + ": schema nests deeper than " + JsonSchemaDocument.MAX_DEPTH + " levels");
            }
            JsonNode resolved = document.resolve(schema, where);
            if (resolved.isBoolean()) {
                return resolved.asBoolean() ? untyped(prefix) : null;
            }
            if (stack.containsKey(resolved)) {
                // A recursive schema: harmless when nothing below can be sensitive, otherwise a compiled plan cannot follow it.
                if (!classifier.masksUnknownFields(dataset) && !classifier.hasRulesUnder(dataset, prefix)
                        && !hasTags(resolved, new IdentityHashMap<>())) {
                    return null;
                }
                throw new UncoveredFieldException(where + ": recursive schema holds sensitive fields and cannot be masked by a compiled plan");
            }
            stack.put(resolved, Boolean.TRUE);
            try {
                JsonMasker masker = null;
                for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
                    for (JsonNode branch : resolved.path(combinator)) {
                        masker = JsonMasker.both(masker, node(branch, prefix, depth + 1));
                    }
                }
                Set<String> types = JsonSchemaDocument.types(resolved);
                if (types.isEmpty() || types.contains("object")) {
                    masker = JsonMasker.both(masker, object(resolved, prefix, depth, where, types.contains("object") && types.size() == 1));
                }
                if (types.isEmpty() || types.contains("array")) {
                    masker = JsonMasker.both(masker, array(resolved, prefix, depth, where));
                }
                return masker;
            } finally {
                stack.remove(resolved);
            }
        }

        private JsonMasker object(JsonNode schema, String prefix, int depth, String where, boolean onlyObject) {
            Map<String, JsonMasker> declared = new HashMap<>();
            Set<String> names = new java.util.HashSet<>();
            schema.path("properties").fields().forEachRemaining(p -> {
                names.add(p.getKey());
                JsonMasker m = property(p.getValue(), prefix + p.getKey(), depth + 1);
                if (m != null) {
                    declared.put(p.getKey(), m);
                }
            });
            JsonNode additional = schema.get("additionalProperties");
            JsonNode additionalSchema = additional != null && additional.isObject() ? additional : null;
            boolean unknownMayMask = classifier.masksUnknownFields(dataset) || classifier.hasRulesUnder(dataset, prefix)
                    || additionalSchema != null && (property(additionalSchema, prefix + "*", depth + 1) != null);
            if (declared.isEmpty() && !unknownMayMask) {
                return null;
            }
            Map<String, JsonMasker> unknown = new ConcurrentHashMap<>();
            JsonMasker none = (v, r) -> v;
            boolean top = prefix.isEmpty() && schema == document.resolve(document.root(), where);
            return (value, root) -> {
                if (!value.isObject()) {
                    return mismatch(value, onlyObject, where, "an object");
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String name = e.getKey();
                    JsonMasker m = declared.get(name);
                    if (m == null && unknownMayMask && !names.contains(name)) {
                        m = unknown.get(name);
                        if (m == null) {
                            JsonMasker compiled = property(additionalSchema, prefix + name, depth + 1);
                            m = compiled == null ? none : compiled;
                            if (unknown.size() < MAX_REMEMBERED_NAMES) {
                                unknown.put(name, m);
                            }
                        }
                    }
                    if (top) {
                        root.at(name);
                    }
                    out.set(name, m == null || e.getValue().isNull() ? e.getValue() : m.mask(e.getValue(), root));
                }
                if (top) {
                    root.at(null);
                }
                return out;
            };
        }

        private JsonMasker array(JsonNode schema, String prefix, int depth, String where) {
            JsonNode items = schema.get("items");
            JsonNode prefixItems = schema.has("prefixItems") ? schema.get("prefixItems") : items != null && items.isArray() ? items : null;
            List<JsonMasker> positional = new ArrayList<>();
            if (prefixItems != null) {
                prefixItems.forEach(item -> positional.add(node(item, prefix, depth + 1)));
            }
            JsonNode rest = items != null && !items.isArray() ? items : schema.get("additionalItems");
            JsonMasker others = rest == null || rest.isBoolean() && rest.asBoolean() ? untyped(prefix)
                    : rest.isBoolean() ? null : node(rest, prefix, depth + 1);
            if (others == null && positional.stream().allMatch(java.util.Objects::isNull)) {
                return null;
            }
            return (value, root) -> {
                if (!value.isArray()) {
                    return mismatch(value, false, where, "an array");
                }
                ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    JsonMasker m = i < positional.size() ? positional.get(i) : others;
                    out.add(m == null || item.isNull() ? item : m.mask(item, root));
                }
                return out;
            };
        }

        /**
         * A value where the schema declares a structure holding sensitive fields. A schema that allows other types
         * too (no "type", or several) lets scalars pass, since they hold no field; an object-only schema does not.
         */
        private JsonNode mismatch(JsonNode value, boolean strict, String where, String expected) {
            if (strict || value.isContainerNode()) {
                throw new io.jitmask.serde.MalformedRecordException(where + " is " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + " where the schema declares " + expected);
            }
            return value;
        }

        /** A property: masked whole when sensitive, else walked. */
        private JsonMasker property(JsonNode schema, String path, int depth) {
            if (PolicyMaskEngine.isClear(path, clearPaths)) {
                return null;
            }
            String where = dataset + ": field '" + path + "'";
            Set<String> tags = document == null || schema == null ? Set.of() : document.tags(schema, where);
            TechniqueSpec technique = classifier.techniqueFor(dataset, path, tags);
            if (technique != null) {
                return techniques.compile(schema, technique, where);
            }
            JsonMasker nested = node(schema, path + ".", depth);
            TechniqueSpec byDefault = classifier.defaultFor(dataset, path);
            return byDefault == null ? nested : byDefault(schema, path, byDefault, nested, where, depth);
        }

        /**
         * A field masked by the dataset's default (defaultDeny): its values get the default technique, its objects
         * (directly or in arrays) are walked so that each of their fields is classified in turn.
         */
        private JsonMasker byDefault(JsonNode schema, String path, TechniqueSpec technique, JsonMasker objects, String where, int depth) {
            JsonNode resolved = schema == null ? null : document.resolve(schema, where);
            JsonNode items = resolved == null ? null : resolved.get("items");
            boolean itemsDeclared = items != null && items.isObject();
            JsonMasker itemObjects = itemsDeclared ? node(items, path + ".", depth + 1) : untyped(path + ".");
            JsonMasker values = techniques.compile(itemsDeclared ? items : resolved, technique, where);
            ArrayRules rules = ArrayRules.of(document, resolved, keyset, where);
            JsonMasker[] self = new JsonMasker[2];
            for (int level = 0; level < 2; level++) {
                JsonMasker forObjects = level == 0 ? objects : itemObjects;
                int at = level;
                self[at] = (value, root) -> {
                    if (value.isObject()) {
                        return forObjects == null ? value : forObjects.mask(value, root);
                    }
                    if (value.isArray()) {
                        ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
                        value.forEach(item -> out.add(item.isNull() ? item : self[1].mask(item, root)));
                        if (rules != null && at == 0) {
                            rules.apply(value, out);
                        }
                        return out;
                    }
                    return value.isNull() ? value : values.mask(value, root);
                };
            }
            return self[0];
        }

        /** Values no schema describes: their properties are classified by name when first seen. */
        private JsonMasker untyped(String prefix) {
            if (!classifier.masksUnknownFields(dataset) && !classifier.hasRulesUnder(dataset, prefix)) {
                return null;
            }
            Map<String, JsonMasker> children = new ConcurrentHashMap<>();
            JsonMasker none = (v, r) -> v;
            JsonMasker[] self = new JsonMasker[1];
            self[0] = (value, root) -> {
                if (value.isArray()) {
                    ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
                    value.forEach(item -> out.add(self[0].mask(item, root)));
                    return out;
                }
                if (!value.isObject()) {
                    return value;
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonMasker m = children.get(e.getKey());
                    if (m == null) {
                        JsonMasker compiled = property(null, prefix + e.getKey(), 0);
                        m = compiled == null ? none : compiled;
                        if (children.size() < MAX_REMEMBERED_NAMES) {
                            children.put(e.getKey(), m);
                        }
                    }
                    out.set(e.getKey(), e.getValue().isNull() ? e.getValue() : m.mask(e.getValue(), root));
                }
                return out;
            };
            return self[0];
        }

        private boolean hasTags(JsonNode schema, Map<JsonNode, Boolean> seen) {
            if (schema == null || !schema.isContainerNode() || seen.put(schema, Boolean.TRUE) != null) {
                return false;
            }
            if (schema.has(JsonSchemaDocument.TAGS)) {
                return true;
            }
            if (schema.has("$ref")) {
                return hasTags(document.resolve(schema, dataset), seen);
            }
            for (JsonNode child : schema) {
                if (hasTags(child, seen)) {
                    return true;
                }
            }
            return false;
        }

        void collect(JsonNode schema, String prefix, Map<String, Set<String>> out, Map<JsonNode, Boolean> seen) {
            JsonNode resolved = document.resolve(schema, dataset);
            if (resolved == null || !resolved.isObject() || seen.put(resolved, Boolean.TRUE) != null) {
                return;
            }
            resolved.path("properties").fields().forEachRemaining(p -> {
                String path = prefix + p.getKey();
                Set<String> tags = document.tags(p.getValue(), dataset);
                if (classifier.techniqueFor(dataset, path, tags) != null) {
                    out.put(path, tags);
                } else {
                    collect(p.getValue(), path + ".", out, seen);
                }
            });
            for (String key : List.of("items", "additionalProperties")) {
                if (resolved.path(key).isObject()) {
                    collect(resolved.get(key), prefix, out, seen);
                }
            }
            for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
                resolved.path(combinator).forEach(branch -> collect(branch, prefix, out, seen));
            }
            seen.remove(resolved);
        }
    }
}
