package io.jitmask.notify;

import static io.jitmask.testing.TestSettings.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.WebhookSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notification, OIDC and audit-export settings: bad ones stop start-up with one line, never echoing a secret URL. */
class NotifyConfigTest {
    @Test
    void aWebhookNeedsASecretAndAnHttpUrl() {
        String slackUrl = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOK_URL, slackUrl)).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.secret.file is required with jitmask.notify.webhook.url: every notification is signed");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOK_URL, "ftp://example.com/XXXXSECRETXXXX",
                JitmaskConfig.NOTIFY_WEBHOOK_SECRET_FILE, "/s")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.url must be an http(s) URL with a host");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOK_FORMAT, "email")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.format must be cloudevents, slack or teams, got 'email'");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_REMINDER_LEAD_SECONDS, "0")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.reminder.lead.seconds must be positive, got 0");
        JitmaskConfig ok = config(JitmaskConfig.NOTIFY_WEBHOOK_URL, slackUrl, JitmaskConfig.NOTIFY_WEBHOOK_SECRET_FILE, "/s",
                JitmaskConfig.NOTIFY_CONSOLE_URL, "https://jitmask.example/");
        assertThat(ok.notifyConsoleUrl()).isEqualTo("https://jitmask.example");
        assertThat(ok.notifyReminderLead().toSeconds()).isEqualTo(600);
        assertThat(config().notifyWebhookUrl()).isNull();
    }

    @Test
    void severalWebhooksAreNamedAndEachBadSettingNamesItsKey() {
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops,Chat")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhooks: 'Chat' is not a webhook name (lower-case letters, digits and '-', "
                        + "at most 32, not 'default')");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "default")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("jitmask.notify.webhooks: 'default' is not a webhook name");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops,ops", "jitmask.notify.webhook.ops.url",
                "https://ops.example/h", "jitmask.notify.webhook.ops.secret.file", "/s")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhooks: 'ops' is named twice");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops")).isInstanceOf(ConfigException.class)
                .hasMessage("missing required setting 'jitmask.notify.webhook.ops.url'");
        String teamsUrl = "https://example.webhook.office.com/XXXXSECRETXXXX";
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops", "jitmask.notify.webhook.ops.url", teamsUrl))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.notify.webhook.ops.secret.file is required with "
                        + "jitmask.notify.webhook.ops.url: every notification is signed");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops", "jitmask.notify.webhook.ops.url",
                "file:/XXXXSECRETXXXX", "jitmask.notify.webhook.ops.secret.file", "/s")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.ops.url must be an http(s) URL with a host");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops", "jitmask.notify.webhook.ops.url", teamsUrl,
                "jitmask.notify.webhook.ops.secret.file", "/s", "jitmask.notify.webhook.ops.format", "email"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.ops.format must be cloudevents, slack or teams, got 'email'");
        assertThatThrownBy(() -> config(JitmaskConfig.NOTIFY_WEBHOOKS, "ops", "jitmask.notify.webhook.ops.url", teamsUrl,
                "jitmask.notify.webhook.ops.secret.file", "/s", "jitmask.notify.webhook.ops.types", "GRANT_ENDED, GRANT_GONE"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.notify.webhook.ops.types: 'GRANT_GONE' is not a notification type (one of [REQUEST_CREATED, "
                        + "REQUEST_DECIDED, GRANT_ACTIVATED, GRANT_EXPIRING, GRANT_ENDED, LIFECYCLE_FAILED])");

        JitmaskConfig ok = config(JitmaskConfig.NOTIFY_WEBHOOK_URL, "https://hooks.example/d",
                JitmaskConfig.NOTIFY_WEBHOOK_SECRET_FILE, "/d", JitmaskConfig.NOTIFY_WEBHOOKS, " ops ,chat",
                "jitmask.notify.webhook.ops.url", "https://ops.example/h", "jitmask.notify.webhook.ops.secret.file", "/o",
                "jitmask.notify.webhook.ops.types", "GRANT_ENDED,LIFECYCLE_FAILED",
                "jitmask.notify.webhook.chat.url", teamsUrl, "jitmask.notify.webhook.chat.secret.file", "/c",
                "jitmask.notify.webhook.chat.format", "teams");
        assertThat(ok.notifyWebhooks()).containsExactly(
                new WebhookSettings("default", URI.create("https://hooks.example/d"), "cloudevents", Path.of("/d"),
                        EnumSet.allOf(NotificationType.class)),
                new WebhookSettings("ops", URI.create("https://ops.example/h"), "cloudevents", Path.of("/o"),
                        EnumSet.of(NotificationType.GRANT_ENDED, NotificationType.LIFECYCLE_FAILED)),
                new WebhookSettings("chat", URI.create(teamsUrl), "teams", Path.of("/c"), EnumSet.allOf(NotificationType.class)));
        assertThat(WebhookNotifier.groupId("app", "default")).isEqualTo("app-notify");
        assertThat(WebhookNotifier.groupId("app", "ops")).isEqualTo("app-notify-ops");
        assertThat(config().notifyWebhooks()).isEmpty();
    }

    @Test
    void oidcNeedsAnAudienceAndWellFormedMaps() {
        assertThatThrownBy(() -> config(JitmaskConfig.HTTP_OIDC_ISSUER, "https://idp.example/realms/x"))
                .isInstanceOf(ConfigException.class).hasMessage("missing required setting 'jitmask.http.oidc.audience'");
        assertThatThrownBy(() -> config(JitmaskConfig.HTTP_OIDC_ISSUER, "https://idp.example/realms/x",
                JitmaskConfig.HTTP_OIDC_AUDIENCE, "jitmask", JitmaskConfig.HTTP_OIDC_ACTOR_MAP, "u1=alice"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.http.oidc.actor.map: expected '<from>:<to>' pairs separated by commas");
        JitmaskConfig ok = config(JitmaskConfig.HTTP_OIDC_ISSUER, "https://idp.example/realms/x/",
                JitmaskConfig.HTTP_OIDC_AUDIENCE, "jitmask", JitmaskConfig.HTTP_OIDC_ACTOR_MAP, "u1:alice, u2:bob");
        assertThat(ok.oidcIssuer()).isEqualTo("https://idp.example/realms/x");
        assertThat(ok.oidcActorMap()).containsExactly(Map.entry("u1", "alice"), Map.entry("u2", "bob"));
    }

    @Test
    void theAuditExportTopicMustBeAValidName() {
        assertThatThrownBy(() -> config(JitmaskConfig.AUDIT_CLOUDEVENTS_TOPIC, "jit audit")).isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.audit.cloudevents.topic: 'jit audit' is not a valid topic name");
        assertThat(config(JitmaskConfig.AUDIT_CLOUDEVENTS_TOPIC, "jit.audit.cloudevents").auditCloudEventsTopic())
                .isEqualTo("jit.audit.cloudevents");
    }
}
