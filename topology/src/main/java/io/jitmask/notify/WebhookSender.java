package io.jitmask.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts notifications to the webhook, signed, retrying with exponential backoff (the first delay doubled after each
 * failed attempt, at most 30 s) until a 2xx or the last attempt. Logs name the notification id, type and HTTP status,
 * never the URL (a Slack or Teams webhook URL is a credential) nor the body.
 */
public final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The webhook's name in metrics ({@code default} for {@code jitmask.notify.webhook.url}). */
    public static final String DEFAULT_NAME = "default";

    private final String name;
    private final NotificationMetrics metrics;
    private final URI url;
    private final WebhookBodies bodies;
    private final WebhookSignature signature;
    private final int maxAttempts;
    private final Duration backoff;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public WebhookSender(URI url, WebhookBodies bodies, WebhookSignature signature, int maxAttempts, Duration backoff, Clock clock) {
        this(DEFAULT_NAME, NotificationMetrics.none(), url, bodies, signature, maxAttempts, backoff, clock);
    }

    public WebhookSender(String name, NotificationMetrics metrics, URI url, WebhookBodies bodies, WebhookSignature signature,
                         int maxAttempts, Duration backoff, Clock clock) {
        this.name = name;
        this.metrics = metrics;
        metrics.register(name);
        this.url = url;
        this.bodies = bodies;
        this.signature = signature;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The webhook's name (metrics, logs, its consumer group). */
    public String name() {
        return name;
    }

    /** The longest one delivery can take, failures and backoff included. */
    public Duration worstCase() {
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            total = total.plus(REQUEST_TIMEOUT.multipliedBy(2)).plus(delayBefore(attempt + 1));
        }
        return total;
    }

    Duration delayBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        long factor = 1L << Math.min(20, attempt - 2);
        Duration d = backoff.multipliedBy(factor);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Delivers one notification; true once the receiver answered 2xx, false after the last failed attempt (logged).
     * Every attempt carries the same {@code webhook-id}, so the receiver can drop a repeat.
     */
    public boolean deliver(Notification n) throws InterruptedException {
        byte[] body = bodies.render(n);
        String outcome = "not tried";
        metrics.started(name, n);
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                metrics.retried(name, n);
            }
            Thread.sleep(delayBefore(attempt).toMillis());
            long timestamp = clock.instant().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", bodies.contentType())
                    .header(WebhookSignature.ID_HEADER, n.id())
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(n.id(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    metrics.delivered(name, n);
                    return true;
                }
                outcome = "HTTP " + status;
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
            }
            LOG.warn("notification {} ({}) to {} failed, attempt {}/{}: {}", n.id(), n.type(), url.getHost(), attempt,
                    maxAttempts, outcome);
        }
        LOG.error("notification {} ({}) to {} dropped after {} attempts: {}", n.id(), n.type(), url.getHost(),
                maxAttempts, outcome);
        metrics.failed(name, n);
        return false;
    }
}
