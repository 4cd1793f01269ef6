package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A technique applied to a sensitive JSON value, keeping its JSON type: strings stay strings, integers integers,
 * numbers numbers, booleans booleans, null null (so the masked record still validates against the schema's types).
 * The technique itself is the Avro one, compiled for the matching Avro leaf type (string, or a uuid string for
 * {@code "format": "uuid"}; long; double; boolean). A sensitive object or array has every value inside it masked;
 * the names of properties its schema does not declare (map-like objects) are tokenized like Avro map keys unless
 * {@code keepMapKeys: true}.
 *
 * <p>A type the schema declares and the technique cannot mask fails compilation (as in Avro). A value of a type the
 * schema does not declare (no schema, or an untyped property) is masked by the technique if it fits, else redacted
 * to the constant of its type: never passed in clear.
 */
final class JsonTechniques {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema UUID = LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
    private static final Schema LONG = Schema.create(Schema.Type.LONG);
    private static final Schema DOUBLE = Schema.create(Schema.Type.DOUBLE);
    private static final Schema BOOLEAN = Schema.create(Schema.Type.BOOLEAN);
    private static final TechniqueSpec REDACT = new TechniqueSpec("redact");

    private final Keyset keyset;
    private final JsonSchemaDocument document;
    private final java.util.function.Consumer<String> notes;

    /** @param notes told of constraints no value can be derived for (for {@code policy check}); null: nobody asks */
    JsonTechniques(Keyset keyset, JsonSchemaDocument document, java.util.function.Consumer<String> notes) {
        this.keyset = keyset;
        this.document = document;
        this.notes = notes;
    }

    /** The masker of a sensitive value described by {@code schema} (null: no schema). */
    JsonMasker compile(JsonNode schema, TechniqueSpec technique, String where) {
        return compile(schema, technique, where, 0);
    }

    private JsonMasker compile(JsonNode schema, TechniqueSpec technique, String where, int depth) {
        JsonNode resolved = document == null || schema == null ? schema : document.resolve(schema, where);
        Set<String> declared = JsonSchemaDocument.types(resolved);
        if (Techniques.NULLIFY.equals(technique.type())) {
            if (!declared.isEmpty() && !declared.contains("null")) {
                throw new UnsupportedTypeException(where + ": technique 'nullify' needs a nullable field (a type with null), but the field is "
                        + declared);
            }
            // null breaks an enum/const without null, or a type of an allOf branch: the node's constraints check it.
            JsonConstraints constraints = JsonConstraints.of(document, resolved, technique, keyset, where);
            return (value, root) -> constraints == null ? NullNode.instance : constraints.fit(NullNode.instance, root);
        }
        JsonMasker text = text(technique, "uuid".equals(resolved == null ? null : resolved.path("format").asText(null)),
                declared.contains("string"), where);
        JsonMasker whole = leaf(technique, LONG, declared.contains("integer"), where, (m, v, r) -> {
            if (!v.canConvertToLong()) {
                return LongNode.valueOf(0L); // beyond a long: no technique keeps it, the constant does
            }
            return LongNode.valueOf(((Number) m.mask(v.longValue(), r)).longValue());
        });
        JsonMasker number = leaf(technique, DOUBLE, declared.contains("number"), where,
                (m, v, r) -> DoubleNode.valueOf(((Number) m.mask(v.doubleValue(), r)).doubleValue()));
        JsonMasker bool = leaf(technique, BOOLEAN, declared.contains("boolean"), where,
                (m, v, r) -> BooleanNode.valueOf((Boolean) m.mask(v.booleanValue(), r)));
        // Integers that a "number" schema holds are still whole numbers: masked as such unless only numbers fit.
        JsonMasker integral = declared.contains("number") && !declared.contains("integer") ? number : whole;
        Map<String, JsonMasker> properties = new HashMap<>();
        JsonMasker[] others = new JsonMasker[1];
        JsonMasker[] items = new JsonMasker[1];
        if (depth > JsonSchemaDocument.MAX_DEPTH) {
            throw new UncoveredFieldException(where + ": schema nests deeper than " + JsonSchemaDocument.MAX_DEPTH + " levels");
        }
        if (resolved != null && resolved.path("properties").isObject()) {
            resolved.path("properties").fields().forEachRemaining(p ->
                    properties.put(p.getKey(), compile(p.getValue(), technique, where + "." + p.getKey(), depth + 1)));
        }
        FieldMasker mapKeys = new Options(technique, where).bool("keepMapKeys", false) ? null : Techniques.mapKeyMasker(keyset);
        // The schema's own constraints on the value (format, lengths, pattern, enum, range), fitted once compiled.
        JsonConstraints fit = JsonConstraints.of(document, resolved, technique, keyset, where);
        ArrayRules arrayRules = ArrayRules.of(document, resolved, keyset, where);
        if (notes != null) {
            String pattern = fit == null ? null : fit.underivedPatternNote();
            if (pattern != null) {
                notes.accept(where + ": " + pattern);
            }
            if (arrayRules != null) {
                arrayRules.notes().forEach(n -> notes.accept(where + ": " + n));
            }
        }
        JsonMasker masker = new JsonMasker() {
            @Override
            public JsonNode mask(JsonNode value, JsonWalk root) {
                switch (value.getNodeType()) {
                    case NULL, MISSING:
                        return value;
                    case STRING:
                        return text.mask(value, root);
                    case BOOLEAN:
                        return bool.mask(value, root);
                    case NUMBER:
                        return value.isIntegralNumber() ? integral.mask(value, root) : number.mask(value, root);
                    case OBJECT: {
                        ObjectNode out = JsonNodeFactory.instance.objectNode();
                        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            JsonMasker declaredMasker = properties.get(e.getKey());
                            if (declaredMasker != null) {
                                out.set(e.getKey(), declaredMasker.mask(e.getValue(), root));
                            } else {
                                String name = mapKeys == null ? e.getKey() : mapKeys.mask(e.getKey(), root.root()).toString();
                                out.set(name, other().mask(e.getValue(), root));
                            }
                        }
                        return out;
                    }
                    case ARRAY: {
                        ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
                        for (JsonNode item : value) {
                            out.add(items().mask(item, root));
                        }
                        if (arrayRules != null) {
                            arrayRules.apply(value, out);
                        }
                        return out;
                    }
                    default:
                        throw new MaskingException(where + ": JSON value of type " + value.getNodeType() + " cannot be masked");
                }
            }

            private JsonMasker other() {
                if (others[0] == null) {
                    JsonNode addl = resolved == null ? null : resolved.get("additionalProperties");
                    others[0] = compile(addl != null && addl.isObject() ? addl : null, technique, where + ".*", depth + 1);
                }
                return others[0];
            }

            private JsonMasker items() {
                if (items[0] == null) {
                    JsonNode item = resolved == null ? null : resolved.get("items");
                    items[0] = compile(item != null && item.isObject() ? item : null, technique, where + "[]", depth + 1);
                }
                return items[0];
            }
        };
        // What proves the rewritten value valid against this node: the fitter's check of the node's keywords for a
        // scalar, else its JSON type. enum/const on an object or array is not fitted, so it proves nothing.
        boolean constantContainer = resolved != null && resolved.isObject() && (resolved.has("enum") || resolved.has("const"));
        boolean refuses = resolved != null && resolved.isBoolean() && !resolved.asBoolean();
        return (value, root) -> {
            JsonNode out = masker.mask(value, root);
            if (fit != null && !value.isContainerNode()) {
                return fit.fit(out, root);
            }
            if (refuses || !typeFits(declared, out) || out.isContainerNode() && constantContainer) {
                root.unproven();
            }
            return out;
        };
    }

    /**
     * Strings; a {@code "format": "uuid"} string as Avro's uuid type (hmac gives a UUID token, redact the nil UUID),
     * or, for a technique that has no uuid form, as text that the constraints then turn into a UUID.
     */
    private JsonMasker text(TechniqueSpec technique, boolean uuid, boolean declared, String where) {
        Apply asText = (m, v, r) -> TextNode.valueOf(m.mask(v.asText(), r).toString());
        if (uuid) {
            try {
                Techniques.compile(technique, UUID, keyset, where);
                return leaf(technique, UUID, declared, where, asText);
            } catch (UnsupportedTypeException e) {
                // falls back to the text form below
            }
        }
        return leaf(technique, STRING, declared, where, asText);
    }

    /** Whether a value has one of the JSON types a schema declares (none declared: any); a float is no integer here. */
    static boolean typeFits(Set<String> declared, JsonNode value) {
        if (declared.isEmpty()) {
            return true;
        }
        return switch (value.getNodeType()) {
            case NULL -> declared.contains("null");
            case STRING -> declared.contains("string");
            case BOOLEAN -> declared.contains("boolean");
            case OBJECT -> declared.contains("object");
            case ARRAY -> declared.contains("array");
            case NUMBER -> declared.contains("number") || value.isIntegralNumber() && declared.contains("integer");
            default -> false;
        };
    }

    private interface Apply {
        JsonNode apply(FieldMasker masker, JsonNode value, GenericRecord root);
    }

    /**
     * The technique on one JSON type. Declared by the schema: it must fit. Not declared: it is used if it fits,
     * else the value is redacted to its type's constant. Compiled on first use, so a schema's unused types cost nothing.
     */
    private JsonMasker leaf(TechniqueSpec technique, Schema avro, boolean declared, String where, Apply apply) {
        FieldMasker masker;
        try {
            masker = Techniques.compile(technique, avro, keyset, where);
        } catch (UnsupportedTypeException e) {
            if (declared) {
                throw e;
            }
            masker = Techniques.compile(REDACT, avro, keyset, where);
        }
        FieldMasker chosen = masker;
        return (value, root) -> apply.apply(chosen, value, root.root());
    }
}
