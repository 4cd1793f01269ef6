package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookBodiesTest {
    static Notification notification(String summary) throws Exception {
        return new Notification("jit.audit-0-5", NotificationType.REQUEST_CREATED, "r1",
                Instant.parse("2026-03-01T10:00:00Z"), List.of("bob", "carol"),
                (com.fasterxml.jackson.databind.node.ObjectNode) AuditEvent.MAPPER.readTree("{\"requestId\":\"r1\"}"),
                summary, "https://jitmask.example/#request=r1");
    }

    static JsonNode render(WebhookBodies.Format format, Notification n) throws Exception {
        return AuditEvent.MAPPER.readTree(new WebhookBodies(format, "jitmask").render(n));
    }

    @Test
    void cloudEventsStructuredMode() throws Exception {
        WebhookBodies bodies = new WebhookBodies(WebhookBodies.Format.CLOUDEVENTS, "jitmask");
        assertThat(bodies.contentType()).isEqualTo("application/cloudevents+json");
        assertThat(render(WebhookBodies.Format.CLOUDEVENTS, notification("alice asks"))).isEqualTo(AuditEvent.MAPPER.readTree("""
                {"specversion":"1.0","id":"jit.audit-0-5","source":"/jitmask/jitmask","type":"io.jitmask.request.created",
                 "subject":"r1","time":"2026-03-01T10:00:00Z","datacontenttype":"application/json","data":{"requestId":"r1"}}"""));
    }

    /** A justification is the requester's text: in Slack it must not become a link, a mention or markup. */
    @Test
    void slackEscapesPeoplesText() throws Exception {
        JsonNode body = render(WebhookBodies.Format.SLACK, notification("alice asks: <https://evil.example|click> <!channel> & more"));
        assertThat(body).isEqualTo(AuditEvent.MAPPER.readTree("""
                {"text":"*Access request waiting for approval* alice asks: &lt;https://evil.example|click&gt; &lt;!channel&gt; &amp; more\\nfor: bob, carol\\n<https://jitmask.example/#request=r1|Open request r1 in the console>"}"""));
    }

    @Test
    void teamsAdaptiveCardWithALinkToTheConsole() throws Exception {
        JsonNode body = render(WebhookBodies.Format.TEAMS, notification("alice asks"));
        assertThat(new WebhookBodies(WebhookBodies.Format.TEAMS, "jitmask").contentType()).isEqualTo("application/json");
        assertThat(body).isEqualTo(AuditEvent.MAPPER.readTree("""
                {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{
                  "$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4",
                  "body":[{"type":"TextBlock","text":"Access request waiting for approval","weight":"Bolder","wrap":true},
                          {"type":"TextBlock","text":"alice asks","wrap":true},
                          {"type":"TextBlock","text":"for: bob, carol","isSubtle":true,"wrap":true}],
                  "actions":[{"type":"Action.OpenUrl","title":"Open in the console","url":"https://jitmask.example/#request=r1"}]}}]}"""));
    }
}
