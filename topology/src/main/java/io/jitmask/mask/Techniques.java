package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Every technique by its policy name, and the type walking they share: a nullable field keeps its nulls, an
 * array or map is masked element by element, a union branch by branch.
 */
public final class Techniques {
    private static final Map<String, Technique> BY_NAME = Map.ofEntries(
            Map.entry("redact", new RedactTechnique()),
            Map.entry("partial", new PartialTechnique()),
            Map.entry("hmac", new HmacTokenTechnique()),
            Map.entry("ff1", new Ff1Technique()),
            Map.entry("email", new EmailTechnique()),
            Map.entry("phone", new PhoneTechnique()),
            Map.entry("generalizeDate", new GeneralizeDateTechnique()),
            Map.entry("shiftDate", new ShiftDateTechnique()),
            Map.entry("bucket", new BucketTechnique()),
            Map.entry("freeText", new FreeTextTechnique()));
    public static final String NULLIFY = "nullify";

    private Techniques() {
    }

    public static java.util.Set<String> names() {
        TreeSet<String> names = new TreeSet<>(BY_NAME.keySet());
        names.add(NULLIFY);
        return names;
    }

    /**
     * Compiles the technique for a field.
     *
     * @param where names the field for error messages, e.g. {@code customers: field 'email'}
     * @throws MaskingConfigException the technique is unknown, misconfigured or does not fit the field's type
     */
    public static FieldMasker compile(TechniqueSpec spec, Schema schema, Keyset keyset, String where) {
        Options options = new Options(spec, where);
        FieldMasker masker;
        if (NULLIFY.equals(spec.type())) {
            if (schema.getType() != Schema.Type.UNION || schema.getTypes().stream().noneMatch(s -> s.getType() == Schema.Type.NULL)) {
                throw new UnsupportedTypeException(options.error("needs a nullable field (a union with null), but the field is "
                        + schema.getType().getName()).getMessage());
            }
            masker = (value, root) -> null;
        } else {
            Technique technique = BY_NAME.get(spec.type());
            if (technique == null) {
                throw new MaskingConfigException(where + ": unknown technique '" + spec.type() + "' (known: " + names() + ")");
            }
            // The keys of a sensitive map are part of its value (a map of e-mail address to consent, say): they are
            // tokenized like the hmac technique does, unless the policy says they are mere structure.
            FieldMasker mapKeys = options.bool("keepMapKeys", false) ? null : mapKeyMasker(keyset);
            masker = walk(schema, leaf -> technique.compile(leaf, options, keyset), mapKeys);
        }
        options.rejectUnknown();
        return masker;
    }

    /** Field types a technique is tried on to check its options without a schema, most common first. */
    private static final List<Schema> PROBES = List.of(
            Schema.create(Schema.Type.STRING),
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            Schema.create(Schema.Type.LONG),
            Schema.create(Schema.Type.INT),
            Schema.create(Schema.Type.DOUBLE),
            org.apache.avro.LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)),
            org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)),
            org.apache.avro.LogicalTypes.decimal(18, 2).addToSchema(Schema.create(Schema.Type.BYTES)),
            Schema.create(Schema.Type.BYTES));

    /**
     * Checks a technique's name and options as far as that is possible without knowing the field: unknown
     * techniques, unknown options and bad option values fail; whether it fits a field's type is checked when a
     * plan is compiled (and by {@code jitmask policy check}).
     *
     * @throws MaskingConfigException the technique or an option is wrong for every field type
     */
    public static void checkOptions(TechniqueSpec spec, Keyset keyset, String where) {
        MaskingConfigException first = null;
        for (Schema probe : PROBES) {
            try {
                compile(spec, probe, keyset, where);
                return;
            } catch (UnsupportedTypeException e) {
                // wrong type for this probe only; another may fit
            } catch (MaskingConfigException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first != null ? first : new MaskingConfigException(where + ": technique '" + spec.type() + "' fits no field type");
    }

    static FieldMasker mapKeyMasker(Keyset keyset) {
        Keyset.Key key = keyset.primary();
        ThreadLocal<javax.crypto.Mac> mac = ThreadLocal.withInitial(() -> key.mac(HmacTokenTechnique.PURPOSE));
        String head = key.id() + ":";
        return (k, root) -> head + HmacTokenTechnique.token(
                mac.get().doFinal(k.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), "base64url", 22);
    }

    /** Applies a leaf compiler through unions, arrays and maps; map keys stay as they are. */
    static FieldMasker walk(Schema schema, java.util.function.Function<Schema, FieldMasker> leaf) {
        return walk(schema, leaf, null);
    }

    /** Applies a leaf compiler through unions, arrays and maps, and {@code mapKeys} (unless null) to map keys. */
    static FieldMasker walk(Schema schema, java.util.function.Function<Schema, FieldMasker> leaf, FieldMasker mapKeys) {
        switch (schema.getType()) {
            case UNION: {
                List<Schema> branches = schema.getTypes();
                List<FieldMasker> maskers = new ArrayList<>(branches.size());
                for (Schema branch : branches) {
                    maskers.add(branch.getType() == Schema.Type.NULL ? (v, r) -> null : walk(branch, leaf, mapKeys));
                }
                return (value, root) -> value == null ? null
                        : maskers.get(GenericData.get().resolveUnion(schema, value)).mask(value, root);
            }
            case ARRAY: {
                FieldMasker element = walk(schema.getElementType(), leaf, mapKeys);
                return (value, root) -> {
                    List<?> in = (List<?>) value;
                    GenericData.Array<Object> out = new GenericData.Array<>(in.size(), schema);
                    for (Object item : in) {
                        out.add(element.mask(item, root));
                    }
                    return out;
                };
            }
            case MAP: {
                FieldMasker values = walk(schema.getValueType(), leaf, mapKeys);
                return (value, root) -> {
                    Map<?, ?> in = (Map<?, ?>) value;
                    Map<Object, Object> out = new java.util.LinkedHashMap<>(in.size() * 2);
                    in.forEach((k, v) -> out.put(mapKeys == null ? k : mapKeys.mask(k, root), values.mask(v, root)));
                    return out;
                };
            }
            default:
                return leaf.apply(schema);
        }
    }
}
