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
public final class Backfills implements Backfiller, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(60);
    /** Why a run stops when its request moves to another instance (a rebalance), which resumes it. */
    static final String HANDED_OVER = "handed over to the instance that now owns the request";
    /** The reason a run stopped by a shutdown gives; it resumes with the next start, so nobody is notified of it. */
    public static final String SHUTTING_DOWN = "jitmask is shutting down";

    /** Settings and clients shared by every run. */
    public record Settings(GrantIndex grants, Supplier<GrantCopier> copiers,
                           Supplier<Consumer<byte[], byte[]>> consumers, Supplier<Producer<byte[], byte[]>> producers,
                           Function<String, Map<TopicPartition, Long>> highWatermarks,
                           java.util.function.Consumer<AuditEvent> audit, Clock clock, long maxRecordsPerSecond,
                           Duration copyCutoff, Duration progressInterval, io.jitmask.ops.JitmaskMetrics metrics) {
    }

    private record Running(BackfillRun run, Future<?> done) {
    }

    private final Settings settings;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    // A thread per running backfill: each carries its grant's live copies too, so none may queue behind another;
    // each is bounded in rate on its own.
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jitmask-backfill");
        t.setDaemon(true);
        return t;
    });

    public Backfills(Settings settings) {
        this.settings = settings;
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
        end(requestId, "grant ended");
    }

    /** This instance no longer owns the request: the run stops, and the new owner's lifecycle resumes it. */
    @Override
    public void release(String requestId, String grantKey) {
        end(requestId, HANDED_OVER);
    }

    private void end(String requestId, String reason) {
        Running run = running.remove(requestId);
        if (run != null) {
            run.run().requestStop(reason);
            try {
                run.done().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("backfill of {} did not stop cleanly: {}", requestId, e.getClass().getSimpleName());
                run.done().cancel(true);
            }
        }
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
