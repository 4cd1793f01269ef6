package io.jitmask.grants;

import io.jitmask.config.Topics;
import io.jitmask.ops.JitmaskMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the grant commands of {@code jit.grant-commands} for the partitions this instance owns in the
 * consumer group {@code <application.id>-grant-workers}: ownership is partition assignment, nothing else. It reads
 * read_committed (only commands of committed lifecycle transactions), runs the commands due in batches with
 * {@link GrantCommandExecutor} (one Admin request per step for the whole batch, one outcome per command), retrying
 * each failed one with backoff for as long as it owns the partition, and posts each outcome
 * to {@code jit.grant-results}. Offsets are committed only past finished commands, after their results are
 * acknowledged: a crash or a handover makes the new owner run the unfinished ones again (they are idempotent), and
 * the lifecycle ignores a result it no longer waits for. A partition taken away stops its commands here at once.
 *
 * <p>Its own thread: no Admin call ever runs on a stream thread.
 */
public final class GrantCommandWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrantCommandWorker.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** Commands run between polls for at most this long, so the consumer stays in its group. */
    private static final Duration MAX_BUSY = Duration.ofSeconds(60);

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> results;
    private final GrantCommandExecutor executor;
    private final Clock clock;
    private final JitmaskMetrics metrics;
    private final GrantCommandQueue queue;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
    /** Held commands were dropped ({@link #recover}) and the consumer is not yet back at the committed offsets. */
    private boolean resumeFromCommitted;

    /**
     * @param batchSize the most commands carried out together ({@code jitmask.grant.command.batch.max})
     */
    public GrantCommandWorker(Consumer<String, byte[]> consumer, Producer<String, byte[]> results,
                              GrantCommandExecutor executor, Clock clock, JitmaskMetrics metrics, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.consumer = consumer;
        this.results = results;
        this.executor = executor;
        this.clock = clock;
        this.metrics = metrics;
        this.queue = new GrantCommandQueue(clock);
        this.thread = new Thread(this::run, "jitmask-grant-commands");
        this.thread.setDaemon(true);
    }

    public GrantCommandWorker start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.GRANT_COMMANDS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Finished commands are committed; unfinished ones are the next owner's to run.
                    commit();
                    queue.drop(partitions);
                    partitions.forEach(committed::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    queue.drop(partitions);
                    partitions.forEach(committed::remove);
                }
            });
            while (running.get()) {
                try {
                    iteration();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    recover(e);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("grant command worker woken up while running");
            }
        } finally {
            try {
                commit();
            } catch (RuntimeException ignored) {
                // the next owner runs what was not committed
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void iteration() {
        if (resumeFromCommitted) {
            // Held commands were dropped: read them again before anything is polled or committed past them.
            seekToCommitted();
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout())) {
            try {
                queue.add(new TopicPartition(record.topic(), record.partition()), record.offset(),
                        GrantCommand.fromBytes(record.value()));
            } catch (IllegalArgumentException e) {
                // Only the lifecycle writes this topic; an unreadable record is skipped, never trusted.
                LOG.warn("skipping unreadable grant command at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        runDue();
        commit();
        metrics.recordGrantCommandsFailing(queue.failing());
    }

    /**
     * A result could not be posted or an offset not committed (the broker is away): forget what is held and read
     * again from the last committed offsets once the broker answers. Commands run again are idempotent. Until the
     * consumer is back at those offsets nothing is polled or committed: a poll would go on past the dropped commands
     * and the next commit would skip them for good (the grant would wait forever).
     */
    private void recover(RuntimeException e) {
        LOG.warn("grant command worker: {}; resuming from the last committed offsets", e.getClass().getSimpleName());
        sent.clear();
        queue.drop(consumer.assignment());
        resumeFromCommitted = true;
        try {
            Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /** Puts each owned partition back at its committed offset; throws while the broker cannot say what that is. */
    private void seekToCommitted() {
        var assigned = consumer.assignment();
        var offsets = consumer.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = offsets.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset.offset());
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
            committed.remove(partition);
        }
        resumeFromCommitted = false;
    }

    private Duration pollTimeout() {
        Instant next = queue.nextDue();
        if (next == null) {
            return MAX_POLL;
        }
        Duration until = Duration.between(clock.instant(), next);
        return until.isNegative() ? Duration.ZERO : until.compareTo(MAX_POLL) > 0 ? MAX_POLL : until;
    }

    /**
     * Runs what is due a batch at a time: up to {@code batchSize} commands (at most one per request, the queue's
     * order) are carried out together, each Admin step one request for the whole batch, then each command's own
     * outcome is posted or retried. A command's result is sent only once its side effect is confirmed.
     */
    private void runDue() {
        long busyUntil = System.nanoTime() + MAX_BUSY.toNanos();
        List<GrantCommandQueue.Pending> due = queue.due();
        for (int from = 0; from < due.size(); from += batchSize) {
            if (!running.get() || System.nanoTime() > busyUntil) {
                return;
            }
            List<GrantCommandQueue.Pending> batch = due.subList(from, Math.min(due.size(), from + batchSize));
            List<Outcome<GrantResult>> outcomes;
            try {
                outcomes = executor.execute(batch.stream().map(GrantCommandQueue.Pending::command).toList());
            } catch (RuntimeException e) {
                // Not one command's failure (those are outcomes): every command of the batch is tried again.
                outcomes = batch.stream().map(p -> Outcome.<GrantResult>failed(e)).toList();
            }
            for (int i = 0; i < batch.size(); i++) {
                GrantCommandQueue.Pending pending = batch.get(i);
                Outcome<GrantResult> outcome = outcomes.get(i);
                if (outcome.succeeded()) {
                    send(outcome.value());
                    queue.done(pending);
                } else {
                    failed(pending, outcome.failure());
                }
            }
        }
    }

    private void failed(GrantCommandQueue.Pending pending, RuntimeException e) {
        GrantCommand command = pending.command();
        metrics.recordGrantCommandFailure(command.type().name());
        int failures = queue.failed(pending);
        LOG.warn("grant command {} for {} failed ({}); retrying", command.type(), command.requestId(),
                e.getClass().getSimpleName());
        if (failures > 0) {
            send(GrantResult.failing(command.requestId(), clock.instant(), command.type(), failures,
                    e.getClass().getSimpleName()));
        }
    }

    private void send(GrantResult result) {
        sent.add(results.send(new ProducerRecord<>(Topics.GRANT_RESULTS, result.requestId(), result.toBytes())));
    }

    /** Commits, per owned partition, up to its oldest unfinished command, once the results sent are acknowledged. */
    private void commit() {
        if (resumeFromCommitted) {
            // Dropped commands are not read again yet: the positions are past them (also on close and revocation).
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            long offset = queue.committable(partition, consumer.position(partition));
            if (!Long.valueOf(offset).equals(committed.get(partition))) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        results.flush();
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a grant result was not written: " + e.getCause().getClass().getSimpleName());
            }
        }
        sent.clear();
        consumer.commitSync(offsets);
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
