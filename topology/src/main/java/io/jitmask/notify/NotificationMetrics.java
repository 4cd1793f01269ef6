package io.jitmask.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the notifier did, per webhook and notification type: delivered (a 2xx), retried (a failed attempt followed by
 * another) and failed (dropped after the last attempt); and the age of the oldest notification not delivered yet
 * (its event's time to now, 0 when none waits), per webhook, which grows while that receiver is down. Names and tags only: never a
 * URL (a Slack or Teams webhook URL is a credential) nor anything of the body.
 */
public final class NotificationMetrics {
    public static final String DELIVERED = "jitmask.notifications.delivered";
    public static final String RETRIED = "jitmask.notifications.retried";
    public static final String FAILED = "jitmask.notifications.failed";
    public static final String OLDEST_UNDELIVERED_AGE = "jitmask.notifications.oldest.undelivered.age.seconds";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Instant> undelivered = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    public NotificationMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Registers the webhook's gauge (once per name); its sender does so when it is built. */
    void register(String webhook) {
        gauges.computeIfAbsent(webhook, w -> Gauge.builder(OLDEST_UNDELIVERED_AGE, this, m -> m.oldestUndeliveredSeconds(w))
                .description("Age in seconds of the oldest notification not delivered yet to this webhook (0 when none waits)")
                .tag("webhook", w).register(registry));
    }

    /** Metrics kept in a registry nobody reads (tests, tools). */
    public static NotificationMetrics none() {
        return new NotificationMetrics(new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** A notification is about to be delivered to a webhook: it counts as undelivered until it is done. */
    void started(String webhook, Notification n) {
        undelivered.put(webhook + "\n" + n.id(), n.time());
    }

    void delivered(String webhook, Notification n) {
        done(webhook, n);
        counter(DELIVERED, webhook, n).increment();
    }

    void retried(String webhook, Notification n) {
        counter(RETRIED, webhook, n).increment();
    }

    /** Dropped after the last attempt: no longer waiting, counted as failed. */
    void failed(String webhook, Notification n) {
        done(webhook, n);
        counter(FAILED, webhook, n).increment();
    }

    private void done(String webhook, Notification n) {
        undelivered.remove(webhook + "\n" + n.id());
    }

    double oldestUndeliveredSeconds(String webhook) {
        Instant now = clock.instant();
        return undelivered.entrySet().stream().filter(e -> e.getKey().startsWith(webhook + "\n"))
                .map(Map.Entry::getValue).min(Instant::compareTo)
                .map(oldest -> Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0)).orElse(0.0);
    }

    private Counter counter(String name, String webhook, Notification n) {
        String type = n.type().ceType();
        return counters.computeIfAbsent(name + "\n" + webhook + "\n" + type, k -> Counter.builder(name)
                .tag("webhook", webhook).tag("type", type).register(registry));
    }
}
