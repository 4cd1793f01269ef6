package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.AuditFilter;
import java.util.List;

/** {@code /api/audit}: the newest audit events, filtered by request id, actor and type, for reviewers. */
final class AuditHandler {
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    private final AuditTail tail;
    private final ApiAccess access;

    AuditHandler(AuditTail tail, ApiAccess access) {
        this.tail = tail;
        this.access = access;
    }

    ApiResponse list(ApiRequest call) {
        access.requireReviewer(call.actor(), "the audit trail");
        AuditFilter filter = new AuditFilter(call.queryParam("requestId"), call.queryParam("actor"), type(call.queryParam("type")));
        ObjectNode body = ApiJson.object();
        body.set("events", ApiJson.MAPPER.valueToTree(tail.find(filter, limit(call.queryParam("limit")))));
        return ApiResponse.ok(body);
    }

    private static AuditEvent.Type type(String value) {
        if (value == null) {
            return null;
        }
        try {
            return AuditEvent.Type.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'type' must be one of " + List.of(AuditEvent.Type.values()));
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT);
    }
}
