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

    public FormatMasking(Policy policy, FieldClassifier classifier, Keyset keyset) {
        this.policy = policy;
        this.json = new JsonMaskPlanner(classifier, keyset);
        this.protobuf = new ProtobufMaskPlanner(classifier, keyset);
    }

    public JsonMaskPlanner json() {
        return json;
    }

    public ProtobufMaskPlanner protobuf() {
        return protobuf;
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
