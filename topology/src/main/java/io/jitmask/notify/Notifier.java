package io.jitmask.notify;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.WebhookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Notifications of a running application: one {@link WebhookNotifier} per configured webhook
 * ({@link JitmaskConfig#notifyWebhooks()}), each with its own consumer group, sender, retries and metrics label,
 * so each webhook gets every event it subscribes to exactly as if it were the only one.
 */
public final class Notifier implements AutoCloseable {
    private final List<WebhookNotifier> webhooks;

    private Notifier(List<WebhookNotifier> webhooks) {
        this.webhooks = List.copyOf(webhooks);
    }

    /** The notifier of a running application, or null when no webhook is configured. */
    public static Notifier startIfConfigured(JitmaskApp app) {
        return startIfConfigured(app.context(), app.context().config(), app.metrics().registry());
    }

    /** With settings of its own (tests: another reminder lead on the same application). */
    static Notifier startIfConfigured(JitmaskApp.Context context, JitmaskConfig config) {
        return startIfConfigured(context, config, new SimpleMeterRegistry());
    }

    /** Its metrics ({@link NotificationMetrics}) in {@code registry}: the application's, shown on /metrics. */
    static Notifier startIfConfigured(JitmaskApp.Context context, JitmaskConfig config, MeterRegistry registry) {
        List<WebhookSettings> settings = config.notifyWebhooks();
        if (settings.isEmpty()) {
            return null;
        }
        Clock clock = Clock.systemUTC();
        NotificationMetrics metrics = new NotificationMetrics(registry, clock);
        AuditNotifications notifications = new AuditNotifications(
                new Recipients(context.keyring(), context.policy(), context::sensitiveFields), config.notifyConsoleUrl());
        List<WebhookNotifier> started = new ArrayList<>();
        for (WebhookSettings webhook : settings) {
            WebhookSender sender = new WebhookSender(webhook.name(), metrics, webhook.url(),
                    new WebhookBodies(WebhookBodies.format(webhook.format()), config.applicationId()),
                    WebhookSignature.load(webhook.secretFile()), config.notifyRetryMaxAttempts(),
                    config.notifyRetryBackoff(), clock);
            WebhookNotifier notifier = new WebhookNotifier(WebhookNotifier.consumerProps(config, sender), notifications,
                    sender, webhook.types(), config.notifyReminderLead(), clock);
            notifier.start();
            started.add(notifier);
        }
        return new Notifier(started);
    }

    /** Blocks until every webhook's group gave it its partitions and their start positions are known. */
    public boolean awaitAssigned(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (WebhookNotifier webhook : webhooks) {
            if (!webhook.awaitAssigned(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Stops every webhook's notifier (each stops after its batch at hand: see {@link WebhookNotifier#close()}). */
    @Override
    public void close() {
        webhooks.forEach(WebhookNotifier::close);
    }
}
