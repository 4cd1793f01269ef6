package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Generated schemas over every Avro type (records nested in arrays, maps and unions; enums, fixed, bytes, every
 * primitive; date, timestamp-millis/micros, decimal, uuid), each sensitive field given a tag whose technique fits
 * its type, and random clear paths. For every one: the masked record validates, masking is deterministic, the
 * clear paths are exactly the fields left as they were, and no sensitive string survives anywhere in the bytes.
 */
class AllTypesMaskingPropertiesTest {
    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              T_REDACT: {technique: {type: redact}}
              T_HMAC: {technique: {type: hmac}}
              T_PARTIAL: {technique: {type: partial, keepFirst: 1, keepLast: 2}}
              T_FF1: {technique: {type: ff1, alphabet: alphanumeric}}
              T_EMAIL: {technique: {type: email}}
              T_PHONE: {technique: {type: phone}}
              T_GENERALIZE: {technique: {type: generalizeDate, to: year}}
              T_SHIFT: {technique: {type: shiftDate, maxDays: 5}}
              T_BUCKET: {technique: {type: bucket, size: 10}}
              T_NULLIFY: {technique: {type: nullify}}
            """);
    static final PolicyMaskEngine ENGINE = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);

    static final Schema STRING = Schema.create(Schema.Type.STRING);
    static final Schema DATE = LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
    static final Schema MILLIS = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    static final Schema MICROS = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    static final Schema DECIMAL = LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES));
    static final Schema UUID = LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));

    /** Which leaf types each tag's technique fits (a union fits when every non-null branch does). */
    static final Map<String, Predicate<Schema>> FITS = new LinkedHashMap<>();

    static {
        FITS.put("T_REDACT", s -> true);
        FITS.put("T_HMAC", s -> s == UUID || s.getLogicalType() == null && Set.of(Schema.Type.STRING, Schema.Type.INT, Schema.Type.LONG,
                Schema.Type.BYTES, Schema.Type.FIXED).contains(s.getType()));
        FITS.put("T_PARTIAL", AllTypesMaskingPropertiesTest::plainString);
        FITS.put("T_FF1", AllTypesMaskingPropertiesTest::plainString);
        FITS.put("T_EMAIL", AllTypesMaskingPropertiesTest::plainString);
        FITS.put("T_PHONE", AllTypesMaskingPropertiesTest::plainString);
        FITS.put("T_GENERALIZE", s -> s == DATE || s == MILLIS || s == MICROS);
        FITS.put("T_SHIFT", s -> s == DATE || s == MILLIS || s == MICROS);
        FITS.put("T_BUCKET", s -> s == DECIMAL || s.getLogicalType() == null
                && Set.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.DOUBLE).contains(s.getType()));
    }

    static boolean plainString(Schema s) {
        return s.getType() == Schema.Type.STRING && s.getLogicalType() == null;
    }

    @Property(tries = 300)
    void everyTypeMasksValidlyDeterministicallyAndCompletely(@ForAll @LongRange(min = 0, max = 10_000_000) long seed) {
        Generator gen = new Generator(new Random(seed), seed);
        Schema schema = gen.record("R", 0);
        GenericRecord record = (GenericRecord) gen.datum(schema);
        Map<String, Set<String>> sensitive = ENGINE.sensitiveFields("gen", schema);
        assertThat(sensitive.keySet()).isEqualTo(gen.tagged.keySet());

        GenericRecord copy = GenericData.get().deepCopy(schema, record);
        MaskPlan plan = ENGINE.valuePlan("gen", (int) seed, schema, Set.of());
        Object masked = plan.apply(record);
        assertThat(GenericData.get().validate(schema, masked)).as("masked record is valid for its schema").isTrue();
        assertThat(plan.apply(record)).as("deterministic").isEqualTo(masked);
        assertThat(record).as("input untouched").isEqualTo(copy);

        String bytes = new String(MaskingPropertiesTest.encode(schema, masked), StandardCharsets.ISO_8859_1);
        for (String path : sensitive.keySet()) {
            for (String original : values(record, path)) {
                assertThat(bytes).as("value of %s survives masking", path)
                        .doesNotContain(new String(original.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
            }
        }

        // A grant's clear paths: exactly those fields come through as they were; the others stay masked.
        List<String> paths = new ArrayList<>(sensitive.keySet());
        Set<String> clear = new HashSet<>();
        paths.forEach(p -> {
            if (gen.random.nextBoolean()) {
                clear.add(p);
            }
        });
        Object partlyClear = ENGINE.valuePlan("gen", (int) seed, schema, clear).apply(record);
        assertThat(GenericData.get().validate(schema, partlyClear)).isTrue();
        for (String path : paths) {
            if (clear.contains(path)) {
                assertThat(at(partlyClear, path)).as("cleared %s", path).containsExactlyInAnyOrderElementsOf(at(record, path));
            } else {
                assertThat(at(partlyClear, path)).as("still masked %s", path).containsExactlyInAnyOrderElementsOf(at(masked, path));
            }
        }
    }

    /** Sensitive string values (6+ characters: shorter ones occur by chance) at a path, through every nesting. */
    static List<String> values(Object datum, String path) {
        List<String> out = new ArrayList<>();
        for (String s : stringsAndMapKeys(at(datum, path))) {
            if (s.length() >= 6) {
                out.add(s);
            }
        }
        return out;
    }

    static List<String> stringsAndMapKeys(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof CharSequence s) {
            out.add(s.toString());
        } else if (value instanceof List<?> list) {
            list.forEach(v -> out.addAll(stringsAndMapKeys(v)));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                out.add(k.toString());
                out.addAll(stringsAndMapKeys(v));
            });
        }
        return out;
    }

    /** Every value at a dotted path, looking through arrays, maps and unions of records. */
    static List<Object> at(Object datum, String path) {
        List<Object> current = List.of(datum);
        for (String part : path.split("\\.")) {
            List<Object> next = new ArrayList<>();
            for (Object value : current) {
                flattenRecords(value, next);
            }
            current = new ArrayList<>();
            for (Object record : next) {
                GenericRecord r = (GenericRecord) record;
                if (r.getSchema().getField(part) != null) {
                    current.add(r.get(part));
                }
            }
        }
        return current;
    }

    static void flattenRecords(Object value, List<Object> out) {
        if (value instanceof GenericRecord r) {
            out.add(r);
        } else if (value instanceof List<?> list) {
            list.forEach(v -> flattenRecords(v, out));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> flattenRecords(v, out));
        }
    }

    /** Random schemas and data from one seed; records which paths it tagged. */
    static final class Generator {
        final Random random;
        final long seed;
        final Map<String, String> tagged = new LinkedHashMap<>();
        private int names;

        Generator(Random random, long seed) {
            this.random = random;
            this.seed = seed;
        }

        Schema record(String prefix, int depth) {
            return record(prefix, depth, "");
        }

        Schema record(String name, int depth, String path) {
            List<Schema.Field> fields = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                String fieldPath = path + "f" + i;
                Schema type = type(depth, fieldPath);
                Schema.Field field = new Schema.Field("f" + i, type);
                if (!containsRecord(type) && random.nextInt(2) == 0) {
                    List<String> fitting = FITS.entrySet().stream().filter(e -> fits(type, e.getValue())).map(Map.Entry::getKey).toList();
                    List<String> choices = new ArrayList<>(fitting);
                    if (type.getType() == Schema.Type.UNION && type.getTypes().get(0).getType() == Schema.Type.NULL) {
                        choices.add("T_NULLIFY");
                    }
                    String tag = choices.get(random.nextInt(choices.size()));
                    field.addProp(PolicyMaskEngine.TAGS_PROPERTY, List.of(tag));
                    tagged.put(fieldPath, tag);
                }
                fields.add(field);
            }
            return Schema.createRecord(name + "_" + (names++), null, "gen", false, fields);
        }

        static boolean containsRecord(Schema type) {
            return !PolicyMaskEngine.recordsIn(type).isEmpty();
        }

        static boolean fits(Schema type, Predicate<Schema> leaf) {
            return switch (type.getType()) {
                case UNION -> type.getTypes().stream().allMatch(t -> t.getType() == Schema.Type.NULL || fits(t, leaf));
                case ARRAY -> fits(type.getElementType(), leaf);
                case MAP -> fits(type.getValueType(), leaf);
                default -> leaf.test(type);
            };
        }

        Schema type(int depth, String path) {
            int pick = random.nextInt(depth < 2 ? 22 : 18);
            return switch (pick) {
                case 0, 1, 2 -> STRING;
                case 3 -> Schema.create(Schema.Type.INT);
                case 4 -> Schema.create(Schema.Type.LONG);
                case 5 -> Schema.create(Schema.Type.DOUBLE);
                case 6 -> Schema.create(Schema.Type.FLOAT);
                case 7 -> Schema.create(Schema.Type.BOOLEAN);
                case 8 -> Schema.create(Schema.Type.BYTES);
                case 9 -> Schema.createFixed("Fx" + (names++), null, "gen", 8);
                case 10 -> Schema.createEnum("En" + (names++), null, "gen", List.of("A", "B", "C"));
                case 11 -> DATE;
                case 12 -> MILLIS;
                case 13 -> MICROS;
                case 14 -> DECIMAL;
                case 15 -> UUID;
                case 16 -> Schema.createUnion(Schema.create(Schema.Type.NULL), leafType());
                case 17 -> random.nextBoolean() ? Schema.createArray(leafType()) : Schema.createMap(leafType());
                case 18 -> record("Rec", depth + 1, path + ".");
                case 19 -> Schema.createUnion(Schema.create(Schema.Type.NULL), record("Opt", depth + 1, path + "."));
                case 20 -> Schema.createArray(record("Item", depth + 1, path + "."));
                default -> Schema.createMap(record("Val", depth + 1, path + "."));
            };
        }

        Schema leafType() {
            return switch (random.nextInt(4)) {
                case 0, 1 -> STRING;
                case 2 -> Schema.create(Schema.Type.INT);
                default -> DATE;
            };
        }

        Object datum(Schema schema) {
            return datum(schema, random);
        }

        Object datum(Schema schema, Random r) {
            if (schema == UUID) {
                return new java.util.UUID(r.nextLong(), r.nextLong()).toString();
            }
            if (schema == DECIMAL) {
                return new Conversions.DecimalConversion().toBytes(new BigDecimal(BigInteger.valueOf(r.nextInt(10_000_000)), 2),
                        DECIMAL, DECIMAL.getLogicalType());
            }
            if (schema == DATE) {
                return r.nextInt(40_000);
            }
            if (schema == MILLIS) {
                return Math.floorMod(r.nextLong(), 4_000_000_000_000L);
            }
            if (schema == MICROS) {
                return Math.floorMod(r.nextLong(), 4_000_000_000_000_000L);
            }
            switch (schema.getType()) {
                case STRING: {
                    StringBuilder s = new StringBuilder();
                    int length = 6 + r.nextInt(20);
                    for (int i = 0; i < length; i++) {
                        s.append((char) ('a' + r.nextInt(26)));
                    }
                    return s.toString();
                }
                case INT:
                    return r.nextInt();
                case LONG:
                    return r.nextLong();
                case DOUBLE:
                    return r.nextDouble() * 1000;
                case FLOAT:
                    return r.nextFloat();
                case BOOLEAN:
                    return r.nextBoolean();
                case BYTES: {
                    byte[] b = new byte[r.nextInt(12)];
                    r.nextBytes(b);
                    return ByteBuffer.wrap(b);
                }
                case FIXED: {
                    byte[] b = new byte[schema.getFixedSize()];
                    r.nextBytes(b);
                    return new GenericData.Fixed(schema, b);
                }
                case ENUM:
                    return new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(r.nextInt(schema.getEnumSymbols().size())));
                case UNION:
                    return r.nextInt(3) == 0 ? null : datum(schema.getTypes().get(1), r);
                case ARRAY: {
                    List<Object> items = new ArrayList<>();
                    for (int i = r.nextInt(3); i > 0; i--) {
                        items.add(datum(schema.getElementType(), r));
                    }
                    return new GenericData.Array<>(schema, items);
                }
                case MAP: {
                    Map<String, Object> map = new HashMap<>();
                    for (int i = r.nextInt(3); i > 0; i--) {
                        map.put("key" + (char) ('a' + r.nextInt(26)) + (char) ('a' + r.nextInt(26)) + (char) ('a' + r.nextInt(26)) + i,
                                datum(schema.getValueType(), r));
                    }
                    return map;
                }
                case RECORD: {
                    GenericRecord record = new GenericData.Record(schema);
                    schema.getFields().forEach(f -> record.put(f.pos(), datum(f.schema(), r)));
                    return record;
                }
                default:
                    throw new IllegalArgumentException(schema.getType().toString());
            }
        }
    }
}
