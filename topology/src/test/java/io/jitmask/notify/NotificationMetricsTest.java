package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jitmask.audit.AuditEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notification metrics against a real HTTP receiver on loopback: delivered, retried and failed per webhook and type,
 * exactly; and the age of the oldest notification still undelivered while the receiver holds it.
 */
class NotificationMetricsTest {
    static final Instant EVENT_AT = Instant.parse("2026-11-25T10:00:00Z");
    /** The sender's clock: 42 s after the event, so the age of an undelivered notification is exactly 42. */
    static final Clock CLOCK = Clock.fixed(EVENT_AT.plusSeconds(42), ZoneOffset.UTC);

    HttpServer receiver;
    final AtomicInteger calls = new AtomicInteger();
    /** Answers per call, in order; the last repeats. */
    volatile List<Integer> answers = List.of(200);
    volatile CountDownLatch hold = new CountDownLatch(0);
    final CountDownLatch held = new CountDownLatch(1);
    MeterRegistry registry;
    NotificationMetrics metrics;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            int call = calls.getAndIncrement();
            exchange.getRequestBody().readAllBytes();
            held.countDown();
            try {
                hold.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Integer> a = answers;
            exchange.sendResponseHeaders(a.get(Math.min(call, a.size() - 1)), -1);
            exchange.close();
        });
        receiver.start();
        registry = new SimpleMeterRegistry();
        metrics = new NotificationMetrics(registry, CLOCK);
    }

    @AfterEach
    void stop() {
        hold.countDown();
        receiver.stop(0);
    }

    WebhookSender sender(String name, int maxAttempts) {
        return new WebhookSender(name, metrics, URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
                new WebhookBodies(WebhookBodies.Format.CLOUDEVENTS, "jitmask"),
                new WebhookSignature(new byte[32]), maxAttempts, Duration.ofMillis(1), CLOCK);
    }

    static Notification notification(String id, NotificationType type) throws Exception {
        return new Notification(id, type, "r1", EVENT_AT, List.of("bob"),
                (com.fasterxml.jackson.databind.node.ObjectNode) AuditEvent.MAPPER.readTree("{\"requestId\":\"r1\"}"),
                "summary", null);
    }

    double count(String name, String webhook, NotificationType type) {
        var counter = registry.find(name).tag("webhook", webhook).tag("type", type.ceType()).counter();
        return counter == null ? 0 : counter.count();
    }

    double oldestAge(String webhook) {
        return registry.get(NotificationMetrics.OLDEST_UNDELIVERED_AGE).tag("webhook", webhook).gauge().value();
    }

    @Test
    void countsDeliveredRetriedAndFailedPerWebhookAndType() throws Exception {
        answers = List.of(503, 200);
        assertThat(sender("ops", 3).deliver(notification("n1", NotificationType.REQUEST_CREATED))).isTrue();
        answers = List.of(500);
        calls.set(0);
        assertThat(sender("ops", 2).deliver(notification("n2", NotificationType.LIFECYCLE_FAILED))).isFalse();
        calls.set(0);
        answers = List.of(204);
        assertThat(sender("slack", 3).deliver(notification("n3", NotificationType.REQUEST_CREATED))).isTrue();

        assertThat(count(NotificationMetrics.DELIVERED, "ops", NotificationType.REQUEST_CREATED)).isEqualTo(1.0);
        assertThat(count(NotificationMetrics.RETRIED, "ops", NotificationType.REQUEST_CREATED)).isEqualTo(1.0);
        assertThat(count(NotificationMetrics.FAILED, "ops", NotificationType.REQUEST_CREATED)).isEqualTo(0.0);
        assertThat(count(NotificationMetrics.DELIVERED, "ops", NotificationType.LIFECYCLE_FAILED)).isEqualTo(0.0);
        assertThat(count(NotificationMetrics.RETRIED, "ops", NotificationType.LIFECYCLE_FAILED)).isEqualTo(1.0);
        assertThat(count(NotificationMetrics.FAILED, "ops", NotificationType.LIFECYCLE_FAILED)).isEqualTo(1.0);
        assertThat(count(NotificationMetrics.DELIVERED, "slack", NotificationType.REQUEST_CREATED)).isEqualTo(1.0);
        assertThat(count(NotificationMetrics.RETRIED, "slack", NotificationType.REQUEST_CREATED)).isEqualTo(0.0);
        // Delivered or dropped, nothing waits any more; one gauge per webhook.
        assertThat(oldestAge("ops")).isEqualTo(0.0);
        assertThat(oldestAge("slack")).isEqualTo(0.0);
        assertThat(registry.find(NotificationMetrics.OLDEST_UNDELIVERED_AGE).gauges()).hasSize(2);
        // No tag carries the URL (a credential for Slack and Teams).
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("127.0.0.1"));
    }

    @Test
    void theOldestUndeliveredAgeGrowsWhileTheReceiverHoldsTheNotification() throws Exception {
        WebhookSender sender = sender("ops", 1);
        sender("slack", 1);
        assertThat(oldestAge("ops")).isEqualTo(0.0);
        hold = new CountDownLatch(1);
        CompletableFuture<Boolean> delivery = CompletableFuture.supplyAsync(() -> {
            try {
                return sender.deliver(notification("n1", NotificationType.GRANT_EXPIRING));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(oldestAge("ops")).isEqualTo(42.0);
        assertThat(oldestAge("slack")).isEqualTo(0.0); // another webhook's backlog is its own
        hold.countDown();
        assertThat(delivery.get(60, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> oldestAge("ops") == 0.0);
        assertThat(count(NotificationMetrics.DELIVERED, "ops", NotificationType.GRANT_EXPIRING)).isEqualTo(1.0);
    }
}
