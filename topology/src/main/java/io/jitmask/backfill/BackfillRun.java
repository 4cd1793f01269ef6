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
 * The backfill of one lookback grant, on its own thread: waits until the grant is visible to this instance's
 * masking path, claims the live boundary of every raw partition, then copies the matching records of the window
 * below it, at a bounded rate, through the same {@link GrantCopier} as live copies. It stops the moment the grant
 * leaves the index (revoked or expired), when the copy cutoff before {@code expiresAt} is reached, or when asked
 * to; the audit trail gets counts and offsets, never a value.
 */
final class BackfillRun implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillRun.class);
    private static final long SLEEP_SLICE_NANOS = Duration.ofMillis(20).toNanos();

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
                try (Consumer<byte[], byte[]> consumer = deps.consumers().get();
                     Producer<byte[], byte[]> producer = deps.producers().get()) {
                    backfill(grant, consumer, producer);
                }
            } else {
                // The activation was never committed (or the grant already ended): nothing was promised.
                LOG.info("backfill of {} not started: the grant never became visible", requestId);
            }
        } catch (RuntimeException e) {
            LOG.warn("backfill of {} ended abnormally: {}", requestId, e.getClass().getSimpleName());
        }
    }

    private void backfill(Grant grant, Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        String stopReason;
        try {
            stopReason = copy(grant, consumer, producer);
            producer.flush();
            if (stopReason == null && writeFailure.get() != null) {
                stopReason = "writing a copy failed (" + writeFailure.get().getClass().getSimpleName() + ")";
            }
        } catch (RegistryUnavailableException e) {
            stopReason = "schema registry unavailable";
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            stopReason = "jitmask is shutting down";
        } catch (RuntimeException e) {
            LOG.warn("backfill of {} failed: {}", requestId, e.getClass().getSimpleName());
            stopReason = "failed (" + e.getClass().getSimpleName() + ")";
        }
        AuditEvent.Builder end = event(stopReason == null ? AuditEvent.Type.BACKFILL_COMPLETED : AuditEvent.Type.BACKFILL_STOPPED, grant)
                .records(copied).sourceOffsets(Map.copyOf(copiedOffsets)).reason(stopReason);
        if (unreadable > 0) {
            end.detail(unreadable + " records of the window could not be masked and were not copied");
        }
        deps.audit().accept(end.build());
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

    /** Returns why the copy stopped early, or null when every record of the window was handled. */
    private String copy(Grant grant, Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        // Copies already on the grant topic: none on a first run (the live path leaves every record to the backfill
        // until the boundary is set), those of the interrupted run and of the live path when resumed after a restart.
        Set<SourceCoordinates> delivered = delivered(consumer, grant.topic());
        String raw = Topics.raw(grant.dataset());
        // Read after the grant became visible here: records from these offsets on are the live path's.
        Map<TopicPartition, Long> highWatermarks = deps.highWatermarks().apply(raw);
        List<TopicPartition> partitions = List.copyOf(highWatermarks.keySet());
        Map<Integer, Long> boundaries = new HashMap<>();
        for (TopicPartition tp : partitions) {
            boundaries.put(tp.partition(), deps.boundaries().claim(grantKey, tp.partition(), highWatermarks.get(tp)));
        }
        Instant windowTo = grant.activatedAt();
        Instant windowFrom = windowTo.minusSeconds(grant.lookbackSeconds());
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, windowFrom.toEpochMilli()));
        Map<Integer, BackfillPlan.First> firsts = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query, Duration.ofSeconds(30)).entrySet()) {
            if (e.getValue() != null) {
                firsts.put(e.getKey().partition(), new BackfillPlan.First(e.getValue().offset(), e.getValue().timestamp()));
            }
        }
        Map<Integer, Long> logStarts = new HashMap<>();
        consumer.beginningOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, o) -> logStarts.put(tp.partition(), o));
        BackfillPlan plan = BackfillPlan.of(windowFrom, windowTo, boundaries, firsts, logStarts);
        String resumed = delivered.isEmpty() ? null
                : "resumed: " + delivered.size() + " copies already on the grant topic are not copied again";
        String note = plan.retentionNote() == null ? resumed : resumed == null ? plan.retentionNote() : resumed + "; " + plan.retentionNote();
        deps.audit().accept(event(AuditEvent.Type.BACKFILL_STARTED, grant).windowFrom(windowFrom).windowTo(windowTo)
                .reachedBack(plan.reachedBack()).windowOffsets(plan.auditOffsets()).detail(note).build());

        List<TopicPartition> assigned = new ArrayList<>();
        plan.ranges().keySet().forEach(p -> assigned.add(new TopicPartition(raw, p)));
        consumer.assign(assigned);
        assigned.forEach(tp -> consumer.seek(tp, plan.ranges().get(tp.partition()).from()));
        RatePacer pacer = new RatePacer(deps.maxRecordsPerSecond());
        long nextProgress = System.nanoTime() + deps.progressInterval().toNanos();
        List<TopicPartition> open = new ArrayList<>(assigned);
        while (!open.isEmpty()) {
            String stop = stopReason(grant);
            if (stop != null) {
                return stop;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                long until = plan.ranges().get(record.partition()).until();
                if (record.offset() >= until) {
                    continue;
                }
                if (delivered.contains(new SourceCoordinates(record.partition(), record.offset()))) {
                    continue;
                }
                if (!paceOrStop(pacer, grant)) {
                    return stopReason(grant);
                }
                copyOne(grant, record, producer);
                if (System.nanoTime() - nextProgress >= 0) {
                    deps.audit().accept(event(AuditEvent.Type.BACKFILL_PROGRESS, grant).records(copied)
                            .sourceOffsets(Map.copyOf(copiedOffsets)).build());
                    nextProgress = System.nanoTime() + deps.progressInterval().toNanos();
                }
            }
            open.removeIf(tp -> consumer.position(tp) >= plan.ranges().get(tp.partition()).until());
            consumer.pause(assigned.stream().filter(tp -> !open.contains(tp)).toList());
        }
        return stopReason(grant);
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

    private void copyOne(Grant grant, ConsumerRecord<byte[], byte[]> record, Producer<byte[], byte[]> producer) {
        GrantCopier.Copy copy;
        try {
            copy = copier.copyIfMatching(grant, grant.dataset(), record.key(), record.value());
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // The live path sent this record to the DLQ when it first saw it; the backfill only counts it.
            unreadable++;
            return;
        }
        if (copy == null) {
            return;
        }
        // The last guard, as on the live path: the grant may have ended while this record was masked.
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
