package io.jitmask.bench;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantJson;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 16: simultaneous lookback grants on one instance. Each run masks the pre-loaded topic with N lookback grants
 * whose window covers every pre-loaded record (their catch-ups read it all, while masking reads it too), and samples
 * the process's threads and Kafka clients (app-info MBeans) while it runs: both are meant not to grow with N.
 * Throughput is against the run with no grant, in the same invocation.
 */
final class LookbackBench {
    private final BenchHarness bench;

    LookbackBench(BenchHarness bench) {
        this.bench = bench;
    }

    /** Lookback grants written straight to jit.grants with a key filter no record has: read by every catch-up, copied never. */
    void writeLookbackGrants(int count, String tag) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bench.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                String id = tag + i;
                Grant grant = new Grant(id, BenchHarness.DATASET, "User:bench" + i, List.of("email"),
                        new GrantFilter.Keys(List.of("no-such-key-" + i)), Topics.grant(BenchHarness.DATASET, id), "bench",
                        List.of("bench"), "BENCH-16 lookback", now, now.plus(Duration.ofHours(2)), Grant.ACTIVE, 86_400L);
                producer.send(new ProducerRecord<>(Topics.GRANTS, grant.key(), GrantJson.toBytes(grant)));
            }
            producer.flush();
        }
    }

    /** One masking run with {@code grants} lookback grants visible: throughput, and peak threads and clients added. */
    Map<String, Object> run(int records, int grants) throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        int clientsBefore = kafkaClients();
        CommittedProgress out = new CommittedProgress(bench.admin(), Topics.masked(BenchHarness.DATASET), BenchHarness.PARTITIONS);
        long base = bench.admin().listTopics().names().get().contains(Topics.masked(BenchHarness.DATASET)) ? out.committed() : 0;
        JitmaskApp app = JitmaskApp.start(bench.config("bench-lookback-" + UUID.randomUUID(), "exactly_once_v2", Map.of()));
        ThreadCpu cpu = new ThreadCpu(app.context().config().applicationId(), app.context().config().controlApplicationId());
        double loadBefore = FloodBench.loadAverage();
        AtomicInteger maxThreads = new AtomicInteger();
        AtomicInteger maxClients = new AtomicInteger();
        AtomicInteger maxReaders = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxThreads.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                maxClients.accumulateAndGet(kafkaClients(), Math::max);
                maxReaders.accumulateAndGet(app.rawLog().consumers(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        sampler.setDaemon(true);
        try {
            app.awaitRunning(Duration.ofSeconds(120));
            long start = System.nanoTime();
            while (app.grants().size() < grants && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(20);
            }
            sampler.start();
            List<long[]> progress = out.await(base, records, 600, cpu::masking);
            sampler.interrupt();
            sampler.join();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("grants", grants);
            r.put("perSecond", Math.round(Stats.steadyRate(progress, records)));
            r.put("cpuMicrosPerRecord", BenchCommand.round(Stats.steadyCpuMicrosPerRecord(progress, records)));
            // The masking stream threads (where the catch-ups run too): what the grants cost, whatever the neighbours do.
            r.put("maskingCpuMicrosPerRecord", BenchCommand.round(Stats.steadyMicrosPerRecord(progress, records, 3)));
            r.put("loadAverage", List.of(BenchCommand.round(loadBefore), BenchCommand.round(FloodBench.loadAverage())));
            // The sampler thread itself is one of the threads counted: subtract it.
            r.put("threadsAdded", maxThreads.get() - threadsBefore - 1);
            r.put("kafkaClientsAdded", maxClients.get() - clientsBefore);
            r.put("catchUpConsumers", maxReaders.get());
            return r;
        } finally {
            sampler.interrupt();
            app.close();
        }
    }

    /**
     * {@code pairs} interleaved pairs of runs without and with {@code grants} lookback grants (written before, and
     * tombstoned after, each run with them), the order alternating from pair to pair; the ratio is the median of the
     * pairs' ratios, so a neighbour loading the machine for a minute hits both runs of a pair.
     */
    Map<String, Object> paired(int records, int grants, int pairs) throws Exception {
        List<Map<String, Object>> none = new ArrayList<>();
        List<Map<String, Object>> with = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++) {
            for (boolean withGrants : pair % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                bench.step("masking with " + (withGrants ? grants : 0) + " lookback grants, pair " + pair + " of " + pairs);
                if (withGrants) {
                    String tag = "lb" + grants + "p" + pair + "_";
                    writeLookbackGrants(grants, tag);
                    with.add(run(records, grants));
                    bench.deleteGrants(grants, tag);
                } else {
                    none.add(run(records, 0));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grants", grants);
        out.put("pairs", pairs);
        out.put("throughputRatio", BenchCommand.round(Stats.pairedRatio(FloodBench.column(with, "perSecond"),
                FloodBench.column(none, "perSecond"))));
        out.put("throughputRatios", FloodBench.ratios(FloodBench.column(with, "perSecond"), FloodBench.column(none, "perSecond")));
        out.put("maskingCpuPerRecordRatio", BenchCommand.round(Stats.pairedRatio(
                FloodBench.column(with, "maskingCpuMicrosPerRecord"), FloodBench.column(none, "maskingCpuMicrosPerRecord"))));
        out.put("none", none);
        out.put("with", with);
        return out;
    }

    /** Kafka clients of this process: one app-info MBean per consumer, producer and admin client. */
    static int kafkaClients() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            int n = 0;
            for (String type : new String[] {"kafka.consumer", "kafka.producer", "kafka.admin.client"}) {
                n += server.queryNames(new ObjectName(type + ":type=app-info,*"), null).size();
            }
            return n;
        } catch (Exception e) {
            throw new IllegalStateException("cannot count Kafka clients", e);
        }
    }
}
