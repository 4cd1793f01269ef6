package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.policy.Policy;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /api/datasets}: the datasets jitmask serves and their sensitive fields (from each dataset's current raw
 * schema and the policy), with what an access request for each field needs: approvers, roles, maximum duration.
 */
final class DatasetsHandler {
    private final JitmaskApp.Context context;

    DatasetsHandler(JitmaskApp.Context context) {
        this.context = context;
    }

    ApiResponse list(ApiRequest call) {
        ArrayNode datasets = ApiJson.MAPPER.createArrayNode();
        for (String dataset : context.config().datasets()) {
            ObjectNode json = datasets.addObject().put("name", dataset);
            Map<String, Set<String>> sensitive;
            try {
                sensitive = new TreeMap<>(context.sensitiveFields(dataset));
            } catch (RuntimeException e) {
                json.put("error", "the current schema of this dataset cannot be read");
                continue;
            }
            ArrayNode fields = json.putArray("fields");
            sensitive.forEach((path, tags) -> {
                ObjectNode field = fields.addObject().put("path", path);
                field.set("tags", ApiJson.strings(tags.stream().sorted().toList()));
                Policy.ApprovalRule rule = strictest(tags);
                field.put("requestable", rule != null);
                if (rule != null) {
                    field.put("approvers", rule.approvers()).put("maxDurationSeconds", rule.maxDurationSeconds());
                    field.set("roles", ApiJson.strings(rule.roles()));
                }
            });
        }
        ObjectNode body = ApiJson.object();
        body.set("datasets", datasets);
        return ApiResponse.ok(body);
    }

    /** The rule of the field's tags asking most approvers (ties: shortest duration), or null if none may be granted. */
    private Policy.ApprovalRule strictest(Set<String> tags) {
        Policy.ApprovalRule strictest = null;
        for (String tag : tags.stream().sorted().toList()) {
            Policy.TagPolicy tagPolicy = context.policy().tags().get(tag);
            Policy.ApprovalRule rule = tagPolicy == null ? null : tagPolicy.approval();
            if (rule != null && (strictest == null || rule.approvers() > strictest.approvers()
                    || rule.approvers() == strictest.approvers() && rule.maxDurationSeconds() < strictest.maxDurationSeconds())) {
                strictest = rule;
            }
        }
        return strictest;
    }
}
