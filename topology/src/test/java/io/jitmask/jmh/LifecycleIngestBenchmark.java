package io.jitmask.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The lifecycle processor alone (issue 16 ingest), in a TopologyTestDriver with its real stores (RocksDB, cached,
 * changelogged): one operation is a signed REQUESTED and its DENIED, the pair every flood and history run posts.
 * Besides time per pair it prints {@code cpuMicrosPerPair} per iteration: the benchmark thread's CPU time per pair, which a
 * shared machine's load disturbs far less than wall time (the lifecycle runs on the calling thread here). No broker:
 * what it measures is the control thread's own cost per event (signature, JSON, stores, audit record).
 *
 * <pre>./mvnw -B -o -pl topology -Pjmh -DskipTests verify -Djmh.args="LifecycleIngest -f 1 -wi 1 -w 10s -i 3 -r 10s"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LifecycleIngestBenchmark {
    /** Pairs signed ahead: enough for the longest run above at 1,000 pairs/s (signing is the clients' cost). */
    private static final int PAIRS = 60_000;

    private LifecycleDriver lifecycle;
    private Path stateDir;
    private final List<String[]> events = new ArrayList<>();
    private int next;

    /**
     * The thread's CPU per pair over each iteration, printed with the iteration (not a JMH counter: JMH sums event
     * counters over the iterations).
     */
    @State(Scope.Thread)
    public static class Cpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        long startNanos;
        long pairs;

        @Setup(Level.Iteration)
        public void start() {
            startNanos = THREADS.getCurrentThreadCpuTime();
            pairs = 0;
        }

        @TearDown(Level.Iteration)
        public void report() {
            System.out.printf("cpuMicrosPerPair %.1f over %d pairs%n",
                    (THREADS.getCurrentThreadCpuTime() - startNanos) / 1e3 / Math.max(1, pairs), pairs);
        }

        void pair() {
            pairs++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        stateDir = Files.createTempDirectory("jitmask-lifecycle-jmh");
        Instant now = Instant.now();
        lifecycle = LifecycleDriver.builder("lifecycle-jmh", now).stateDir(stateDir).deleteGrace(Duration.ofSeconds(5))
                .exactlyOnce().start();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < PAIRS; i++) {
            String id = "jmh" + run + "-" + i;
            String actor = i % 2 == 0 ? "alice" : "dave";
            ObjectNode request = ApprovalEvents.requested(id, actor, now, "User:" + actor, "customers",
                    List.of("email"), null, "BENCH-4 lifecycle " + i, 300, null, DemoActors.key(actor));
            events.add(new String[] {id, request.toString(),
                    ApprovalEvents.denied(id, "bob", now, "benchmark", DemoActors.key("bob")).toString()});
        }
    }

    @Benchmark
    public void requestThenDenial(Cpu cpu) {
        if (next == events.size()) {
            throw new IllegalStateException("all " + PAIRS + " signed pairs used: run shorter iterations");
        }
        String[] pair = events.get(next++);
        lifecycle.approvals.pipeInput(pair[0], pair[1]);
        lifecycle.approvals.pipeInput(pair[0], pair[2]);
        if (next % 1_000 == 0) {
            // The driver keeps every output record: drop them, making sure every event was taken, none refused.
            for (byte[] event : lifecycle.audit.readValuesToList()) {
                if (new String(event, java.nio.charset.StandardCharsets.UTF_8).contains("\"REJECTED\"")) {
                    throw new IllegalStateException("an event was refused: " + new String(event,
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        cpu.pair();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        lifecycle.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
