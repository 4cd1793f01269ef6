package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.approval.Keyring;
import java.util.Map;

/** One authenticated call: who, the path parameters of its route, the query and the JSON body (empty object if none). */
public record ApiRequest(Keyring.Actor actor, Map<String, String> path, Map<String, String> query, JsonNode body) {

    public String pathParam(String name) {
        return path.get(name);
    }

    /** A required non-blank string of the body. */
    public String requiredText(String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required (a non-empty string)");
        }
        return value.asText();
    }

    public String queryParam(String name) {
        String value = query.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
