package io.jitmask.policy;

import io.jitmask.config.ConfigException;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.mask.Techniques;
import io.jitmask.mask.UncoveredFieldException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Checks a policy against a dataset's schema before anything runs: tags the policy does not define, sensitive
 * fields without a technique, techniques that do not fit the field's type, and path rules naming no field.
 * Reports every problem, not just the first.
 */
public final class PolicyLinter {
    public record Problem(String dataset, String path, String message) {
        @Override
        public String toString() {
            return dataset + ": " + (path.isEmpty() ? "" : "field '" + path + "': ") + message;
        }
    }

    private PolicyLinter() {
    }

    public static List<Problem> lint(Policy policy, String dataset, Schema schema) {
        List<Problem> problems = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        Policy.DatasetPolicy rules = policy.datasets().getOrDefault(dataset, new Policy.DatasetPolicy(null, Map.of()));
        Keyset keyset = Keyset.generate();
        walk(policy, dataset, rules, schema, "", problems, paths, keyset, new HashSet<>());
        for (String path : rules.fields().keySet()) {
            if (!paths.contains(path)) {
                problems.add(new Problem(dataset, path, "path rule names no field of schema " + schema.getFullName()));
            }
        }
        if (rules.key() != null) {
            check(() -> Techniques.compile(rules.key(), Schema.create(Schema.Type.STRING), keyset, dataset + ": record key"),
                    dataset, "", problems);
        }
        if (problems.isEmpty()) {
            // Whatever the checks above do not foresee (a recursive type holding sensitive fields, a malformed tags
            // property), compiling the real plan does: a clean lint means the plan compiles.
            try {
                new PolicyMaskEngine(policy, keyset).valuePlan(dataset, 0, schema, Set.of());
            } catch (UncoveredFieldException | ConfigException e) {
                String message = e.getMessage();
                problems.add(new Problem(dataset, "", message.startsWith(dataset + ": ") ? message.substring(dataset.length() + 2) : message));
            }
        }
        return problems;
    }

    /**
     * What is legal but risky, shown by {@code policy check} without failing it: a dataset in tag-driven mode (its
     * new fields pass in clear unless the producer tags them), and public paths naming no field of the schema.
     */
    public static List<String> warnings(Policy policy, String dataset, Schema schema) {
        List<String> out = new ArrayList<>();
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        if (rules == null || !rules.defaultDeny()) {
            out.add(dataset + ": mode tags: what is sensitive comes from schema tags and path rules, so a field that a"
                    + " new schema version adds untagged passes in clear; use mode defaultDeny with a public list");
        }
        if (rules != null) {
            Set<String> paths = io.jitmask.classify.AvroFields.of(schema).keySet();
            for (String path : rules.publicFields()) {
                if (!paths.contains(path)) {
                    out.add(dataset + ": public path '" + path + "' names no field of schema " + schema.getFullName());
                }
            }
        }
        return out;
    }

    /** The dataset's declassifications, as {@code policy check} lists them: path, who, why. */
    public static List<String> declassifications(Policy policy, String dataset) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        if (rules == null) {
            return List.of();
        }
        return rules.declassified().stream()
                .map(d -> dataset + ": '" + d.path() + "' declassified by " + d.by() + ": " + d.reason()).toList();
    }

    private static void walk(Policy policy, String dataset, Policy.DatasetPolicy rules, Schema schema, String prefix,
                             List<Problem> problems, Set<String> paths, Keyset keyset, Set<String> seen) {
        for (Schema record : PolicyMaskEngine.recordsIn(schema)) {
            if (seen.add(record.getFullName() + "@" + prefix)) {
                walkRecord(policy, dataset, rules, record, prefix, problems, paths, keyset, seen);
            }
        }
    }

    private static void walkRecord(Policy policy, String dataset, Policy.DatasetPolicy rules, Schema record, String prefix,
                                   List<Problem> problems, Set<String> paths, Keyset keyset, Set<String> seen) {
        for (Schema.Field field : record.getFields()) {
            String path = prefix + field.name();
            paths.add(path);
            Set<String> tags = new LinkedHashSet<>();
            if (field.getObjectProp(PolicyMaskEngine.TAGS_PROPERTY) instanceof List<?> declared) {
                declared.forEach(t -> tags.add(String.valueOf(t)));
            }
            Policy.FieldRule rule = rules.fields().get(path);
            if (rule != null) {
                tags.addAll(rule.tags());
            }
            boolean unknownTag = false;
            for (String tag : tags) {
                if (!policy.tags().containsKey(tag)) {
                    problems.add(new Problem(dataset, path, "tag " + tag + " is not defined in the policy"));
                    unknownTag = true;
                }
            }
            TechniqueSpec technique = rule != null && rule.technique() != null ? rule.technique() : null;
            if (technique == null) {
                for (Map.Entry<String, Policy.TagPolicy> tag : policy.tags().entrySet()) {
                    if (tags.contains(tag.getKey()) && tag.getValue().technique() != null) {
                        technique = tag.getValue().technique();
                        break;
                    }
                }
            }
            if (!tags.isEmpty() || rule != null) {
                if (technique == null && unknownTag) {
                    continue;
                } else if (technique == null) {
                    problems.add(new Problem(dataset, path, "sensitive (tags " + tags + ") but no technique covers it"));
                } else {
                    TechniqueSpec chosen = technique;
                    check(() -> Techniques.compile(chosen, field.schema(), keyset, dataset + ": field '" + path + "'"),
                            dataset, path, problems);
                }
            } else {
                walk(policy, dataset, rules, field.schema(), path + ".", problems, paths, keyset, seen);
            }
        }
    }

    private static void check(Runnable compile, String dataset, String path, List<Problem> problems) {
        try {
            compile.run();
        } catch (ConfigException e) {
            String message = e.getMessage();
            int cut = message.indexOf(": technique");
            problems.add(new Problem(dataset, path, cut >= 0 ? message.substring(cut + 2) : message));
        }
    }
}
