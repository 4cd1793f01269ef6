package io.jitmask.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jitmask.config.ConfigException;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.Techniques;
import org.apache.avro.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads and checks the policy file. Every problem is reported with where it is, before anything starts. */
public final class PolicyLoader {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final Pattern FIELD_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    /** Options are checked by compiling techniques; a throwaway key serves, nothing is masked with it. */
    private static final Keyset PROBE_KEYSET = Keyset.generate();

    private PolicyLoader() {
    }

    public static Policy load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read policy file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return parse(text);
        } catch (ConfigException e) {
            throw new ConfigException("policy " + file + ": " + e.getMessage());
        }
    }

    public static Policy parse(String yaml) {
        Policy policy;
        try {
            policy = YAML.readValue(yaml, Policy.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown setting '" + e.getPropertyName() + "' at " + location(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(e.getOriginalMessage().lines().findFirst().orElse("malformed") + " at " + location(e));
        }
        if (policy == null) {
            throw new ConfigException("is empty");
        }
        validate(policy);
        return policy;
    }

    private static String location(JsonProcessingException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            for (var ref : m.getPath()) {
                path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
        }
        String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        return (path.length() == 0 ? "top level" : path.substring(1)) + line;
    }

    static void validate(Policy policy) {
        if (policy.version() != 1) {
            throw new ConfigException("version must be 1, got " + policy.version());
        }
        for (Map.Entry<String, Policy.TagPolicy> tag : policy.tags().entrySet()) {
            String where = "tags." + tag.getKey();
            if (tag.getValue() == null) {
                throw new ConfigException(where + " is empty");
            }
            checkTechnique(tag.getValue().technique(), where);
            Policy.ApprovalRule rule = tag.getValue().approval();
            if (rule != null) {
                if (rule.approvers() < 1) {
                    throw new ConfigException(where + ".approval.approvers must be at least 1");
                }
                if (rule.roles().isEmpty()) {
                    throw new ConfigException(where + ".approval.roles must name at least one role");
                }
                if (rule.maxDurationSeconds() <= 0) {
                    throw new ConfigException(where + ".approval.maxDurationSeconds must be positive");
                }
                if (rule.maxLookbackSeconds() < 0) {
                    throw new ConfigException(where + ".approval.maxLookbackSeconds must not be negative");
                }
                if (rule.justificationPattern() != null) {
                    try {
                        Pattern.compile(rule.justificationPattern());
                    } catch (PatternSyntaxException e) {
                        throw new ConfigException(where + ".approval.justificationPattern is not a valid regular expression");
                    }
                }
            }
        }
        for (Map.Entry<String, Policy.DatasetPolicy> dataset : policy.datasets().entrySet()) {
            String where = "datasets." + dataset.getKey();
            if (dataset.getValue() == null) {
                continue;
            }
            checkKeyTechnique(dataset.getValue().key(), where + ".key");
            String format = dataset.getValue().format();
            if (format != null && !Policy.DatasetPolicy.PLAIN_JSON.equals(format)) {
                throw new ConfigException(where + ".format is '" + format + "': the only format to declare is '"
                        + Policy.DatasetPolicy.PLAIN_JSON + "' (JSON without a registry); leave it out for records in the "
                        + "Confluent wire format, whose type the registry names");
            }
            for (Map.Entry<String, Policy.FieldRule> field : dataset.getValue().fields().entrySet()) {
                String fieldWhere = where + ".fields." + field.getKey();
                if (!FIELD_PATH.matcher(field.getKey()).matches()) {
                    throw new ConfigException(fieldWhere + " is not a field path (dotted Avro field names, e.g. address.street)");
                }
                if (field.getValue() == null || field.getValue().technique() == null && field.getValue().tags().isEmpty()) {
                    throw new ConfigException(fieldWhere + " needs a technique and/or tags");
                }
                checkTechnique(field.getValue().technique(), fieldWhere);
                checkTags(policy, field.getValue(), fieldWhere);
            }
            checkClassification(policy, dataset.getValue(), where);
        }
        Policy.AutoApprovalPolicy auto = policy.autoApproval();
        if (auto != null && auto.enabled()) {
            if (auto.maxSensitivity() == null || auto.maxDurationSeconds() <= 0) {
                throw new ConfigException("autoApproval needs maxSensitivity and a positive maxDurationSeconds when enabled");
            }
        }
    }

    private static void checkTags(Policy policy, Policy.FieldRule rule, String where) {
        for (String tag : rule.tags()) {
            if (!policy.tags().containsKey(tag)) {
                throw new ConfigException(where + " uses tag '" + tag + "', which is not defined under tags");
            }
        }
    }

    /** Mode, default rule, public paths and declassifications of one dataset. */
    private static void checkClassification(Policy policy, Policy.DatasetPolicy rules, String where) {
        if (rules.defaultDeny()) {
            Policy.FieldRule defaults = rules.defaults();
            if (defaults == null) {
                throw new ConfigException(where + ".default is required with mode defaultDeny (the rule masking every field not listed public)");
            }
            checkTechnique(defaults.technique(), where + ".default");
            checkTags(policy, defaults, where + ".default");
            boolean tagTechnique = defaults.tags().stream().anyMatch(t -> policy.tags().get(t) != null
                    && policy.tags().get(t).technique() != null);
            if (defaults.technique() == null && !tagTechnique) {
                throw new ConfigException(where + ".default needs a technique, or a tag that has one");
            }
        } else {
            if (rules.defaults() != null) {
                throw new ConfigException(where + ".default applies to mode defaultDeny only");
            }
            if (!rules.publicFields().isEmpty()) {
                throw new ConfigException(where + ".public applies to mode defaultDeny only");
            }
        }
        for (String path : rules.publicFields()) {
            if (path == null || !FIELD_PATH.matcher(path).matches()) {
                throw new ConfigException(where + ".public: '" + path + "' is not a field path (dotted Avro field names)");
            }
        }
        java.util.Set<String> declassified = new java.util.HashSet<>();
        for (int i = 0; i < rules.declassified().size(); i++) {
            Policy.Declassification d = rules.declassified().get(i);
            String at = where + ".declassified[" + i + "]";
            if (d == null || d.path() == null || !FIELD_PATH.matcher(d.path()).matches()) {
                throw new ConfigException(at + ".path must be a field path (dotted Avro field names)");
            }
            if (d.by() == null || d.by().isBlank()) {
                throw new ConfigException(at + ".by must name who declassified '" + d.path() + "'");
            }
            if (d.reason() == null || d.reason().isBlank()) {
                throw new ConfigException(at + ".reason must say why '" + d.path() + "' is declassified");
            }
            if (!declassified.add(d.path())) {
                throw new ConfigException(at + ": '" + d.path() + "' is declassified twice");
            }
            if (rules.fields().containsKey(d.path())) {
                throw new ConfigException(at + ": '" + d.path() + "' also has a path rule making it sensitive");
            }
        }
        for (String subject : rules.subjects()) {
            if (subject == null || subject.isBlank()) {
                throw new ConfigException(where + ".subjects must not hold an empty subject");
            }
        }
    }

    private static void checkTechnique(TechniqueSpec technique, String where) {
        if (technique == null) {
            return;
        }
        if (!Techniques.names().contains(technique.type())) {
            throw new ConfigException(where + ".technique: unknown technique '" + technique.type() + "' (known: "
                    + Techniques.names() + ")");
        }
        Techniques.checkOptions(technique, PROBE_KEYSET, where + ".technique");
    }

    /** String record keys are masked as strings: the key technique must fit them. */
    private static void checkKeyTechnique(TechniqueSpec technique, String where) {
        checkTechnique(technique, where);
        if (technique != null) {
            Techniques.compile(technique, Schema.create(Schema.Type.STRING), PROBE_KEYSET, where + ".technique");
        }
    }
}
