package io.jitmask.grants;

import io.jitmask.audit.AuditEvent;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.stream.SourceCoordinates;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends grants in an order that makes the audit trail true: first the grantee's ACL goes; then the worker waits
 * until this instance's masking path no longer sees the grant (its tombstone has reached the global store) plus
 * a safety margin covering copies already in flight, and the configured grace; then it counts what was
 * delivered, deletes the topic, and only then writes DISCLOSURE_SUMMARY, REVOKED or EXPIRED, and TOPIC_DELETED.
 * No copy can land after the REVOKED/EXPIRED event, because the topic is gone before it is written.
 *
 * <p>Runs on its own thread so a slow Admin call never stalls masking. A job that fails is retried with backoff;
 * a job lost in a crash is handed over again at start-up by the lifecycle (grants in state ENDING).
 */
public final class GrantEndWorker implements GrantEnder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrantEndWorker.class);
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(60);
    private static final int ATTEMPTS = 5;

    private final GrantResources resources;
    private final Predicate<String> visibleLocally;
    private final Duration wait;
    private final boolean manageAcls;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Producer<String, byte[]> audit;
    private final Clock clock;
    private final Backfiller backfills;
    private final JitmaskMetrics metrics;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "jitmask-grant-end");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param wait how long after the grant stopped being visible the topic is kept: the configured grace, at least
     *             a margin for copies the stream threads computed just before the tombstone arrived
     */
    public GrantEndWorker(GrantResources resources, Predicate<String> visibleLocally, Duration wait, boolean manageAcls,
                          Supplier<Consumer<byte[], byte[]>> consumers, Producer<String, byte[]> audit, Clock clock) {
        this(resources, visibleLocally, wait, manageAcls, consumers, audit, clock, Backfiller.NONE, JitmaskMetrics.none());
    }

    public GrantEndWorker(GrantResources resources, Predicate<String> visibleLocally, Duration wait, boolean manageAcls,
                          Supplier<Consumer<byte[], byte[]>> consumers, Producer<String, byte[]> audit, Clock clock,
                          Backfiller backfills) {
        this(resources, visibleLocally, wait, manageAcls, consumers, audit, clock, backfills, JitmaskMetrics.none());
    }

    public GrantEndWorker(GrantResources resources, Predicate<String> visibleLocally, Duration wait, boolean manageAcls,
                          Supplier<Consumer<byte[], byte[]>> consumers, Producer<String, byte[]> audit, Clock clock,
                          JitmaskMetrics metrics) {
        this(resources, visibleLocally, wait, manageAcls, consumers, audit, clock, Backfiller.NONE, metrics);
    }

    /** @param backfills stopped (and waited for) before the delivered copies are counted */
    public GrantEndWorker(GrantResources resources, Predicate<String> visibleLocally, Duration wait, boolean manageAcls,
                          Supplier<Consumer<byte[], byte[]>> consumers, Producer<String, byte[]> audit, Clock clock,
                          Backfiller backfills, JitmaskMetrics metrics) {
        this.backfills = backfills;
        this.metrics = metrics;
        this.resources = resources;
        this.visibleLocally = visibleLocally;
        this.wait = wait;
        this.manageAcls = manageAcls;
        this.consumers = consumers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Steps are scheduled, never slept through, so many grants ending at once end in parallel: access goes at
     * once for each, and each topic is deleted when its own wait is over.
     */
    @Override
    public void end(EndJob job) {
        if (queued.add(job.requestId())) {
            executor.execute(() -> withdrawAccess(job, 1));
        }
    }

    private void withdrawAccess(EndJob job, int attempt) {
        try {
            if (manageAcls) {
                resources.revokeRead(job.topic(), job.grantee());
            }
            awaitInvisible(job, System.nanoTime() + VISIBILITY_TIMEOUT.toNanos());
        } catch (RuntimeException e) {
            retry(job, attempt, () -> withdrawAccess(job, attempt + 1), e);
        }
    }

    private void awaitInvisible(EndJob job, long deadline) {
        if (visibleLocally.test(job.grantKey()) && System.nanoTime() < deadline) {
            executor.schedule(() -> awaitInvisible(job, deadline), 20, TimeUnit.MILLISECONDS);
        } else {
            executor.schedule(() -> finish(job, 1), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void finish(EndJob job, int attempt) {
        try {
            // A backfill stops by itself when the grant leaves the index; this waits until it can write no more.
            backfills.stop(job.requestId(), job.grantKey());
            Summary summary = summarize(job.topic());
            resources.deleteTopic(job.topic());
            String actor = job.revoked() ? job.actor() : "jitmask";
            send(AuditEvent.of(AuditEvent.Type.DISCLOSURE_SUMMARY, job.requestId(), clock.instant())
                    .dataset(job.dataset()).grantee(job.grantee()).topic(job.topic())
                    .records(summary.records()).sourceOffsets(summary.offsets()).build());
            send(AuditEvent.of(job.revoked() ? AuditEvent.Type.REVOKED : AuditEvent.Type.EXPIRED, job.requestId(), clock.instant())
                    .actor(actor).dataset(job.dataset()).grantee(job.grantee()).topic(job.topic()).reason(job.reason()).build());
            send(AuditEvent.of(AuditEvent.Type.TOPIC_DELETED, job.requestId(), clock.instant())
                    .dataset(job.dataset()).topic(job.topic()).build());
            audit.flush();
            finished.add(job.requestId());
            if (!job.revoked() && job.expiresAt() != null) {
                metrics.recordRevocation(job.expiresAt());
            }
            queued.remove(job.requestId());
        } catch (RuntimeException e) {
            retry(job, attempt, () -> finish(job, attempt + 1), e);
        }
    }

    @Override
    public boolean confirmFinished(String requestId) {
        return finished.remove(requestId);
    }

    private void retry(EndJob job, int attempt, Runnable next, RuntimeException e) {
        LOG.warn("ending grant {} failed (attempt {} of {}): {}", job.requestId(), attempt, ATTEMPTS, e.getClass().getSimpleName());
        if (attempt < ATTEMPTS && !executor.isShutdown()) {
            executor.schedule(next, attempt, TimeUnit.SECONDS);
        } else {
            queued.remove(job.requestId());
        }
    }

    private void send(AuditEvent event) {
        io.jitmask.audit.AuditSender.send(audit, event);
        metrics.recordAudit(event.type());
    }

    record Summary(long records, Map<String, AuditEvent.OffsetRange> offsets) {
    }

    /** Counts the committed copies on the grant topic and the raw offsets they came from. */
    Summary summarize(String topic) {
        long count = 0;
        Map<String, AuditEvent.OffsetRange> offsets = new TreeMap<>();
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
            } catch (RuntimeException e) {
                return new Summary(0, offsets);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    count++;
                    SourceCoordinates source = SourceCoordinates.of(record.headers());
                    if (source != null) {
                        String p = Integer.toString(source.partition());
                        long o = source.offset();
                        offsets.merge(p, new AuditEvent.OffsetRange(o, o), (a, b) ->
                                new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
                    }
                }
            }
        }
        return new Summary(count, offsets);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
