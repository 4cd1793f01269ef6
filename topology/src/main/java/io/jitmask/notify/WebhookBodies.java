package io.jitmask.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Renders a notification as the body a receiver expects: a CloudEvent, or a Slack or Teams incoming-webhook message. */
public final class WebhookBodies {
    public enum Format { CLOUDEVENTS, SLACK, TEAMS }

    private final Format format;
    private final String source;

    public WebhookBodies(Format format, String applicationId) {
        this.format = format;
        this.source = CloudEvent.source(applicationId);
    }

    public static Format format(String name) {
        return Format.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public String contentType() {
        return format == Format.CLOUDEVENTS ? CloudEvent.CONTENT_TYPE : "application/json";
    }

    public byte[] render(Notification n) {
        ObjectNode body = switch (format) {
            case CLOUDEVENTS -> new CloudEvent(n.id(), source, n.type().ceType(), n.requestId(), n.time(), n.data()).toJson();
            case SLACK -> slack(n);
            case TEAMS -> teams(n);
        };
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Slack incoming webhook: mrkdwn text; people's text is escaped so it cannot forge a link or a mention. */
    private static ObjectNode slack(Notification n) {
        String text = "*" + title(n) + "* " + slackEscape(n.summary())
                + (n.recipients().isEmpty() ? "" : "\nfor: " + slackEscape(String.join(", ", n.recipients())))
                + (n.link() == null ? "" : "\n<" + n.link() + "|Open request " + n.requestId() + " in the console>");
        ObjectNode body = AuditEvent.MAPPER.createObjectNode();
        body.put("text", text);
        return body;
    }

    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Teams (Workflows incoming webhook): a message with one Adaptive Card; TextBlocks are plain text, not markup. */
    private static ObjectNode teams(Notification n) {
        ObjectNode card = AuditEvent.MAPPER.createObjectNode();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", title(n)).put("weight", "Bolder").put("wrap", true);
        body.addObject().put("type", "TextBlock").put("text", n.summary()).put("wrap", true);
        if (!n.recipients().isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", "for: " + String.join(", ", n.recipients()))
                    .put("isSubtle", true).put("wrap", true);
        }
        if (n.link() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Open in the console")
                    .put("url", n.link());
        }
        ObjectNode message = AuditEvent.MAPPER.createObjectNode();
        message.put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.set("content", card);
        return message;
    }

    private static String title(Notification n) {
        return switch (n.type()) {
            case REQUEST_CREATED -> "Access request waiting for approval";
            case REQUEST_DECIDED -> "Access request " + n.data().path("outcome").asText("decided").replace('_', ' ');
            case GRANT_ACTIVATED -> "Access granted";
            case GRANT_EXPIRING -> "Access ends soon";
            case GRANT_ENDED -> "Access ended";
            case LIFECYCLE_FAILED -> "jitmask needs attention";
        };
    }
}
