package io.jitmask.config;

import io.jitmask.notify.NotificationType;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * One webhook notifications are posted to. {@code default} comes from the single-webhook settings
 * ({@code jitmask.notify.webhook.url}, ...); the others from {@code jitmask.notify.webhooks} and
 * {@code jitmask.notify.webhook.<name>.*}. The name labels metrics and logs: the URL never does (a Slack or Teams
 * incoming-webhook URL is a credential).
 *
 * @param types the notification types this webhook receives (every type unless {@code .types} narrows it)
 */
public record WebhookSettings(String name, URI url, String format, Path secretFile, Set<NotificationType> types) {
    public WebhookSettings {
        types = Set.copyOf(types);
    }
}
