package io.jitmask.mask;

import io.jitmask.classify.AvroFields;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.ClassifiedField;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.Policy;
import io.jitmask.policy.TechniqueSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The policy's masking, compiled. A field is sensitive when the schema tags it ({@code "confluent:tags"}), a
 * dataset path rule names it, the dataset's classification history holds its path ({@link ClassificationBook}:
 * it was sensitive in some version, and the policy has not declassified it), or the dataset is in
 * {@code defaultDeny} mode and the policy does not list it public. Its technique is the path rule's, else the one
 * the history recorded from a rule, else that of the first of its tags, in policy order, that has one, else (in
 * {@code defaultDeny} mode) the dataset's default. A sensitive field without a technique, or with a tag the
 * policy does not know, makes the whole plan fail to compile (fail closed).
 *
 * <p>Plans are compiled once per (dataset, schema id, clear paths) and cached; applying one walks the record
 * with precompiled maskers and copies only the records on the way to a masked field.
 */
public final class PolicyMaskEngine implements MaskEngine {
    public static final String TAGS_PROPERTY = AvroFields.TAGS_PROPERTY;

    private final Policy policy;
    private final Keyset keyset;
    private final ClassificationBook book;
    private final Map<PlanKey, MaskPlan> plans = new ConcurrentHashMap<>();
    private final Map<String, FieldMasker> stringKeyMaskers = new ConcurrentHashMap<>();

    /** {@code generation}: the classification the plan was compiled under; a grown classification needs new plans. */
    private record PlanKey(String dataset, int schemaId, Set<String> clearPaths, boolean key, long generation) {
    }

    private final FormatMasking formats;

    public PolicyMaskEngine(Policy policy, Keyset keyset) {
        this(policy, keyset, new ClassificationBook());
    }

    public PolicyMaskEngine(Policy policy, Keyset keyset, ClassificationBook book) {
        this(policy, keyset, book, JsonValidation.FULL);
    }

    public PolicyMaskEngine(Policy policy, Keyset keyset, ClassificationBook book, JsonValidation jsonValidation) {
        this.policy = policy;
        this.keyset = keyset;
        this.book = book;
        this.formats = new FormatMasking(policy, new PolicyFieldClassifier(policy, book), keyset, jsonValidation);
    }

    public Policy policy() {
        return policy;
    }

    public ClassificationBook book() {
        return book;
    }

    @Override
    public FormatMasking formats() {
        return formats;
    }

    @Override
    public MaskPlan valuePlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths) {
        return cached(new PlanKey(dataset, schemaId, Set.copyOf(clearPaths), false, book.generation()), k -> compile(dataset, schema, k.clearPaths()));
    }

    @Override
    public MaskPlan keyPlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths) {
        return cached(new PlanKey(dataset, schemaId, Set.copyOf(clearPaths), true, book.generation()), k -> {
            TechniqueSpec keyTechnique = datasetPolicy(dataset).key();
            if (keyTechnique != null && schema.getType() != Schema.Type.RECORD) {
                FieldMasker masker = Techniques.compile(keyTechnique, schema, keyset, dataset + ": record key");
                return datum -> datum == null ? null : masker.mask(datum, null);
            }
            return compile(dataset, schema, k.clearPaths());
        });
    }

    /**
     * A schema that cannot be masked fails the same way for every record written with it (the policy does not
     * change under a running engine), so the failure is cached too: a flood of such records costs a map lookup
     * each, not a compilation.
     */
    private MaskPlan cached(PlanKey key, java.util.function.Function<PlanKey, MaskPlan> compiler) {
        MaskPlan plan = plans.computeIfAbsent(key, k -> {
            try {
                return compiler.apply(k);
            } catch (UncoveredFieldException | MaskingConfigException e) {
                return new FailedPlan(e);
            }
        });
        if (plan instanceof FailedPlan failed) {
            throw failed.failure();
        }
        return plan;
    }

    /** A plan that could not be compiled; never handed out, only its failure (a fresh copy per call). */
    private record FailedPlan(RuntimeException cause) implements MaskPlan {
        RuntimeException failure() {
            return cause instanceof UncoveredFieldException
                    ? new UncoveredFieldException(cause.getMessage()) : new MaskingConfigException(cause.getMessage());
        }

        @Override
        public Object apply(Object datum) {
            throw failure();
        }
    }

    @Override
    public String maskStringKey(String dataset, String key) {
        if (key == null) {
            return null;
        }
        FieldMasker masker = stringKeyMaskers.computeIfAbsent(dataset, d -> {
            TechniqueSpec technique = datasetPolicy(d).key();
            return technique == null ? (v, r) -> v
                    : Techniques.compile(technique, Schema.create(Schema.Type.STRING), keyset, d + ": record key");
        });
        return masker.mask(key, null).toString();
    }

    @Override
    public Map<String, Set<String>> sensitiveFields(String dataset, Schema schema) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        collect(dataset, schema, "", out, new java.util.HashSet<>());
        return out;
    }

    private void collect(String dataset, Schema schema, String prefix, Map<String, Set<String>> out, Set<String> seen) {
        for (Schema record : recordsIn(schema)) {
            if (!seen.add(record.getFullName() + "@" + prefix)) {
                continue;
            }
            for (Schema.Field field : record.getFields()) {
                String path = prefix + field.name();
                Set<String> tags = tagsOf(dataset, field, path);
                Policy.DatasetPolicy rules = datasetPolicy(dataset);
                if (tags.isEmpty() && deniedByDefault(rules, path, field.schema())) {
                    // Masked by the dataset's default: requestable under the default rule's tags.
                    tags.addAll(rules.defaults().tags());
                }
                if (!tags.isEmpty() || rules.fields().containsKey(path) || book.field(dataset, path) != null
                        || deniedByDefault(rules, path, field.schema())) {
                    out.merge(path, tags, (a, b) -> {
                        Set<String> both = new LinkedHashSet<>(a);
                        both.addAll(b);
                        return both;
                    });
                } else {
                    collect(dataset, field.schema(), path + ".", out, seen);
                }
            }
        }
    }

    /** A default-deny dataset's field that no tag, rule or history covers and that is not public: a leaf gets the default. */
    private static boolean deniedByDefault(Policy.DatasetPolicy rules, String path, Schema schema) {
        return rules.defaultDeny() && !rules.isPublic(path) && AvroFields.recordsIn(schema).isEmpty();
    }

    private Policy.DatasetPolicy datasetPolicy(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules == null ? new Policy.DatasetPolicy(null, Map.of()) : rules;
    }

    private MaskPlan compile(String dataset, Schema schema, Set<String> clearPaths) {
        // Not only records: a top-level union of record types (or an array of records) is walked the same way,
        // so a tagged field inside one of them is never passed through unmasked.
        FieldMasker root = nestedMasker(dataset, schema, "", clearPaths, new ArrayList<>());
        if (root == null) {
            return datum -> datum;
        }
        return datum -> datum == null ? null : root.mask(datum, datum instanceof GenericRecord r ? r : null);
    }

    /** A masker for the records a schema holds (directly, in unions, arrays or maps); null when none needs masking. */
    private FieldMasker nestedMasker(String dataset, Schema schema, String prefix, Set<String> clearPaths, List<Schema> stack) {
        if (recordsIn(schema).isEmpty()) {
            return null;
        }
        boolean[] masks = {false};
        FieldMasker walked = Techniques.walk(schema, leaf -> {
            FieldMasker inner = leaf.getType() == Schema.Type.RECORD ? recordMasker(dataset, leaf, prefix, clearPaths, stack) : null;
            masks[0] |= inner != null;
            return inner == null ? (v, r) -> v : inner;
        });
        return masks[0] ? walked : null;
    }

    /** A masker for a record schema, or null when nothing inside it needs masking. */
    private FieldMasker recordMasker(String dataset, Schema record, String prefix, Set<String> clearPaths, List<Schema> stack) {
        if (stack.stream().anyMatch(s -> s.getFullName().equals(record.getFullName()))) {
            // A recursive schema: compiling it would never end. That is harmless when nothing below can be sensitive
            // (no tag anywhere in the type, no path rule down there); otherwise fail closed.
            Policy.DatasetPolicy rules = datasetPolicy(dataset);
            if (!hasTags(record, new java.util.HashSet<>()) && rules.fields().keySet().stream().noneMatch(p -> p.startsWith(prefix))
                    && book.fields(dataset).keySet().stream().noneMatch(p -> p.startsWith(prefix))
                    && (!rules.defaultDeny() || !prefix.isEmpty() && rules.isPublic(prefix.substring(0, prefix.length() - 1)))) {
                return null;
            }
            throw new UncoveredFieldException(dataset + ": recursive record type " + record.getFullName()
                    + " at '" + prefix + "' holds sensitive fields and cannot be masked by a compiled plan");
        }
        stack.add(record);
        List<Schema.Field> fields = record.getFields();
        FieldMasker[] maskers = new FieldMasker[fields.size()];
        boolean any = false;
        for (Schema.Field field : fields) {
            String path = prefix + field.name();
            FieldMasker masker = fieldMasker(dataset, field, path, clearPaths, stack);
            maskers[field.pos()] = masker;
            any |= masker != null;
        }
        stack.remove(stack.size() - 1);
        if (!any) {
            return null;
        }
        return (value, root) -> {
            GenericRecord in = (GenericRecord) value;
            GenericData.Record out = new GenericData.Record(record);
            for (int i = 0; i < maskers.length; i++) {
                Object v = in.get(i);
                out.put(i, maskers[i] == null ? v : maskers[i].mask(v, root));
            }
            return out;
        };
    }

    private FieldMasker fieldMasker(String dataset, Schema.Field field, String path, Set<String> clearPaths, List<Schema> stack) {
        if (isClear(path, clearPaths)) {
            return null;
        }
        Set<String> tags = tagsOf(dataset, field, path);
        Policy.DatasetPolicy rules = datasetPolicy(dataset);
        Policy.FieldRule rule = rules.fields().get(path);
        ClassifiedField history = history(dataset, path);
        String where = dataset + ": field '" + path + "'";
        if (tags.isEmpty() && (rule == null || rule.technique() == null) && (history == null || history.technique() == null)) {
            if (!rules.defaultDeny() || rules.isPublic(path)) {
                return nestedMasker(dataset, field.schema(), path + ".", clearPaths, stack);
            }
            if (!AvroFields.recordsIn(field.schema()).isEmpty()) {
                if (mixesRecordsAndValues(field.schema())) {
                    throw new UncoveredFieldException(where + " holds records and plain values side by side (a union or"
                            + " container of both): list it public or give it a path rule");
                }
                return nestedMasker(dataset, field.schema(), path + ".", clearPaths, stack);
            }
            TechniqueSpec byDefault = rules.defaults().technique() != null ? rules.defaults().technique()
                    : techniqueOfTags(new LinkedHashSet<>(rules.defaults().tags()));
            checkEntityField(byDefault, stack.get(0), where);
            return Techniques.compile(byDefault, field.schema(), keyset, where);
        }
        for (String tag : tags) {
            if (!policy.tags().containsKey(tag)) {
                throw new UncoveredFieldException(where + " is tagged " + tag + ", a tag the policy does not define");
            }
        }
        TechniqueSpec technique = rule != null && rule.technique() != null ? rule.technique()
                : history != null && history.technique() != null ? history.technique() : techniqueOfTags(tags);
        if (technique == null) {
            throw new UncoveredFieldException(where + " is tagged " + tags + " but the policy gives none of these tags a technique");
        }
        checkEntityField(technique, stack.get(0), where);
        return Techniques.compile(technique, field.schema(), keyset, where);
    }

    /** A date shift per entity reads the entity from the top-level record: that field must exist there. */
    private static void checkEntityField(TechniqueSpec technique, Schema root, String where) {
        if ("shiftDate".equals(technique.type()) && technique.options().get("entityField") instanceof String entity
                && root.getField(entity) == null) {
            throw new MaskingConfigException(where + ": technique 'shiftDate' option 'entityField' names '" + entity
                    + "', which is not a top-level field of " + root.getFullName());
        }
    }

    private TechniqueSpec techniqueOfTags(Set<String> tags) {
        for (Map.Entry<String, Policy.TagPolicy> tag : policy.tags().entrySet()) {
            if (tags.contains(tag.getKey()) && tag.getValue().technique() != null) {
                return tag.getValue().technique();
            }
        }
        return null;
    }

    /** Tags from the schema's field property plus the dataset's path rule. */
    private Set<String> tagsOf(String dataset, Schema.Field field, String path) {
        Set<String> tags = new LinkedHashSet<>();
        Object declared = field.getObjectProp(TAGS_PROPERTY);
        if (declared instanceof List<?> list) {
            list.forEach(t -> tags.add(String.valueOf(t)));
        } else if (declared != null) {
            throw new UncoveredFieldException(dataset + ": field '" + path + "' has a " + TAGS_PROPERTY
                    + " property that is not a list of tags");
        }
        Policy.FieldRule rule = datasetPolicy(dataset).fields().get(path);
        if (rule != null) {
            tags.addAll(rule.tags());
        }
        ClassifiedField history = history(dataset, path);
        if (history != null) {
            tags.addAll(history.tags());
        }
        return tags;
    }

    /** What the dataset's history holds for a path, unless the policy declassified it. */
    private ClassifiedField history(String dataset, String path) {
        ClassifiedField field = book.field(dataset, path);
        return field == null || datasetPolicy(dataset).declassification(path) != null ? null : field;
    }

    /** Whether walking a field's records would leave plain values (a union branch, array or map elements) unvisited. */
    private static boolean mixesRecordsAndValues(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, NULL -> false;
            case UNION -> schema.getTypes().stream().anyMatch(PolicyMaskEngine::mixesRecordsAndValues);
            case ARRAY -> mixesRecordsAndValues(schema.getElementType());
            // Map keys are values too, and walking the records would pass them in clear.
            default -> true;
        };
    }

    static boolean isClear(String path, Set<String> clearPaths) {
        if (clearPaths.isEmpty()) {
            return false;
        }
        for (String clear : clearPaths) {
            if (path.equals(clear) || path.startsWith(clear + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The record types a schema holds directly, as union branches, or as array/map elements, in schema order. */
    public static List<Schema> recordsIn(Schema schema) {
        return AvroFields.recordsIn(schema);
    }

    /** Whether a record type, or any type reachable from it, has a tagged field. */
    static boolean hasTags(Schema record, Set<String> seen) {
        if (!seen.add(record.getFullName())) {
            return false;
        }
        for (Schema.Field field : record.getFields()) {
            if (field.getObjectProp(TAGS_PROPERTY) != null) {
                return true;
            }
            for (Schema inner : recordsIn(field.schema())) {
                if (hasTags(inner, seen)) {
                    return true;
                }
            }
        }
        return false;
    }
}
