package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import io.jitmask.policy.Policy;

/**
 * The masking of the formats other than Avro: JSON (JSON Schema or plain) and Protobuf, classified by the same
 * {@link FieldClassifier} and masked by the same techniques as Avro. One per engine; its plans are cached.
 */
public final class FormatMasking {
    private final Policy policy;
    private final JsonMaskPlanner json;
    private final ProtobufMaskPlanner protobuf;
    private final JsonValidation jsonValidation;
    /**
     * Parsed Protobuf writer schemas by id, shared by every task and grant copier of the engine. A compiled plan holds
     * the field descriptors of the descriptor it was compiled for, and a {@code DynamicMessage} refuses the fields of
     * another instance of the same type (IllegalArgumentException): one instance per schema id keeps them the same.
     */
    private final java.util.Map<Integer, Object> protobufSchemas = new java.util.concurrent.ConcurrentHashMap<>();

    public FormatMasking(Policy policy, FieldClassifier classifier, Keyset keyset) {
        this(policy, classifier, keyset, JsonValidation.FULL);
    }

    public FormatMasking(Policy policy, FieldClassifier classifier, Keyset keyset, JsonValidation jsonValidation) {
        this.policy = policy;
        this.jsonValidation = jsonValidation;
        this.json = new JsonMaskPlanner(classifier, keyset);
        this.protobuf = new ProtobufMaskPlanner(classifier, keyset);
    }

    public JsonMaskPlanner json() {
        return json;
    }

    /** How much of a JSON Schema record the masking path validates (config {@code jitmask.formats.json.validation}). */
    public JsonValidation jsonValidation() {
        return jsonValidation;
    }

    public ProtobufMaskPlanner protobuf() {
        return protobuf;
    }

    /** The parsed Protobuf schema with this id, parsed by {@code parse} on first use (a failure is not kept). */
    @SuppressWarnings("unchecked")
    public <T> T protobufSchema(int schemaId, java.util.function.Supplier<T> parse) {
        return (T) protobufSchemas.computeIfAbsent(schemaId, id -> parse.get());
    }

    /** The registry subjects the policy lets the dataset's records use besides {@code raw.<dataset>-value}. */
    public java.util.List<String> subjects(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules == null ? java.util.List.of() : rules.subjects();
    }

    /** A plain JSON dataset's sensitive paths: those its path rules name, with their tags. */
    public java.util.Map<String, java.util.Set<String>> pathRuleFields(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        java.util.Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
        if (rules != null) {
            rules.fields().forEach((path, rule) -> out.put(path, new java.util.LinkedHashSet<>(rule.tags())));
        }
        return out;
    }

    /** Whether the policy declares the dataset's records plain JSON (no framing, no registry). */
    public boolean isPlainJson(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules != null && rules.isPlainJson();
    }
}
