package io.jitmask.mask;

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
 * The policy's masking, compiled. A field is sensitive when the schema tags it ({@code "confluent:tags"}) or a
 * dataset path rule names it; its technique is the path rule's, else that of the first of its tags, in policy
 * order, that has one. A sensitive field without a technique, or with a tag the policy does not know, makes the
 * whole plan fail to compile (fail closed).
 *
 * <p>Plans are compiled once per (dataset, schema id, clear paths) and cached; applying one walks the record
 * with precompiled maskers and copies only the records on the way to a masked field.
 */
public final class PolicyMaskEngine implements MaskEngine {
    public static final String TAGS_PROPERTY = "confluent:tags";

    private final Policy policy;
    private final Keyset keyset;
    private final Map<PlanKey, MaskPlan> plans = new ConcurrentHashMap<>();
    private final Map<String, FieldMasker> stringKeyMaskers = new ConcurrentHashMap<>();

    private record PlanKey(String dataset, int schemaId, Set<String> clearPaths, boolean key) {
    }

    public PolicyMaskEngine(Policy policy, Keyset keyset) {
        this.policy = policy;
        this.keyset = keyset;
    }

    @Override
    public MaskPlan valuePlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths) {
        return plans.computeIfAbsent(new PlanKey(dataset, schemaId, Set.copyOf(clearPaths), false),
                k -> compile(dataset, schema, k.clearPaths()));
    }

    @Override
    public MaskPlan keyPlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths) {
        return plans.computeIfAbsent(new PlanKey(dataset, schemaId, Set.copyOf(clearPaths), true), k -> {
            TechniqueSpec keyTechnique = datasetPolicy(dataset).key();
            if (schema.getType() != Schema.Type.RECORD) {
                if (keyTechnique == null) {
                    return datum -> datum;
                }
                FieldMasker masker = Techniques.compile(keyTechnique, schema, keyset, dataset + ": record key");
                return datum -> datum == null ? null : masker.mask(datum, null);
            }
            return compile(dataset, schema, k.clearPaths());
        });
    }

    @Override
    public String maskStringKey(String dataset, String key) {
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
        Schema record = recordIn(schema);
        if (record == null || !seen.add(record.getFullName() + "@" + prefix)) {
            return;
        }
        for (Schema.Field field : record.getFields()) {
            String path = prefix + field.name();
            Set<String> tags = tagsOf(dataset, field, path);
            if (!tags.isEmpty() || datasetPolicy(dataset).fields().containsKey(path)) {
                out.put(path, tags);
            } else {
                collect(dataset, field.schema(), path + ".", out, seen);
            }
        }
    }

    private Policy.DatasetPolicy datasetPolicy(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules == null ? new Policy.DatasetPolicy(null, Map.of()) : rules;
    }

    private MaskPlan compile(String dataset, Schema schema, Set<String> clearPaths) {
        if (schema.getType() != Schema.Type.RECORD) {
            return datum -> datum;
        }
        FieldMasker root = recordMasker(dataset, schema, "", clearPaths, new ArrayList<>());
        if (root == null) {
            return datum -> datum;
        }
        return datum -> datum == null ? null : root.mask(datum, (GenericRecord) datum);
    }

    /** A masker for a record schema, or null when nothing inside it needs masking. */
    private FieldMasker recordMasker(String dataset, Schema record, String prefix, Set<String> clearPaths, List<String> stack) {
        if (stack.contains(record.getFullName())) {
            // A recursive schema: the same rules apply at every depth, but compiling them would never end.
            throw new UncoveredFieldException(dataset + ": recursive record type " + record.getFullName()
                    + " at '" + prefix + "' cannot be masked by a compiled plan");
        }
        stack.add(record.getFullName());
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

    private FieldMasker fieldMasker(String dataset, Schema.Field field, String path, Set<String> clearPaths, List<String> stack) {
        if (isClear(path, clearPaths)) {
            return null;
        }
        Set<String> tags = tagsOf(dataset, field, path);
        Policy.FieldRule rule = datasetPolicy(dataset).fields().get(path);
        if (tags.isEmpty() && (rule == null || rule.technique() == null)) {
            if (recordIn(field.schema()) == null) {
                return null;
            }
            boolean[] masks = {false};
            FieldMasker walked = Techniques.walk(field.schema(), leaf -> {
                FieldMasker inner = leaf.getType() == Schema.Type.RECORD
                        ? recordMasker(dataset, leaf, path + ".", clearPaths, stack) : null;
                masks[0] |= inner != null;
                return inner == null ? (v, r) -> v : inner;
            });
            return masks[0] ? walked : null;
        }
        String where = dataset + ": field '" + path + "'";
        for (String tag : tags) {
            if (!policy.tags().containsKey(tag)) {
                throw new UncoveredFieldException(where + " is tagged " + tag + ", a tag the policy does not define");
            }
        }
        TechniqueSpec technique = rule != null && rule.technique() != null ? rule.technique() : techniqueOfTags(tags);
        if (technique == null) {
            throw new UncoveredFieldException(where + " is tagged " + tags + " but the policy gives none of these tags a technique");
        }
        return Techniques.compile(technique, field.schema(), keyset, where);
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
        return tags;
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

    /** The record type a field holds directly, inside a nullable union, or as array/map elements; null if none. */
    static Schema recordIn(Schema schema) {
        switch (schema.getType()) {
            case RECORD:
                return schema;
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    Schema found = recordIn(branch);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            case ARRAY:
                return recordIn(schema.getElementType());
            case MAP:
                return recordIn(schema.getValueType());
            default:
                return null;
        }
    }
}
