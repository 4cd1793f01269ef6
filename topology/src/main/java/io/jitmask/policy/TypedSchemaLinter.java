package io.jitmask.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors;
import io.jitmask.config.ConfigException;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.FormatMasking;
import io.jitmask.mask.JsonSchemaDocument;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.mask.UncoveredFieldException;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.ProtobufParsedSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PolicyLinter}'s checks for a JSON Schema or a {@code .proto} file: tags the schema declares that the policy
 * does not define (all of them), then path rules naming no field and what compiling the real mask plan finds first (a
 * sensitive field without a technique, a technique that does not fit the field's type, a recursive type holding
 * sensitive fields).
 * The plan is the masking path's own ({@link FormatMasking}), so a clean check means records of the schema mask.
 */
public final class TypedSchemaLinter {
    private TypedSchemaLinter() {
    }

    /** Checks the first message type of the file, the one a record with message index [0] holds. */
    public static List<PolicyLinter.Problem> lint(Policy policy, String dataset, ProtobufParsedSchema schema) {
        List<PolicyLinter.Problem> problems = new ArrayList<>();
        undefinedTags(policy, dataset, schema.inlineTags(), problems);
        if (schema.fileDescriptor().getMessageTypes().isEmpty()) {
            problems.add(new PolicyLinter.Problem(dataset, "", "the .proto file declares no message"));
            return problems;
        }
        Descriptors.Descriptor type = schema.fileDescriptor().getMessageTypes().get(0);
        FormatMasking formats = new PolicyMaskEngine(policy, Keyset.generate()).formats();
        if (problems.isEmpty() && compiles(() -> formats.protobuf().plan(dataset, 0, type, schema.inlineTags(), Set.of()), dataset, problems)) {
            unknownRulePaths(policy, dataset, formats.protobuf().sensitiveFields(dataset, type, schema.inlineTags()),
                    "message " + type.getFullName(), problems);
        }
        return problems;
    }

    public static List<PolicyLinter.Problem> lint(Policy policy, String dataset, JsonParsedSchema schema) {
        List<PolicyLinter.Problem> problems = new ArrayList<>();
        Map<String, Set<String>> tags = new LinkedHashMap<>();
        declaredTags(schema.jsonNode(), "#", tags);
        undefinedTags(policy, dataset, tags, problems);
        JsonSchemaDocument document = new JsonSchemaDocument(schema.jsonNode(), Map.of());
        FormatMasking formats = new PolicyMaskEngine(policy, Keyset.generate()).formats();
        if (problems.isEmpty() && compiles(() -> formats.json().plan(dataset, 0, document, Set.of()), dataset, problems)) {
            unknownRulePaths(policy, dataset, formats.json().sensitiveFields(dataset, document), "the JSON Schema", problems);
        }
        return problems;
    }

    /**
     * Warnings about a JSON Schema's constraints on sensitive fields that masking cannot keep (a pattern no value is
     * derived for): records whose masked value does not match are dead-lettered, not lost, so these do not fail the check.
     */
    public static List<String> warnings(Policy policy, String dataset, JsonParsedSchema schema) {
        FormatMasking formats = new PolicyMaskEngine(policy, Keyset.generate()).formats();
        try {
            return formats.json().constraintWarnings(dataset, new JsonSchemaDocument(schema.jsonNode(), Map.of()));
        } catch (RuntimeException e) {
            return List.of(); // lint() reports why the plan does not compile
        }
    }

    /** Every {@code confluent:tags} in the document, by JSON pointer (also in definitions no property uses yet). */
    private static void declaredTags(JsonNode node, String pointer, Map<String, Set<String>> out) {
        if (node.isObject()) {
            JsonNode declared = node.get(JsonSchemaDocument.TAGS);
            if (declared != null && declared.isArray()) {
                Set<String> tags = new LinkedHashSet<>();
                declared.forEach(t -> tags.add(t.asText()));
                out.put(pointer, tags);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                declaredTags(child.getValue(), pointer + "/" + child.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                declaredTags(node.get(i), pointer + "/" + i, out);
            }
        }
    }

    private static void undefinedTags(Policy policy, String dataset, Map<String, Set<String>> tags, List<PolicyLinter.Problem> problems) {
        tags.forEach((where, declared) -> declared.stream().filter(t -> !policy.tags().containsKey(t)).forEach(t ->
                problems.add(new PolicyLinter.Problem(dataset, where, "tag " + t + " is not defined in the policy"))));
    }

    /** A path rule whose field is not among the sensitive fields (nor under one) names no field of the schema. */
    private static void unknownRulePaths(Policy policy, String dataset, Map<String, Set<String>> sensitive, String schema,
                                         List<PolicyLinter.Problem> problems) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        if (rules == null) {
            return;
        }
        for (String path : rules.fields().keySet()) {
            boolean found = sensitive.keySet().stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."));
            if (!found) {
                problems.add(new PolicyLinter.Problem(dataset, path, "path rule names no field of " + schema));
            }
        }
    }

    private static boolean compiles(Runnable plan, String dataset, List<PolicyLinter.Problem> problems) {
        try {
            plan.run();
            return true;
        } catch (UncoveredFieldException | ConfigException e) {
            String message = e.getMessage();
            problems.add(new PolicyLinter.Problem(dataset, "", message.startsWith(dataset + ": ") ? message.substring(dataset.length() + 2) : message));
            return false;
        }
    }
}
