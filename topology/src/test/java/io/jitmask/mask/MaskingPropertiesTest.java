package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Properties that must hold for every schema and record: the masked record is valid for its schema, no original
 * value of a sensitive string field survives in the masked record, and masking is deterministic.
 */
class MaskingPropertiesTest {
    static final Policy POLICY = PolicyLoader.load(Path.of("../deploy/policy.yaml"));
    static final PolicyMaskEngine ENGINE = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);
    static final List<String> TAGS = List.of("PII", "PCI", "PHI", "EMAIL", "PHONE", "NATIONAL_ID", "MRN", "FREE_TEXT", "PAN");

    @Property(tries = 200)
    void sampleDatasetsMaskCompletely(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                      @ForAll @IntRange(min = 0, max = 2) int which) {
        String dataset = SampleSchemas.DATASETS.get(which);
        Schema schema = SampleSchemas.of(dataset);
        GenericRecord record = new SampleRecords(seed).next(dataset);
        checkProperties(dataset, schema, record);
    }

    @Property(tries = 200)
    void generatedSchemasMaskCompletely(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random random = new Random(seed);
        Schema schema = randomRecordSchema(random, "R" + seed, 0);
        GenericRecord record = (GenericRecord) randomDatum(random, schema);
        checkProperties("generated", schema, record);
    }

    static void checkProperties(String dataset, Schema schema, GenericRecord record) {
        MaskPlan plan = ENGINE.valuePlan(dataset, schema.hashCode(), schema, Set.of());
        Object masked = plan.apply(record);
        assertThat(GenericData.get().validate(schema, masked)).as("masked record is valid for its schema").isTrue();
        assertThat(plan.apply(record)).as("deterministic").isEqualTo(masked);
        String maskedBytes = new String(encode(schema, masked), java.nio.charset.StandardCharsets.ISO_8859_1);
        Map<String, Set<String>> sensitive = ENGINE.sensitiveFields(dataset, schema);
        List<String> clearElsewhere = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!sensitive.containsKey(field.name()) && sensitive.keySet().stream().noneMatch(p -> p.startsWith(field.name() + "."))) {
                clearElsewhere.addAll(strings(record.get(field.name())));
            }
        }
        for (Map.Entry<String, Set<String>> field : sensitive.entrySet()) {
            for (String original : strings(valueAt(record, field.getKey()))) {
                if (original.length() >= 6 && clearElsewhere.stream().noneMatch(v -> v.contains(original))) {
                    assertThat(maskedBytes).as("value of %s must appear nowhere in the masked record's bytes", field.getKey())
                            .doesNotContain(new String(original.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    static Object valueAt(Object datum, String path) {
        Object current = datum;
        for (String part : path.split("\\.")) {
            if (current instanceof GenericRecord r) {
                current = r.get(part);
            } else {
                return null;
            }
        }
        return current;
    }

    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof CharSequence s) {
            out.add(s.toString());
        } else if (value instanceof List<?> list) {
            list.forEach(v -> out.addAll(strings(v)));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> out.addAll(strings(v)));
        } else if (value instanceof GenericRecord r) {
            r.getSchema().getFields().forEach(f -> out.addAll(strings(r.get(f.pos()))));
        }
        return out;
    }

    static Schema randomRecordSchema(Random random, String name, int depth) {
        List<Schema.Field> fields = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            Schema type = randomType(random, name + "_" + i, depth);
            Schema.Field field = new Schema.Field("f" + i, type);
            if (random.nextInt(3) == 0 && fitsTechniques(type)) {
                field.addProp("confluent:tags", List.of(TAGS.get(random.nextInt(TAGS.size()))));
            }
            fields.add(field);
        }
        return Schema.createRecord(name, null, "gen", false, fields);
    }

    /** The shipped policy's techniques are for strings (hmac, partial, redact): tag only string-shaped fields. */
    static boolean fitsTechniques(Schema type) {
        return switch (type.getType()) {
            case STRING -> true;
            case UNION -> type.getTypes().stream().allMatch(t -> t.getType() == Schema.Type.NULL || fitsTechniques(t));
            case ARRAY -> fitsTechniques(type.getElementType());
            case MAP -> fitsTechniques(type.getValueType());
            default -> false;
        };
    }

    static Schema randomType(Random random, String name, int depth) {
        int pick = random.nextInt(depth < 2 ? 8 : 6);
        return switch (pick) {
            case 0, 1 -> Schema.create(Schema.Type.STRING);
            case 2 -> Schema.create(Schema.Type.INT);
            case 3 -> Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
            case 4 -> Schema.createArray(Schema.create(Schema.Type.STRING));
            case 5 -> Schema.createMap(Schema.create(Schema.Type.STRING));
            default -> randomRecordSchema(random, name, depth + 1);
        };
    }

    static Object randomDatum(Random random, Schema schema) {
        switch (schema.getType()) {
            case STRING: {
                StringBuilder s = new StringBuilder();
                int length = 6 + random.nextInt(20);
                for (int i = 0; i < length; i++) {
                    s.append((char) ('a' + random.nextInt(26)));
                }
                return s.toString();
            }
            case INT:
                return random.nextInt();
            case UNION:
                return random.nextBoolean() ? null : randomDatum(random, schema.getTypes().get(1));
            case ARRAY: {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    items.add(randomDatum(random, schema.getElementType()));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                Map<String, Object> map = new java.util.HashMap<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put("k" + i, randomDatum(random, schema.getValueType()));
                }
                return map;
            }
            case RECORD: {
                GenericRecord record = new GenericData.Record(schema);
                schema.getFields().forEach(f -> record.put(f.pos(), randomDatum(random, f.schema())));
                return record;
            }
            default:
                throw new IllegalArgumentException(schema.getType().toString());
        }
    }

    static byte[] encode(Schema schema, Object datum) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<Object>(schema).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
