package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON answer and its status. */
public record ApiResponse(int status, JsonNode body) {
    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    /** The event is on {@code jit.approvals}; the lifecycle decides on its own time (watch the request or the audit). */
    public static ApiResponse accepted(JsonNode body) {
        return new ApiResponse(202, body);
    }
}
