package io.jitmask.http;

import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.AuditFilter;
import java.util.List;

/**
 * {@code /api/audit}: the newest audit events, filtered by request id, actor and type, for reviewers; a page at a
 * time, newest page first, each page oldest first, {@code next} leading to older events.
 */
final class AuditHandler {
    static final int DEFAULT_LIMIT = 200;

    private final AuditTail tail;
    private final ApiAccess access;

    AuditHandler(AuditTail tail, ApiAccess access) {
        this.tail = tail;
        this.access = access;
    }

    ApiResponse list(ApiRequest call) {
        access.requireReviewer(call.actor(), "the audit trail");
        AuditFilter filter = new AuditFilter(call.queryParam("requestId"), call.queryParam("actor"), type(call.queryParam("type")));
        Paging.Page<AuditTail.Positioned> page = Paging.backward(tail.find(filter), AuditTail.Positioned::position,
                call.queryParam("cursor"), Paging.limit(call, DEFAULT_LIMIT));
        return ApiResponse.ok(page.body("events", AuditTail.Positioned::json));
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
}
