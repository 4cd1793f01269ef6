package io.jitmask.policy;

import io.jitmask.classify.AvroFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A starting policy entry for a dataset, from one of its schemas, in mode {@code defaultDeny}: every field the
 * schema tags becomes a path rule with those tags (so it stays sensitive whatever later versions declare), every
 * untagged leaf is listed public for the policy owner to confirm, and a default rule masks whatever else a later
 * version adds. The owner reviews it; nothing is published by it.
 */
public final class PolicyTemplate {
    private PolicyTemplate() {
    }

    public static String datasetEntry(String dataset, Schema schema, String defaultTag) {
        Map<String, AvroFields.Field> fields = AvroFields.of(schema);
        List<String> rules = new ArrayList<>();
        List<String> publicPaths = new ArrayList<>();
        for (AvroFields.Field field : fields.values()) {
            boolean tagged = !field.tags().isEmpty();
            boolean underTagged = fields.values().stream().anyMatch(f -> !f.tags().isEmpty() && field.path().startsWith(f.path() + "."));
            boolean parent = fields.keySet().stream().anyMatch(p -> p.startsWith(field.path() + "."));
            if (tagged) {
                rules.add("      " + field.path() + ": {tags: [" + String.join(", ", field.tags()) + "]}");
            } else if (!underTagged && !parent) {
                publicPaths.add(field.path());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("  ").append(dataset).append(":\n");
        out.append("    mode: defaultDeny\n");
        out.append("    # Masks every field not listed public, including fields later schema versions add.\n");
        out.append("    default: {technique: {type: redact}").append(defaultTag == null ? "" : ", tags: [" + defaultTag + "]").append("}\n");
        out.append("    # Untagged in ").append(schema.getFullName()).append(": confirm each is not sensitive, or move it to fields.\n");
        out.append("    public: [").append(String.join(", ", publicPaths)).append("]\n");
        out.append("    fields:").append(rules.isEmpty() ? " {}\n" : "\n" + String.join("\n", rules) + "\n");
        return out.toString();
    }
}
