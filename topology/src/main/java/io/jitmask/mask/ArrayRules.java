package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The keywords of a sensitive array that judge its items together, kept when its items are masked:
 *
 * <ul>
 *   <li>{@code uniqueItems}: items that were distinct stay distinct. A masked item equal to an earlier one (redact's
 *       constant, an enum's constant, a length cut) is replaced by the first variant that is still free: another
 *       member of the items' enum, or a variant of the masked value ({@code 1-REDACTED}, the number one step away,
 *       the other boolean) fitted to the items' constraints by keyed derivation. Nothing of the originals is in a
 *       variant; which items get one tells only which masked values collided. Items that cannot be varied
 *       (objects, arrays, null) leave the array as it is, and the record's validation dead-letters it.</li>
 *   <li>{@code contains}: when no masked item matches the {@code contains} schema any more, the first item becomes a
 *       value the schema publishes for it ({@code const}, {@code enum}, {@code examples}, {@code default} of the
 *       {@code contains} schema, in that order) that is also a valid item; the first item, whichever matched in the
 *       original, so the position tells nothing. Without such a value (or with a {@code $ref} in either schema, which
 *       this check does not follow) the array is left as it is and the record's validation dead-letters it.</li>
 * </ul>
 *
 * Both keywords stay non-local ({@link LocalKeywords}): a record with such an array is still validated whole.
 */
final class ArrayRules {
    private final JsonConstraints itemFit;
    private final boolean unique;
    private final boolean contains;
    private final com.networknt.schema.Schema containsCheck;
    private final JsonNode containsValue;

    private ArrayRules(JsonConstraints itemFit, boolean unique, boolean contains, com.networknt.schema.Schema containsCheck,
                       JsonNode containsValue) {
        this.itemFit = itemFit;
        this.unique = unique;
        this.contains = contains;
        this.containsCheck = containsCheck;
        this.containsValue = containsValue;
    }

    /** The rules of a (resolved) array schema node; null when it has neither keyword. */
    static ArrayRules of(JsonSchemaDocument document, JsonNode array, Keyset keyset, String where) {
        if (document == null || array == null || !array.isObject()) {
            return null;
        }
        boolean unique = array.path("uniqueItems").asBoolean(false);
        JsonNode contains = array.get("contains");
        if (!unique && contains == null) {
            return null;
        }
        JsonNode items = array.get("items");
        JsonNode resolvedItems = items != null && items.isObject() ? document.resolve(items, where) : null;
        // Variants are derived, never the technique's constant: redact's format values would all be the same.
        JsonConstraints itemFit = unique && resolvedItems != null
                ? JsonConstraints.of(document, resolvedItems, new TechniqueSpec("hmac"), keyset, where + "[]") : null;
        com.networknt.schema.Schema check = null;
        JsonNode value = null;
        if (contains != null && !hasRef(contains) && (items == null || items.isObject() && !hasRef(items))) {
            ObjectNode schema = JsonNodeFactory.instance.objectNode();
            JsonNode dialect = document.root().path("$schema");
            if (dialect.isTextual()) {
                schema.put("$schema", dialect.asText());
            }
            schema.set("contains", contains);
            check = load(schema);
            ObjectNode item = JsonNodeFactory.instance.objectNode();
            item.set("allOf", JsonNodeFactory.instance.arrayNode().add(contains).add(items == null ? BooleanNode.TRUE : items));
            if (dialect.isTextual()) {
                item.put("$schema", dialect.asText());
            }
            com.networknt.schema.Schema itemCheck = load(item);
            for (JsonNode candidate : check == null || itemCheck == null ? List.<JsonNode>of() : JsonConstraints.published(contains, true, true)) {
                if (itemCheck.validate(candidate.toString(), InputFormat.JSON).isEmpty()) {
                    value = candidate;
                    break;
                }
            }
        }
        return new ArrayRules(itemFit, unique, contains != null, value == null ? null : check, value);
    }

    /** For {@code policy check}: what these rules do to the field's masked arrays. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (unique) {
            notes.add("uniqueItems: masked items that collide are replaced by distinct variants fitted to the item constraints;"
                    + " arrays of objects or arrays whose masked items collide are dead-lettered (keyword 'uniqueItems')");
        }
        if (containsValue != null) {
            notes.add("contains: a masked array with no matching item gets the value the 'contains' schema publishes"
                    + " (const, enum, examples or default) as its first item");
        } else if (contains) {
            notes.add("contains: the 'contains' schema publishes no value (const, enum, examples, default) that is also a valid"
                    + " item, or uses $ref: a masked array with no matching item is dead-lettered (keyword 'contains')");
        }
        return notes;
    }

    /** Applies the rules to {@code out}, the masked copy of {@code in}. */
    void apply(JsonNode in, ArrayNode out) {
        if (containsValue != null && !out.isEmpty() && !containsCheck.validate(out.toString(), InputFormat.JSON).isEmpty()) {
            out.set(0, containsValue.deepCopy());
        }
        if (unique && distinct(in)) {
            keepDistinct(out);
        }
    }

    private void keepDistinct(ArrayNode out) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            JsonNode value = out.get(i);
            if (seen.add(key(value))) {
                continue;
            }
            JsonNode replacement = variant(value, seen);
            if (replacement == null) {
                return; // the record's validation refuses it, naming uniqueItems and the array's location
            }
            out.set(i, replacement);
            seen.add(key(replacement));
        }
    }

    private JsonNode variant(JsonNode value, Set<String> seen) {
        if (itemFit != null) {
            for (JsonNode member : itemFit.members()) {
                if (!seen.contains(key(member))) {
                    return member;
                }
            }
            if (!itemFit.members().isEmpty()) {
                return null;
            }
        }
        for (int k = 1; k <= 64; k++) {
            JsonNode candidate;
            if (value.isTextual()) {
                candidate = TextNode.valueOf(k + "-" + value.asText());
            } else if (value.isNumber()) {
                BigDecimal step = itemFit == null ? BigDecimal.ONE : itemFit.step();
                BigDecimal offset = step.multiply(BigDecimal.valueOf(k % 2 == 1 ? (k + 1) / 2 : -(k / 2)));
                BigDecimal number = value.decimalValue().add(offset);
                candidate = value.isIntegralNumber() ? JsonNodeFactory.instance.numberNode(number.toBigInteger())
                        : DecimalNode.valueOf(number);
            } else if (value.isBoolean()) {
                candidate = BooleanNode.valueOf(!value.booleanValue());
            } else {
                return null;
            }
            JsonNode fitted = itemFit == null ? candidate : itemFit.fitOrNull(candidate);
            if (fitted != null && !seen.contains(key(fitted))) {
                return fitted;
            }
        }
        return null;
    }

    private static boolean distinct(JsonNode array) {
        Set<String> keys = new HashSet<>();
        for (JsonNode item : array) {
            if (!keys.add(key(item))) {
                return false;
            }
        }
        return true;
    }

    /** A value's identity as JSON Schema compares values: numbers by value (1 and 1.0 equal), object keys in any order. */
    static String key(JsonNode value) {
        StringBuilder out = new StringBuilder();
        key(value, out);
        return out.toString();
    }

    private static void key(JsonNode value, StringBuilder out) {
        if (value.isNumber()) {
            BigDecimal d = value.decimalValue();
            out.append('n').append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (value.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            out.append('{');
            sorted.forEach((k, v) -> {
                out.append(TextNode.valueOf(k)).append(':');
                key(v, out);
                out.append(',');
            });
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            value.forEach(v -> {
                key(v, out);
                out.append(',');
            });
            out.append(']');
        } else {
            out.append(value);
        }
    }

    private static boolean hasRef(JsonNode schema) {
        if (schema.has("$ref")) {
            return true;
        }
        for (JsonNode child : schema) {
            if (child.isContainerNode() && hasRef(child)) {
                return true;
            }
        }
        return false;
    }

    private static com.networknt.schema.Schema load(ObjectNode schema) {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemaLoader(l -> l.fetchRemoteResources(false)))
                    .getSchema(schema.toString(), InputFormat.JSON);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
