package io.jitmask.audit;

/**
 * Which audit events someone asked for: by request id (the record key), actor and type; a null criterion matches
 * everything. Shared by {@code jitmask audit} and the HTTP API so both filter the trail the same way.
 */
public record AuditFilter(String requestId, String actor, AuditEvent.Type type) {
    public static final AuditFilter ALL = new AuditFilter(null, null, null);

    /** @param event the decoded event, or null when the record is not an audit event (then only an empty filter matches) */
    public boolean matches(String key, AuditEvent event) {
        if (requestId != null && !requestId.equals(key)) {
            return false;
        }
        if (actor == null && type == null) {
            return true;
        }
        return event != null && (actor == null || actor.equals(event.actor())) && (type == null || type == event.type());
    }

    public boolean needsEvent() {
        return actor != null || type != null;
    }
}
