package io.jitmask.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One notification: who it is for (keyring actors), what happened, and a one-line summary for chat. Built from
 * audit events and grants only, so it carries names, counts and times, never a field value.
 *
 * @param id stable across redeliveries ({@code jit.audit-<partition>-<offset>}, or {@code <requestId>-expiring-<expiresAt epoch seconds>}),
 *           so a receiver can deduplicate: delivery is at least once
 * @param link the request in the console, or null when no console URL is configured
 */
public record Notification(String id, NotificationType type, String requestId, Instant time, List<String> recipients,
                           ObjectNode data, String summary, String link) {
    public Notification {
        recipients = List.copyOf(recipients);
    }
}
