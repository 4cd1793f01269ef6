package io.jitmask.backfill;

import io.jitmask.audit.AuditEvent;
import io.jitmask.grants.Backfiller;
import io.jitmask.grants.GrantIndex;
import io.jitmask.stream.GrantCopier;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the backfills of lookback grants on threads of their own, so copying a window never stalls the masking of
 * live traffic. Each run has its own consumer (read_committed, assigned, no group), producer
 * (idempotent) and copier.
 */
public final class Backfills implements Backfiller, GrantIndex.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(60);

    /** Settings and clients shared by every run. */
    public record Settings(GrantIndex grants, LiveBoundaries boundaries, Supplier<GrantCopier> copiers,
                           Supplier<Consumer<byte[], byte[]>> consumers, Supplier<Producer<byte[], byte[]>> producers,
                           Function<String, Map<TopicPartition, Long>> highWatermarks,
                           java.util.function.Consumer<AuditEvent> audit, Clock clock, long maxRecordsPerSecond,
                           Duration copyCutoff, Duration progressInterval) {
    }

    private record Running(BackfillRun run, Future<?> done) {
    }

    private final Settings settings;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    // A thread per running backfill: each must set its live boundaries as soon as its grant is visible, so none
    // may queue behind another; each is bounded in rate on its own.
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jitmask-backfill");
        t.setDaemon(true);
        return t;
    });

    public Backfills(Settings settings) {
        this.settings = settings;
        settings.grants().listen(this);
    }

    /**
     * Every instance sets the live boundaries of a lookback grant as soon as the grant is visible to its masking
     * path, so live copies flow from the partitions it masks even when the backfill runs in another instance.
     */
    @Override
    public void visible(io.jitmask.grants.Grant grant) {
        if (!grant.hasLookback()) {
            return;
        }
        submit(() -> {
            for (int attempt = 1; attempt <= 3 && settings.grants().contains(grant.key()); attempt++) {
                try {
                    settings.highWatermarks().apply(io.jitmask.config.Topics.raw(grant.dataset()))
                            .forEach((tp, hw) -> settings.boundaries().claim(grant.key(), tp.partition(), hw));
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("setting the live boundaries of {} failed (attempt {} of 3): {}", grant.requestId(), attempt,
                            e.getClass().getSimpleName());
                    try {
                        Thread.sleep(1000L * attempt);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
    }

    @Override
    public void gone(String grantKey) {
        settings.boundaries().forget(grantKey);
    }

    @Override
    public void start(String requestId, String grantKey) {
        running.computeIfAbsent(requestId, id -> {
            BackfillRun run = new BackfillRun(requestId, grantKey, settings, VISIBILITY_TIMEOUT);
            return new Running(run, submit(run));
        });
    }

    /** Runs a task on its own thread; once jitmask is closing, nothing new starts. */
    private Future<?> submit(Runnable task) {
        try {
            return executor.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void stop(String requestId, String grantKey) {
        Running run = running.remove(requestId);
        if (run != null) {
            run.run().requestStop("grant ended");
            try {
                run.done().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("backfill of {} did not stop cleanly: {}", requestId, e.getClass().getSimpleName());
                run.done().cancel(true);
            }
        }
        settings.boundaries().forget(grantKey);
    }

    /** True while a backfill of the request is running or waiting to. */
    public boolean isRunning(String requestId) {
        Running run = running.get(requestId);
        return run != null && !run.done().isDone();
    }

    @Override
    public void close() {
        running.values().forEach(r -> r.run().requestStop("jitmask is shutting down"));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
