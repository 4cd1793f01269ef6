package io.jitmask.mask;

import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.ClassifiedField;
import io.jitmask.policy.Policy;
import io.jitmask.policy.TechniqueSpec;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The policy's classification, the same rules {@link PolicyMaskEngine} applies to Avro: a field is sensitive when its
 * schema tags it, a dataset path rule names it, or the dataset's classification history holds its path (unless the
 * policy declassified it); its technique is the path rule's, else the one the history recorded from a rule, else
 * that of the first of its tags, in policy order, that has one. A tag the policy does not define, or a sensitive
 * field without a technique, fails closed. In {@code defaultDeny} mode every other field that the policy does not
 * list public gets the dataset's default.
 */
public final class PolicyFieldClassifier implements FieldClassifier {
    private final Policy policy;
    private final ClassificationBook book;

    public PolicyFieldClassifier(Policy policy) {
        this(policy, new ClassificationBook());
    }

    public PolicyFieldClassifier(Policy policy, ClassificationBook book) {
        this.policy = policy;
        this.book = book;
    }

    @Override
    public TechniqueSpec techniqueFor(String dataset, String path, Set<String> schemaTags) {
        Policy.DatasetPolicy rules = rules(dataset);
        Policy.FieldRule rule = rules.fields().get(path);
        ClassifiedField history = book.field(dataset, path);
        if (history != null && rules.declassification(path) != null) {
            history = null;
        }
        Set<String> tags = new LinkedHashSet<>(schemaTags);
        if (rule != null) {
            tags.addAll(rule.tags());
        }
        if (history != null) {
            tags.addAll(history.tags());
        }
        if (tags.isEmpty() && (rule == null || rule.technique() == null) && (history == null || history.technique() == null)) {
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
        if (history != null && history.technique() != null) {
            return history.technique();
        }
        TechniqueSpec byTags = techniqueOfTags(tags);
        if (byTags == null) {
            throw new UncoveredFieldException(where + " is tagged " + tags + " but the policy gives none of these tags a technique");
        }
        return byTags;
    }

    @Override
    public TechniqueSpec defaultFor(String dataset, String path) {
        Policy.DatasetPolicy rules = rules(dataset);
        if (!rules.defaultDeny() || rules.isPublic(path)) {
            return null;
        }
        TechniqueSpec technique = rules.defaults() == null ? null : rules.defaults().technique() != null
                ? rules.defaults().technique() : techniqueOfTags(new LinkedHashSet<>(rules.defaults().tags()));
        if (technique == null) {
            throw new UncoveredFieldException(dataset + ": field '" + path + "' is masked by default (defaultDeny) but the "
                    + "dataset's default rule gives no technique");
        }
        return technique;
    }

    @Override
    public boolean hasRulesUnder(String dataset, String prefix) {
        for (String path : rules(dataset).fields().keySet()) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        for (String path : book.fields(dataset).keySet()) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long generation() {
        return book.generation();
    }

    @Override
    public boolean masksUnknownFields(String dataset) {
        return rules(dataset).defaultDeny();
    }

    private TechniqueSpec techniqueOfTags(Set<String> tags) {
        for (Map.Entry<String, Policy.TagPolicy> tag : policy.tags().entrySet()) {
            if (tags.contains(tag.getKey()) && tag.getValue().technique() != null) {
                return tag.getValue().technique();
            }
        }
        return null;
    }

    private Policy.DatasetPolicy rules(String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        return rules == null ? new Policy.DatasetPolicy(null, Map.of()) : rules;
    }
}
