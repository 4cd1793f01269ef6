package io.jitmask.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Keyring;
import io.jitmask.config.Topics;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.GrantLifecycleProcessor;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.TestKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
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

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> approvals;
    private TestOutputTopic<String, byte[]> audit;
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
        Policy policy = PolicyLoader.load(DemoActors.POLICY);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, TestKeys.KEYSET);
        ApprovalValidator validator = new ApprovalValidator(Keyring.load(DemoActors.KEYRING), policy,
                Set.of("customers"), dataset -> engine.sensitiveFields(dataset, SampleSchemas.of(dataset)));
        Topology topology = JitmaskTopology.lifecycle(new io.jitmask.app.ControlTopology(), new GrantLifecycleProcessor.Deps(validator, true,
                Duration.ofHours(1), Duration.ofSeconds(5)));
        stateDir = Files.createTempDirectory("jitmask-lifecycle-jmh");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lifecycle-jmh");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        Instant now = Instant.now();
        driver = new TopologyTestDriver(topology, props, now);
        approvals = driver.createInputTopic(Topics.APPROVALS, new StringSerializer(), new StringSerializer());
        audit = driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), new ByteArrayDeserializer());
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
        approvals.pipeInput(pair[0], pair[1]);
        approvals.pipeInput(pair[0], pair[2]);
        if (next % 1_000 == 0) {
            // The driver keeps every output record: drop them, making sure every event was taken, none refused.
            for (byte[] event : audit.readValuesToList()) {
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
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
