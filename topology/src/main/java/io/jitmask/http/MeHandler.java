package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code /api/me}: who the token belongs to, and whether they review (the console adapts to it). */
final class MeHandler {
    private final ApiAccess access;

    MeHandler(ApiAccess access) {
        this.access = access;
    }

    ApiResponse get(ApiRequest call) {
        ObjectNode body = ApiJson.object().put("actor", call.actor().name()).put("principal", call.actor().principal());
        body.set("roles", ApiJson.strings(call.actor().roles().stream().sorted().toList()));
        body.put("reviewer", access.isReviewer(call.actor()));
        return ApiResponse.ok(body);
    }
}
