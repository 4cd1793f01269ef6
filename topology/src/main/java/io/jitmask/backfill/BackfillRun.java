package io.jitmask.backfill;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.registry.RegistryUnavailableException;
import io.jitmask.stream.GrantCopier;
import io.jitmask.stream.SourceCoordinates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every copy of one lookback grant, past and live, on a thread of its own. It waits until the grant is visible in
 * this instance's index, reads the high watermark of every raw partition once, and splits there: below it, the
 * window's records are copied by a paced catch-up consumer; from it on, a live consumer copies records as they
 * arrive, for as long as the grant lives. The masking path copies nothing for lookback grants, so one run, on the
 * instance that owns the request, decides every copy with one split per partition: no gap and no duplicate
 * whichever instances mask the raw partitions. Copies go through the same {@link GrantCopier} as the masking
 * path's. It stops the moment the grant leaves the index (revoked or expired), when the copy cutoff before
 * {@code expiresAt} is reached, or when asked to; the audit trail gets counts and offsets, never a value.
 */
final class BackfillRun implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillRun.class);
    private static final long SLEEP_SLICE_NANOS = Duration.ofMillis(20).toNanos();
    private static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);
    private static final Duration LIVE_INTERVAL = Duration.ofMillis(100);

    private final String requestId;
    private final String grantKey;
    private final Backfills.Settings deps;
    private final Duration visibilityTimeout;
    private GrantCopier copier;
    private volatile String stopRequested;
    private final AtomicReference<Exception> writeFailure = new AtomicReference<>();
    private long copied;
    private long unreadable;
    private final Map<String, AuditEvent.OffsetRange> copiedOffsets = new TreeMap<>();
    /** Set once the window below the split is copied and BACKFILL_COMPLETED audited. */
    private boolean completed;

    /** @param visibilityTimeout how long to wait for the grant to reach this instance's index before giving up */
    BackfillRun(String requestId, String grantKey, Backfills.Settings deps, Duration visibilityTimeout) {
        this.requestId = requestId;
        this.grantKey = grantKey;
        this.deps = deps;
        this.visibilityTimeout = visibilityTimeout;
    }

    /** Asks the run to stop at the next record; {@code reason} goes to the audit. */
    void requestStop(String reason) {
        stopRequested = reason;
    }

    @Override
    public void run() {
        try {
            Grant grant = awaitVisible();
            if (grant != null) {
                copier = deps.copiers().get();
                try (Consumer<byte[], byte[]> catchUp = deps.consumers().get();
                     Consumer<byte[], byte[]> live = deps.consumers().get();
                     Producer<byte[], byte[]> producer = deps.producers().get()) {
                    backfill(grant, catchUp, live, producer);
                }
            } else {
                // The activation was never committed (or the grant already ended): nothing was promised.
                LOG.info("backfill of {} not started: the grant never became visible", requestId);
            }
        } catch (RuntimeException e) {
            LOG.warn("backfill of {} ended abnormally: {}", requestId, e.getClass().getSimpleName());
        }
    }

    private void backfill(Grant grant, Consumer<byte[], byte[]> catchUp, Consumer<byte[], byte[]> live,
                          Producer<byte[], byte[]> producer) {
        String stopReason;
        try {
            stopReason = copy(grant, catchUp, live, producer);
            producer.flush();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            stopReason = Backfills.SHUTTING_DOWN;
        } catch (RuntimeException e) {
            LOG.warn("backfill of {} failed: {}", requestId, e.getClass().getSimpleName());
            stopReason = "failed (" + e.getClass().getSimpleName() + ")";
        }
        if (writeFailure.get() != null) {
            stopReason = "writing a copy failed (" + writeFailure.get().getClass().getSimpleName() + ")";
        } else if (completed && isEnd(stopReason)) {
            // The window was copied and audited; live copies simply end with the grant.
            return;
        }
        AuditEvent.Builder end = event(AuditEvent.Type.BACKFILL_STOPPED, grant).records(copied)
                .sourceOffsets(Map.copyOf(copiedOffsets))
                .reason(completed ? "live copies stopped: " + stopReason : stopReason);
        if (unreadable > 0) {
            end.detail(unreadable + " records of the window could not be masked and were not copied");
        }
        deps.audit().accept(end.build());
    }

    /** The grant ended, expired or jitmask handed the request over: the normal ends of a run. */
    private static boolean isEnd(String reason) {
        return reason != null && (reason.equals("grant ended") || reason.startsWith("grant expires at")
                || reason.startsWith(Backfills.HANDED_OVER));
    }

    private Grant awaitVisible() {
        long deadline = System.nanoTime() + visibilityTimeout.toNanos();
        while (stopRequested == null && System.nanoTime() < deadline) {
            Grant grant = deps.grants().get(grantKey);
            if (grant != null) {
                return grant;
            }
            sleepNanos(SLEEP_SLICE_NANOS);
        }
        return null;
    }

    /** Copies until the run must stop; returns why. */
    private String copy(Grant grant, Consumer<byte[], byte[]> catchUp, Consumer<byte[], byte[]> live,
                        Producer<byte[], byte[]> producer) {
        // Copies already on the grant topic: none on a first run, those of an interrupted run when resumed after a
        // restart or on another instance.
        Set<SourceCoordinates> delivered = delivered(catchUp, grant.topic());
        String raw = Topics.raw(grant.dataset());
        // The split, read after the grant became visible here: below it the catch-up's, from it the live consumer's.
        Map<TopicPartition, Long> split = deps.highWatermarks().apply(raw);
        List<TopicPartition> partitions = List.copyOf(split.keySet());
        Map<Integer, Long> boundaries = new HashMap<>();
        split.forEach((tp, offset) -> boundaries.put(tp.partition(), offset));
        Instant windowTo = grant.activatedAt();
        Instant windowFrom = windowTo.minusSeconds(grant.lookbackSeconds());
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, windowFrom.toEpochMilli()));
        Map<Integer, BackfillPlan.First> firsts = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : catchUp.offsetsForTimes(query, Duration.ofSeconds(30)).entrySet()) {
            if (e.getValue() != null) {
                firsts.put(e.getKey().partition(), new BackfillPlan.First(e.getValue().offset(), e.getValue().timestamp()));
            }
        }
        Map<Integer, Long> logStarts = new HashMap<>();
        catchUp.beginningOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, o) -> logStarts.put(tp.partition(), o));
        BackfillPlan plan = BackfillPlan.of(windowFrom, windowTo, boundaries, firsts, logStarts);
        String resumed = delivered.isEmpty() ? null
                : "resumed: " + delivered.size() + " copies already on the grant topic are not copied again";
        String note = plan.retentionNote() == null ? resumed : resumed == null ? plan.retentionNote() : resumed + "; " + plan.retentionNote();
        deps.audit().accept(event(AuditEvent.Type.BACKFILL_STARTED, grant).windowFrom(windowFrom).windowTo(windowTo)
                .reachedBack(plan.reachedBack()).windowOffsets(plan.auditOffsets()).detail(note).build());

        live.assign(partitions);
        partitions.forEach(tp -> live.seek(tp, split.get(tp)));
        List<TopicPartition> open = new ArrayList<>();
        plan.ranges().keySet().forEach(p -> open.add(new TopicPartition(raw, p)));
        catchUp.assign(open);
        open.forEach(tp -> catchUp.seek(tp, plan.ranges().get(tp.partition()).from()));
        RatePacer pacer = new RatePacer(deps.maxRecordsPerSecond());
        long nextProgress = System.nanoTime() + deps.progressInterval().toNanos();
        long nextLive = 0;
        while (true) {
            // A stop is noticed before anything else: a catch-up batch cut short must not count as complete.
            String stop = stopReason(grant);
            if (stop != null) {
                return stop;
            }
            if (!completed && open.isEmpty()) {
                completed = true;
                catchUp.assign(List.of());
                deps.audit().accept(event(AuditEvent.Type.BACKFILL_COMPLETED, grant).records(copied)
                        .sourceOffsets(Map.copyOf(copiedOffsets)).detail(unreadable > 0
                                ? unreadable + " records of the window could not be masked and were not copied" : null).build());
            }
            if (completed) {
                copyLive(grant, live, producer, Duration.ofMillis(100));
                continue;
            }
            // Live records between the catch-up's polls and paced records, at least every 100 ms: the rate bound
            // is the catch-up's, live copies keep up with the topic while the window is copied.
            nextLive = copyLiveWhenDue(grant, live, producer, nextLive);
            for (ConsumerRecord<byte[], byte[]> record : catchUp.poll(Duration.ofMillis(100))) {
                nextLive = copyLiveWhenDue(grant, live, producer, nextLive);
                long until = plan.ranges().get(record.partition()).until();
                if (record.offset() >= until || delivered.contains(new SourceCoordinates(record.partition(), record.offset()))) {
                    continue;
                }
                if (!paceOrStop(pacer, grant) || !copyOrRewind(grant, record, producer, catchUp, true)) {
                    break;
                }
                if (System.nanoTime() - nextProgress >= 0) {
                    deps.audit().accept(event(AuditEvent.Type.BACKFILL_PROGRESS, grant).records(copied)
                            .sourceOffsets(Map.copyOf(copiedOffsets)).build());
                    nextProgress = System.nanoTime() + deps.progressInterval().toNanos();
                }
            }
            open.removeIf(tp -> catchUp.position(tp) >= plan.ranges().get(tp.partition()).until());
            catchUp.pause(catchUp.assignment().stream().filter(tp -> !open.contains(tp)).toList());
        }
    }

    /** Copies what the live consumer has when {@code due} (nanoTime) has come; returns the next due time. */
    private long copyLiveWhenDue(Grant grant, Consumer<byte[], byte[]> live, Producer<byte[], byte[]> producer, long due) {
        if (System.nanoTime() - due < 0) {
            return due;
        }
        copyLive(grant, live, producer, Duration.ZERO);
        return System.nanoTime() + LIVE_INTERVAL.toNanos();
    }

    /** Copies what the live consumer has from the split on; nothing of the window is ever among it. */
    private void copyLive(Grant grant, Consumer<byte[], byte[]> live, Producer<byte[], byte[]> producer, Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : live.poll(timeout)) {
            if (!copyOrRewind(grant, record, producer, live, false)) {
                return;
            }
        }
    }

    /**
     * Copies one record; false when the rest of the poll must wait: the registry is unreachable (the consumer is
     * rewound to this record and retried a second later, as the masking path would) or the run must stop.
     */
    private boolean copyOrRewind(Grant grant, ConsumerRecord<byte[], byte[]> record, Producer<byte[], byte[]> producer,
                                 Consumer<byte[], byte[]> consumer, boolean window) {
        try {
            copyOne(grant, record, producer, window);
            return stopReason(grant) == null;
        } catch (RegistryUnavailableException e) {
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            sleepNanos(REGISTRY_RETRY.toNanos());
            return false;
        }
    }

    private static List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** The source coordinates of every committed copy on the grant topic. */
    private static Set<SourceCoordinates> delivered(Consumer<byte[], byte[]> consumer, String topic) {
        Set<SourceCoordinates> out = new HashSet<>();
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> copy : consumer.poll(Duration.ofMillis(100))) {
                SourceCoordinates source = SourceCoordinates.of(copy.headers());
                if (source != null) {
                    out.add(source);
                }
            }
        }
        consumer.assign(List.of());
        return out;
    }

    private void copyOne(Grant grant, ConsumerRecord<byte[], byte[]> record, Producer<byte[], byte[]> producer,
                         boolean window) {
        GrantCopier.Copy copy;
        try {
            copy = copier.copyIfMatching(grant, grant.dataset(), record.key(), record.value());
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // The masking path sent this record to the DLQ when it first saw it; the window only counts it.
            if (window) {
                unreadable++;
            }
            return;
        }
        if (copy == null) {
            return;
        }
        // The last guard, as on the masking path: the grant may have ended while this record was masked.
        String stop = stopReason(grant);
        if (stop != null) {
            return;
        }
        producer.send(new ProducerRecord<>(grant.topic(), null, record.timestamp(), copy.key(), copy.value(),
                copier.headers(record.headers(), record.partition(), record.offset())), (metadata, error) -> {
                    if (error != null) {
                        writeFailure.compareAndSet(null, error);
                    }
                });
        deps.metrics().recordGrantCopy(grant.dataset(), grant.requestId());
        if (!window) {
            return;
        }
        copied++;
        copiedOffsets.merge(Integer.toString(record.partition()), new AuditEvent.OffsetRange(record.offset(), record.offset()),
                (a, b) -> new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
    }

    /** Waits for the pacer's next slot, in short slices so an end is noticed at once; false when it must stop. */
    private boolean paceOrStop(RatePacer pacer, Grant grant) {
        long until = System.nanoTime() + pacer.reserve(System.nanoTime());
        while (true) {
            if (stopReason(grant) != null) {
                return false;
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            sleepNanos(Math.min(left, SLEEP_SLICE_NANOS));
        }
    }

    /** Why the backfill must stop now, or null. */
    private String stopReason(Grant grant) {
        String requested = stopRequested;
        if (requested != null) {
            return requested;
        }
        if (!deps.grants().contains(grantKey)) {
            return "grant ended";
        }
        if (!grant.isLiveAt(deps.clock().instant().plus(deps.copyCutoff()))) {
            return "grant expires at " + grant.expiresAt() + " (copies stop " + deps.copyCutoff().toMillis() + " ms before)";
        }
        if (writeFailure.get() != null) {
            return "writing a copy failed (" + writeFailure.get().getClass().getSimpleName() + ")";
        }
        return null;
    }

    private AuditEvent.Builder event(AuditEvent.Type type, Grant grant) {
        return AuditEvent.of(type, requestId, deps.clock().instant()).dataset(grant.dataset()).grantee(grant.grantee())
                .topic(grant.topic()).lookbackSeconds(grant.lookbackSeconds());
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }
}
