package io.jitmask.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Confluent's normalised Avro text ({@code AvroSchemaUtils.toNormalizedString}, behind {@code normalize=true}):
 * Avro's Parsing Canonical Form extended with what Confluent keeps — logical types, doc, aliases (sorted), field
 * order and defaults, enum defaults and every custom property (sorted by name, values with sorted keys). Named types
 * that references define are written by name only. Two schemas that differ only in attribute order, whitespace or
 * the way a name is qualified normalise to the same text.
 */
final class AvroNormalizer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroNormalizer() {
    }

    /** @param referencedNames full names of the named types the schema's references define */
    static String normalize(Schema schema, Set<String> referencedNames) {
        Map<String, String> env = new TreeMap<>();
        referencedNames.forEach(n -> env.put(n, "\"" + n + "\""));
        StringBuilder out = new StringBuilder();
        build(env, schema, out);
        return out.toString();
    }

    private static void build(Map<String, String> env, Schema s, StringBuilder o) {
        Schema.Type st = s.getType();
        LogicalType lt = s.getLogicalType();
        switch (st) {
            case UNION -> {
                o.append('[');
                boolean first = true;
                for (Schema b : s.getTypes()) {
                    if (!first) {
                        o.append(',');
                    }
                    first = false;
                    build(env, b, o);
                }
                o.append(']');
            }
            case ARRAY, MAP -> {
                o.append("{\"type\":\"").append(st.getName()).append('"');
                if (st == Schema.Type.ARRAY) {
                    build(env, s.getElementType(), o.append(",\"items\":"));
                } else {
                    build(env, s.getValueType(), o.append(",\"values\":"));
                }
                logicalProps(o, lt);
                simpleProps(o, s.getObjectProps());
                o.append('}');
            }
            case ENUM, FIXED, RECORD -> {
                String name = s.getFullName();
                if (env.get(name) != null) {
                    o.append(env.get(name));
                    return;
                }
                String qname = "\"" + name + "\"";
                env.put(name, qname);
                o.append("{\"name\":").append(qname).append(",\"type\":\"").append(st.getName()).append('"');
                if (st == Schema.Type.ENUM) {
                    o.append(",\"symbols\":[");
                    boolean first = true;
                    for (String symbol : s.getEnumSymbols()) {
                        if (!first) {
                            o.append(',');
                        }
                        first = false;
                        o.append('"').append(symbol).append('"');
                    }
                    o.append(']');
                } else if (st == Schema.Type.FIXED) {
                    o.append(",\"size\":").append(s.getFixedSize());
                } else {
                    o.append(",\"fields\":[");
                    boolean first = true;
                    for (Schema.Field f : s.getFields()) {
                        if (!first) {
                            o.append(',');
                        }
                        first = false;
                        o.append("{\"name\":\"").append(f.name()).append('"');
                        build(env, f.schema(), o.append(",\"type\":"));
                        fieldProps(o, f);
                        o.append('}');
                    }
                    o.append(']');
                }
                logicalProps(o, lt);
                if (s.getDoc() != null && !s.getDoc().isEmpty()) {
                    o.append(",\"doc\":").append(json(s.getDoc()));
                }
                if (!s.getAliases().isEmpty()) {
                    o.append(",\"aliases\":").append(json(new TreeSet<>(s.getAliases())));
                }
                if (st == Schema.Type.ENUM && s.getEnumDefault() != null) {
                    o.append(",\"default\":").append(json(s.getEnumDefault()));
                }
                simpleProps(o, s.getObjectProps());
                o.append('}');
            }
            default -> {
                if (lt != null) {
                    o.append("{\"type\":\"").append(st.getName()).append('"');
                    logicalProps(o, lt);
                    simpleProps(o, s.getObjectProps());
                    o.append('}');
                } else if (s.hasProps()) {
                    o.append("{\"type\":\"").append(st.getName()).append('"');
                    simpleProps(o, s.getObjectProps());
                    o.append('}');
                } else {
                    o.append('"').append(st.getName()).append('"');
                }
            }
        }
    }

    private static void logicalProps(StringBuilder o, LogicalType lt) {
        if (lt == null) {
            return;
        }
        o.append(",\"").append(LogicalType.LOGICAL_TYPE_PROP).append("\":\"").append(lt.getName()).append('"');
        if (lt instanceof LogicalTypes.Decimal d) {
            o.append(",\"precision\":").append(d.getPrecision());
            if (d.getScale() != 0) {
                o.append(",\"scale\":").append(d.getScale());
            }
        }
    }

    private static void simpleProps(StringBuilder o, Map<String, Object> props) {
        new TreeMap<>(props).forEach((k, v) -> o.append(",\"").append(k).append("\":").append(json(v)));
    }

    private static void fieldProps(StringBuilder o, Schema.Field f) {
        if (f.order() != null) {
            o.append(",\"order\":\"").append(f.order()).append('"');
        }
        if (f.doc() != null) {
            o.append(",\"doc\":").append(json(f.doc()));
        }
        if (!f.aliases().isEmpty()) {
            o.append(",\"aliases\":").append(json(new TreeSet<>(f.aliases())));
        }
        if (f.hasDefaultValue()) {
            o.append(",\"default\":").append(json(f.defaultVal()));
        }
        simpleProps(o, f.getObjectProps());
    }

    /** An Avro datum (a default or a property value) as compact JSON, object keys sorted. */
    static String json(Object datum) {
        return node(datum).toString();
    }

    private static JsonNode node(Object datum) {
        if (datum == null || datum == JsonProperties.NULL_VALUE) {
            return NODES.nullNode();
        }
        if (datum instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            new TreeMap<String, Object>(stringKeys(map)).forEach((k, v) -> out.set(k, node(v)));
            return out;
        }
        if (datum instanceof Collection<?> list) {
            ArrayNode out = NODES.arrayNode();
            list.forEach(x -> out.add(node(x)));
            return out;
        }
        if (datum instanceof byte[] bytes) {
            return NODES.textNode(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        if (datum instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return NODES.textNode(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        if (datum instanceof CharSequence || datum instanceof Enum<?>) {
            return NODES.textNode(datum.toString());
        }
        if (datum instanceof JsonNode n) {
            return n;
        }
        if (datum instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (datum instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (datum instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (datum instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (datum instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (datum instanceof BigInteger b) {
            return NODES.numberNode(b);
        }
        if (datum instanceof BigDecimal b) {
            return NODES.numberNode(b);
        }
        return NODES.textNode(datum.toString());
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
