package io.jitmask.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.CloudEvent;
import io.jitmask.grants.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which audit events people hear about, and who: the one mapping from {@code jit.audit} (and, for reminders, from
 * {@code jit.grants}) to notifications. A notification copies names, times, counts and the requester's justification
 * from the audit event; record keys of a filter and field values are never in an audit event, and so never here.
 */
public final class AuditNotifications {
    private final Recipients recipients;
    private final String consoleUrl;

    /** @param consoleUrl base URL of the console (no trailing slash), or null for no links */
    public AuditNotifications(Recipients recipients, String consoleUrl) {
        this.recipients = recipients;
        this.consoleUrl = consoleUrl == null ? null : consoleUrl.replaceAll("/+$", "");
    }

    /** The notification of the audit event at this partition and offset of {@code jit.audit}, if it is one people hear about. */
    public Optional<Notification> of(int partition, long offset, AuditEvent e) {
        String id = CloudEvent.auditId(partition, offset);
        List<String> requester = e.grantee() == null ? List.of() : recipients.ofPrincipal(e.grantee());
        return switch (e.type()) {
            case REQUESTED -> Optional.of(build(id, NotificationType.REQUEST_CREATED, e,
                    recipients.reviewers(e.actor(), e.dataset(), e.fields() == null ? List.of() : e.fields()), null,
                    e.actor() + " asks for " + fieldsOf(e) + " for " + human(e.durationSeconds())
                            + (e.lookbackSeconds() == null ? "" : ", with the last " + human(e.lookbackSeconds()) + " of records")
                            + ": " + e.justification()));
            case APPROVED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "approved",
                    e.actor() + " approved your request for " + fieldsOf(e)
                            + (e.comment() == null ? "" : ": " + e.comment())));
            case AUTO_APPROVED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "auto_approved",
                    "your request for " + fieldsOf(e) + " was approved automatically"));
            case DENIED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "denied",
                    e.actor() + " denied your request for " + fieldsOf(e) + (e.reason() == null ? "" : ": " + e.reason())));
            case REQUEST_EXPIRED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "expired",
                    "your request for " + fieldsOf(e) + " expired without a decision"));
            case REJECTED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e,
                    e.actor() == null ? List.of() : List.of(e.actor()), "rejected",
                    "jitmask refused an event of " + (e.actor() == null ? "an unknown actor" : e.actor()) + " ("
                            + e.reason() + ")"));
            // The final REVOKED of a live grant names its (deleted) topic; a pending request withdrawn has none.
            case REVOKED -> e.topic() == null
                    ? Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "withdrawn",
                            "the request for " + fieldsOf(e) + " was withdrawn by " + e.actor()))
                    : Optional.of(build(id, NotificationType.GRANT_ENDED, e, requester, "revoked",
                            "your access to " + e.dataset() + " was revoked by " + e.actor()
                                    + (e.reason() == null ? "" : ": " + e.reason())));
            case EXPIRED -> Optional.of(build(id, NotificationType.GRANT_ENDED, e, requester, "expired",
                    "your access to " + e.dataset() + " has expired"));
            case ACTIVATED -> Optional.of(build(id, NotificationType.GRANT_ACTIVATED, e, requester, null,
                    "your access to " + fieldsOf(e) + " is live until " + e.expiresAt() + " on topic " + e.topic()));
            case ACTIVATION_FAILED -> Optional.of(build(id, NotificationType.LIFECYCLE_FAILED, e,
                    union(recipients.admins(), requester), null,
                    "the grant of request " + e.requestId() + " could not be activated: " + e.detail()));
            case ACL_NOT_ENFORCED -> Optional.of(build(id, NotificationType.LIFECYCLE_FAILED, e, recipients.admins(), null,
                    "grant " + e.requestId() + " is live without a broker ACL: " + e.detail()));
            case EXTEND_REQUESTED -> Optional.of(build(id, NotificationType.REQUEST_CREATED, e,
                    recipients.reviewers(e.actor(), e.dataset(), e.fields() == null ? List.of() : e.fields()), "extension",
                    e.actor() + " asks for " + human(e.durationSeconds()) + " more on " + fieldsOf(e) + " (live until "
                            + e.expiresAt() + "): " + e.justification()));
            case EXTEND_DENIED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "extension_denied",
                    e.actor() + " denied more time on " + fieldsOf(e) + (e.reason() == null ? "" : ": " + e.reason())));
            case GRANT_EXTENDED -> Optional.of(build(id, NotificationType.REQUEST_DECIDED, e, requester, "extended",
                    "your access to " + fieldsOf(e) + " was extended by " + human(e.durationSeconds()) + ", until "
                            + e.expiresAt()));
            case SIDE_EFFECT_FAILING -> Optional.of(build(id, NotificationType.LIFECYCLE_FAILED, e, recipients.admins(),
                    null, "a side effect of request " + e.requestId() + " keeps failing: " + e.detail()));
            // A catch-up survives restarts (it resumes from the ledger), so a stop means the window was not copied in
            // full: the grant reached its copy cutoff or ended first.
            case BACKFILL_STOPPED -> Optional.of(build(id, NotificationType.LIFECYCLE_FAILED, e,
                    union(recipients.admins(), requester), null,
                    "the lookback copy of request " + e.requestId() + " stopped: " + e.reason()));
            default -> Optional.empty();
        };
    }

    /**
     * The reminder that a live grant ends soon, with a link to the console's extension form for it. Its id names the
     * expiresAt it reminds of: a grant extended after its reminder is reminded again of the new time.
     */
    public Notification expiring(Grant grant, Instant now) {
        ObjectNode data = AuditEvent.MAPPER.createObjectNode();
        data.put("requestId", grant.requestId());
        data.put("dataset", grant.dataset());
        data.set("fields", array(grant.fields()));
        data.put("expiresAt", grant.expiresAt().toString());
        long left = Math.max(0, Duration.between(now, grant.expiresAt()).toSeconds());
        data.put("secondsLeft", left);
        List<String> to = grant.requester() == null ? recipients.ofPrincipal(grant.grantee()) : List.of(grant.requester());
        Notification reminder = finish(grant.requestId() + "-expiring-" + grant.expiresAt().getEpochSecond(),
                NotificationType.GRANT_EXPIRING, grant.requestId(), now, to, data,
                "your access to " + String.join(", ", grant.fields()) + " of " + grant.dataset() + " ends in "
                        + human(left) + " (at " + grant.expiresAt() + ")"
                        + (consoleUrl == null ? "" : "; ask for more time in the console"));
        if (consoleUrl == null) {
            return reminder;
        }
        String extendLink = consoleUrl + "/#extend=" + grant.requestId();
        reminder.data().put("link", extendLink);
        return new Notification(reminder.id(), reminder.type(), reminder.requestId(), reminder.time(), reminder.recipients(),
                reminder.data(), reminder.summary(), extendLink);
    }

    private Notification build(String id, NotificationType type, AuditEvent e, List<String> to, String outcome, String summary) {
        ObjectNode data = AuditEvent.MAPPER.createObjectNode();
        data.put("requestId", e.requestId());
        data.put("auditType", e.type().name());
        if (outcome != null) {
            data.put("outcome", outcome);
        }
        putIfPresent(data, "actor", e.actor());
        putIfPresent(data, "dataset", e.dataset());
        if (e.fields() != null) {
            data.set("fields", array(e.fields()));
        }
        // Only whether records were limited by key: the keys themselves may identify people.
        if (e.filter() != null && e.filter().has("keys")) {
            data.put("keyCount", e.filter().get("keys").size());
        }
        putIfPresent(data, "justification", e.justification());
        putIfPresent(data, "comment", e.comment());
        putIfPresent(data, "reason", e.reason());
        putIfPresent(data, "detail", e.detail());
        if (e.approvers() != null) {
            data.set("approvers", array(e.approvers()));
        }
        if (e.durationSeconds() != null) {
            data.put("durationSeconds", e.durationSeconds());
        }
        if (e.lookbackSeconds() != null) {
            data.put("lookbackSeconds", e.lookbackSeconds());
        }
        if (e.expiresAt() != null) {
            data.put("expiresAt", e.expiresAt().toString());
        }
        putIfPresent(data, "topic", e.topic());
        return finish(id, type, e.requestId(), e.at(), to, data, summary);
    }

    private Notification finish(String id, NotificationType type, String requestId, Instant at, List<String> to,
                                ObjectNode data, String summary) {
        data.set("recipients", array(to));
        String link = consoleUrl == null ? null : consoleUrl + "/#request=" + requestId;
        if (link != null) {
            data.put("link", link);
        }
        return new Notification(id, type, requestId, at, to, data, summary, link);
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = AuditEvent.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static List<String> union(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().sorted().toList();
    }

    private static String fieldsOf(AuditEvent e) {
        return (e.fields() == null ? "" : String.join(", ", e.fields()) + " of ") + e.dataset();
    }

    /** 600 -> "10m", 5400 -> "1h30m", 45 -> "45s". */
    static String human(Long seconds) {
        if (seconds == null) {
            return "?";
        }
        long s = seconds;
        StringBuilder out = new StringBuilder();
        if (s >= 86400) {
            out.append(s / 86400).append('d');
            s %= 86400;
        }
        if (s >= 3600) {
            out.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            out.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || out.length() == 0) {
            out.append(s).append('s');
        }
        return out.toString();
    }
}
