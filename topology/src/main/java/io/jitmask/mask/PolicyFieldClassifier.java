package io.jitmask.mask;

import io.jitmask.policy.Policy;
import io.jitmask.policy.TechniqueSpec;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The policy's classification, the same rules {@link PolicyMaskEngine} applies to Avro: a field is sensitive when its
 * schema tags it or a dataset path rule names it; its technique is the path rule's, else that of the first of its
 * tags, in policy order, that has one. A tag the policy does not define, or a sensitive field without a technique,
 * fails closed.
 */
public final class PolicyFieldClassifier implements FieldClassifier {
    private final Policy policy;

    public PolicyFieldClassifier(Policy policy) {
        this.policy = policy;
    }

    @Override
    public TechniqueSpec techniqueFor(String dataset, String path, Set<String> schemaTags) {
        Policy.FieldRule rule = rules(dataset).get(path);
        Set<String> tags = new LinkedHashSet<>(schemaTags);
        if (rule != null) {
            tags.addAll(rule.tags());
        }
        if (tags.isEmpty() && (rule == null || rule.technique() == null)) {
            return null;
        }
        String where = dataset + ": field '" + path + "'";
        for (String tag : tags) {
            if (!policy.tags().containsKey(tag)) {
                throw new UncoveredFieldException(where + " is tagged " + tag + ", a tag the policy does not define");
            }
        }
        if (rule != null && rule.technique() != null) {
            return rule.technique();
        }
        for (Map.Entry<String, Policy.TagPolicy> tag : policy.tags().entrySet()) {
            if (tags.contains(tag.getKey()) && tag.getValue().technique() != null) {
                return tag.getValue().technique();
            }
        }
        throw new UncoveredFieldException(where + " is tagged " + tags + " but the policy gives none of these tags a technique");
    }

    @Override
    public boolean hasRulesUnder(String dataset, String prefix) {
        if (prefix.isEmpty()) {
            return !rules(dataset).isEmpty();
        }
        for (String path : rules(dataset).keySet()) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean masksUnknownFields(String dataset) {
        // Tag mode: a field no schema and no path rule names is not sensitive. The default-deny mode of the
        // classification work plugs in here.
        return false;
    }

    private Map<String, Policy.FieldRule> rules(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules == null ? Map.of() : rules.fields();
    }
}
