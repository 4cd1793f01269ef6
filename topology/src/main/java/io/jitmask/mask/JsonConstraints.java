package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;

/**
 * Fits a technique's output to the constraints the JSON Schema puts on the masked value, so the record still
 * validates and reaches {@code masked.*}: {@code format}, {@code minLength}/{@code maxLength}, {@code pattern},
 * {@code enum}/{@code const}, {@code minimum}/{@code maximum} (exclusive too) and {@code multipleOf}. Compiled once
 * per schema node when the plan is compiled; per record, an output the constraints accept is kept as it is, else
 * the first derived candidate they accept replaces it:
 *
 * <ul>
 *   <li>{@code enum}/{@code const}: a constant, the first member of the value's JSON type (as Avro's redact gives an
 *       enum's first symbol), or the member redact's {@code symbol} names. A token per member would tell which
 *       members are equal; a constant tells nothing.</li>
 *   <li>{@code format}: {@link FormatValues}, from a keyed digest of the output (the format's constant for redact).</li>
 *   <li>lengths: the output cut to {@code maxLength} or padded with {@code *} to {@code minLength}.</li>
 *   <li>{@code pattern}: {@link PatternValues} from the keyed digest, when the pattern is in the subset it reads.</li>
 *   <li>numbers: hmac tokens are spread over the allowed values by the token (equal inputs stay equal); other
 *       techniques' outputs (redact's 0, bucket's bounds) move to the nearest allowed value.</li>
 * </ul>
 *
 * The last candidates are the values the schema publishes for the node ({@code examples}, {@code default}): the
 * same for every record, for what nothing derived fits (a pattern with look-arounds). Candidates are checked with the
 * project's validator (networknt, the schema's own draft) on the node's own keywords, which is also what proves a
 * rewritten value valid ({@link JsonWalk}). When none fits (an unreadable pattern and no published value,
 * contradictory constraints), the output is left as it is, the walk is marked unproven, and the record's validation
 * dead-letters it naming the keyword and location, never the value.
 */
final class JsonConstraints {
    static final String PURPOSE = "jitmask/json-constraint/v1";
    private static final List<String> KEYWORDS = List.of("type", "format", "pattern", "minLength", "maxLength", "enum", "const",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");
    /** Unbounded sides of a range stop at the integers JSON readers hold exactly. */
    private static final BigDecimal SAFE = BigDecimal.valueOf(1L << 53);
    private static final int MAX_ALL_OF_DEPTH = 8;

    private final com.networknt.schema.Schema check;
    private final Map<JsonNodeType, JsonNode> member = new EnumMap<>(JsonNodeType.class);
    private JsonNode firstMember;
    private String format;
    private PatternValues pattern;
    private Integer minLength;
    private Integer maxLength;
    private BigDecimal min;
    private BigDecimal max;
    private boolean minExclusive;
    private boolean maxExclusive;
    private BigDecimal multipleOf;
    /** Values the schema itself publishes ({@code examples}, {@code default}): the last candidates, for what no derivation fits. */
    private final List<JsonNode> published = new ArrayList<>();
    private final List<JsonNode> members = new ArrayList<>();
    private String underivedPattern;
    private final boolean constant;
    private final boolean keyed;
    private final String keyId;
    private final ThreadLocal<Mac> mac;

    private JsonConstraints(List<JsonNode> nodes, String dialect, TechniqueSpec technique, Keyset keyset, String where) {
        this.constant = "redact".equals(technique.type());
        this.keyed = "hmac".equals(technique.type());
        Keyset.Key key = keyset.primary();
        this.keyId = key.id();
        this.mac = ThreadLocal.withInitial(() -> key.mac(PURPOSE));
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        if (dialect != null) {
            schema.put("$schema", dialect);
        }
        List<JsonNode> parts = new ArrayList<>();
        for (JsonNode node : nodes) {
            ObjectNode part = JsonNodeFactory.instance.objectNode();
            KEYWORDS.forEach(k -> {
                if (node.has(k)) {
                    part.set(k, node.get(k));
                }
            });
            parts.add(part);
            read(node);
        }
        schema.putArray("allOf").addAll(parts);
        String symbol = constant && technique.options().get("symbol") instanceof String s ? s : null;
        if (symbol != null && firstMember != null) {
            JsonNode chosen = TextNode.valueOf(symbol);
            if (!member.containsValue(chosen) && !containsMember(nodes, chosen)) {
                throw new MaskingConfigException(where + ": technique 'redact' option 'symbol' is '" + symbol
                        + "', not a member of the field's enum");
            }
            member.put(JsonNodeType.STRING, chosen);
        }
        try {
            this.check = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemaLoader(l -> l.fetchRemoteResources(false)))
                    .getSchema(schema.toString(), InputFormat.JSON);
        } catch (RuntimeException e) {
            throw new UncoveredFieldException(where + ": the field's constraints cannot be loaded (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The fitter of values of a (resolved) schema node, with the constraints of its {@code allOf} branches; null when
     * the node constrains nothing a technique could break.
     */
    static JsonConstraints of(JsonSchemaDocument document, JsonNode resolved, TechniqueSpec technique, Keyset keyset, String where) {
        if (document == null || resolved == null || !resolved.isObject()) {
            return null;
        }
        List<JsonNode> nodes = new ArrayList<>();
        collect(document, resolved, where, nodes, 0);
        boolean constrains = nodes.stream().anyMatch(n -> KEYWORDS.stream().anyMatch(k -> !"type".equals(k) && n.has(k)));
        if (!constrains) {
            return null;
        }
        JsonNode dialect = document.root().path("$schema");
        return new JsonConstraints(nodes, dialect.isTextual() ? dialect.asText() : null, technique, keyset, where);
    }

    private static void collect(JsonSchemaDocument document, JsonNode node, String where, List<JsonNode> out, int depth) {
        if (depth > MAX_ALL_OF_DEPTH || !node.isObject() || out.contains(node)) {
            return;
        }
        out.add(node);
        for (JsonNode branch : node.path("allOf")) {
            collect(document, document.resolve(branch, where), where, out, depth + 1);
        }
    }

    private static boolean containsMember(List<JsonNode> nodes, JsonNode value) {
        for (JsonNode node : nodes) {
            for (JsonNode m : node.path("enum")) {
                if (m.equals(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Values a schema node publishes: its {@code const} and {@code enum} members, then its {@code examples} and {@code default}. */
    static List<JsonNode> published(JsonNode node, boolean members, boolean examples) {
        List<JsonNode> out = new ArrayList<>();
        if (members && node.has("const")) {
            out.add(node.get("const"));
        }
        if (members) {
            node.path("enum").forEach(out::add);
        }
        if (examples) {
            node.path("examples").forEach(out::add);
            if (node.has("default")) {
                out.add(node.get("default"));
            }
        }
        return out;
    }

    /** Reads the constraints the derivations use; the check holds all of them, so a conflict only loses a candidate. */
    private void read(JsonNode node) {
        List<JsonNode> members = published(node, true, false);
        published.addAll(published(node, false, true));
        this.members.addAll(members);
        for (JsonNode m : members) {
            if (firstMember == null) {
                firstMember = m;
            }
            member.putIfAbsent(m.isIntegralNumber() || m.isFloatingPointNumber() ? JsonNodeType.NUMBER : m.getNodeType(), m);
        }
        String f = node.path("format").asText(null);
        if (format == null && f != null && FormatValues.KNOWN.contains(f)) {
            format = f;
        }
        if (pattern == null && node.path("pattern").isTextual()) {
            pattern = PatternValues.parse(node.get("pattern").asText());
            if (pattern == null) {
                underivedPattern = node.get("pattern").asText();
            }
        }
        if (node.path("minLength").canConvertToInt()) {
            minLength = Math.max(minLength == null ? 0 : minLength, node.get("minLength").asInt());
        }
        if (node.path("maxLength").canConvertToInt()) {
            maxLength = Math.min(maxLength == null ? Integer.MAX_VALUE : maxLength, node.get("maxLength").asInt());
        }
        if (node.path("multipleOf").isNumber() && node.get("multipleOf").decimalValue().signum() > 0) {
            multipleOf = node.get("multipleOf").decimalValue();
        }
        // Draft 4 writes exclusive bounds as booleans next to minimum/maximum, later drafts as numbers of their own.
        if (node.path("minimum").isNumber()) {
            lower(node.get("minimum").decimalValue(), node.path("exclusiveMinimum").asBoolean(false));
        }
        if (node.path("exclusiveMinimum").isNumber()) {
            lower(node.get("exclusiveMinimum").decimalValue(), true);
        }
        if (node.path("maximum").isNumber()) {
            upper(node.get("maximum").decimalValue(), node.path("exclusiveMaximum").asBoolean(false));
        }
        if (node.path("exclusiveMaximum").isNumber()) {
            upper(node.get("exclusiveMaximum").decimalValue(), true);
        }
    }

    private void lower(BigDecimal bound, boolean exclusive) {
        if (min == null || bound.compareTo(min) > 0 || bound.compareTo(min) == 0 && exclusive) {
            min = bound;
            minExclusive = exclusive;
        }
    }

    private void upper(BigDecimal bound, boolean exclusive) {
        if (max == null || bound.compareTo(max) < 0 || bound.compareTo(max) == 0 && exclusive) {
            max = bound;
            maxExclusive = exclusive;
        }
    }

    /** The fitted value; a value no candidate fits is left as it is and the walk marked unproven (the record is validated whole). */
    JsonNode fit(JsonNode output, JsonWalk walk) {
        if (!output.isValueNode() || output.isNull()) {
            if (!output.isValueNode() || !passes(output)) {
                walk.unproven();
            }
            return output;
        }
        JsonNode out = fitted(output);
        if (out == null) {
            walk.unproven();
            return output;
        }
        return out;
    }

    /** The output if the constraints accept it, else the first candidate they accept; null when none does. */
    private JsonNode fitted(JsonNode output) {
        // An enum member from another technique than redact may be the original itself (freeText keeps text it
        // detects nothing in): members are always the constant, unless redact's own value or symbol is one.
        boolean keep = firstMember == null || constant;
        if (keep && passes(output)) {
            return output;
        }
        for (JsonNode candidate : candidates(output)) {
            if (candidate != null && passes(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private boolean passes(JsonNode value) {
        return check.validate(value.toString(), InputFormat.JSON).isEmpty();
    }

    private List<JsonNode> candidates(JsonNode output) {
        List<JsonNode> out = new ArrayList<>();
        if (firstMember != null) {
            JsonNodeType type = output.isNumber() ? JsonNodeType.NUMBER : output.getNodeType();
            out.add(member.getOrDefault(type, firstMember));
            out.add(firstMember);
            return out;
        }
        if (output.isTextual()) {
            String text = output.asText();
            if (format != null) {
                String formatted = FormatValues.of(format, text, digest(text, 0), constant, keyId);
                out.add(TextNode.valueOf(formatted));
                out.add(lengths(formatted));
            }
            out.add(lengths(text));
            if (pattern != null) {
                // As many repetitions as maxLength leaves room for (more characters: fewer equal values by chance).
                for (int repeat = PatternValues.PREFERRED_REPEAT; repeat >= 0; repeat--) {
                    String value = pattern.value(chooser(text), repeat);
                    if (maxLength == null || value.codePointCount(0, value.length()) <= maxLength || repeat == 0) {
                        out.add(TextNode.valueOf(value));
                        break;
                    }
                }
            }
        } else if (output.isNumber()) {
            out.add(number(output));
        }
        // A constant the schema publishes: every record gets the same value (nothing of any original), where
        // nothing derived fits (a pattern with look-arounds, back references, \b or Unicode properties).
        out.addAll(published);
        return out;
    }

    /**
     * For {@code policy check}: what happens to values of a field whose pattern no value is derived for. Null when
     * the pattern is derivable (or there is none).
     */
    String underivedPatternNote() {
        if (underivedPattern == null) {
            return null;
        }
        for (JsonNode value : published) {
            if (passes(value)) {
                return "its pattern uses more than jitmask derives values for (look-arounds, back references, word boundaries,"
                        + " Unicode properties): a masked value that does not match it is replaced by the value the schema"
                        + " publishes in 'examples' or 'default' (the same for every record)";
            }
        }
        return "its pattern uses more than jitmask derives values for (look-arounds, back references, word boundaries,"
                + " Unicode properties) and the schema publishes no value ('examples', 'default') that matches it: a masked"
                + " value that does not match it is dead-lettered (keyword 'pattern' and the field's location)";
    }

    /** The members of the node's enum/const, in order (empty: none). */
    List<JsonNode> members() {
        return members;
    }

    /** The step between allowed numbers: multipleOf, else 1. */
    BigDecimal step() {
        return multipleOf == null ? BigDecimal.ONE : multipleOf;
    }

    /** A value fitted to the constraints, or null when none fits. */
    JsonNode fitOrNull(JsonNode output) {
        if (!output.isValueNode() || output.isNull()) {
            return output.isValueNode() && passes(output) ? output : null;
        }
        return fitted(output);
    }

    /** The text cut to maxLength or padded to minLength (code points, as JSON Schema counts). */
    private JsonNode lengths(String text) {
        int length = text.codePointCount(0, text.length());
        if (maxLength != null && length > maxLength) {
            return TextNode.valueOf(text.substring(0, text.offsetByCodePoints(0, maxLength)));
        }
        if (minLength != null && length < minLength) {
            return TextNode.valueOf(text + "*".repeat(minLength - length));
        }
        return null;
    }

    private JsonNode number(JsonNode output) {
        BigDecimal x = output.decimalValue();
        BigDecimal step = multipleOf != null ? multipleOf : output.isIntegralNumber() ? BigDecimal.ONE : null;
        BigDecimal value;
        if (step == null) {
            value = x;
            if (min != null && (x.compareTo(min) < 0 || minExclusive && x.compareTo(min) == 0)) {
                value = minExclusive ? (max != null ? mid(min, max) : min.add(BigDecimal.ONE)) : min;
            } else if (max != null && (x.compareTo(max) > 0 || maxExclusive && x.compareTo(max) == 0)) {
                value = maxExclusive ? (min != null ? mid(min, max) : max.subtract(BigDecimal.ONE)) : max;
            }
        } else {
            BigInteger low = min == null ? SAFE.negate().divide(step, 0, RoundingMode.CEILING).toBigInteger() : steps(min, step, minExclusive, true);
            BigInteger high = max == null ? SAFE.divide(step, 0, RoundingMode.FLOOR).toBigInteger() : steps(max, step, maxExclusive, false);
            if (low.compareTo(high) > 0) {
                return null;
            }
            BigInteger k;
            if (keyed) {
                k = low.add(x.toBigInteger().mod(high.subtract(low).add(BigInteger.ONE)));
            } else {
                k = x.divide(step, 0, RoundingMode.HALF_UP).toBigInteger().max(low).min(high);
            }
            value = step.multiply(new BigDecimal(k));
        }
        if (output.isIntegralNumber() && value.stripTrailingZeros().scale() <= 0) {
            return LongNode.valueOf(value.longValue());
        }
        return DoubleNode.valueOf(value.doubleValue());
    }

    /** The first (or last) multiple of {@code step} inside a bound, as a count of steps. */
    private static BigInteger steps(BigDecimal bound, BigDecimal step, boolean exclusive, boolean lower) {
        BigDecimal[] qr = bound.divideAndRemainder(step);
        BigInteger k = bound.divide(step, 0, lower ? RoundingMode.CEILING : RoundingMode.FLOOR).toBigInteger();
        if (exclusive && qr[1].signum() == 0) {
            k = lower ? k.add(BigInteger.ONE) : k.subtract(BigInteger.ONE);
        }
        return k;
    }

    private static BigDecimal mid(BigDecimal a, BigDecimal b) {
        return a.add(b).divide(BigDecimal.valueOf(2));
    }

    private byte[] digest(String text, int block) {
        Mac m = mac.get();
        m.update(text.getBytes(StandardCharsets.UTF_8));
        m.update(ByteBuffer.allocate(4).putInt(block).array());
        return m.doFinal();
    }

    /** Indexes drawn from the keyed digest of the text, block after block: the same text, the same choices. */
    private IntUnaryOperator chooser(String text) {
        return new IntUnaryOperator() {
            private byte[] block;
            private int at;
            private int blocks;

            @Override
            public int applyAsInt(int bound) {
                if (block == null || at + 4 > block.length) {
                    block = digest(text, blocks++);
                    at = 0;
                }
                int value = ByteBuffer.wrap(block, at, 4).getInt() & Integer.MAX_VALUE;
                at += 4;
                return value % bound;
            }
        };
    }
}
