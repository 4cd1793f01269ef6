package io.jitmask.bench;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.Topics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One masking run of a fresh application over the pre-loaded records, started once the grants on jit.grants are in its
 * index: records/s, process and masking-thread CPU per record, the load average, and, sampled every 100 ms while it
 * runs, the peak threads and Kafka clients (app-info MBeans) it added to the process and its catch-up consumers.
 */
final class MaskingRun {
    private final BenchHarness bench;
    private final String prefix;

    MaskingRun(BenchHarness bench, String applicationIdPrefix) {
        this.bench = bench;
        this.prefix = applicationIdPrefix;
    }

    /** One masking run once {@code grants} grants are in the instance's index: throughput, CPU, peak threads and clients added. */
    Map<String, Object> run(int records, int grants) throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        int clientsBefore = kafkaClients();
        CommittedProgress out = new CommittedProgress(bench.admin(), Topics.masked(BenchHarness.DATASET), BenchHarness.PARTITIONS);
        long base = bench.admin().listTopics().names().get().contains(Topics.masked(BenchHarness.DATASET)) ? out.committed() : 0;
        JitmaskApp app = JitmaskApp.start(bench.config(prefix + UUID.randomUUID(), "exactly_once_v2", Map.of()));
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
            List<long[]> progress = out.await(base, records, 600, cpu::masking, cpu::control);
            sampler.interrupt();
            sampler.join();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("grants", grants);
            r.put("perSecond", Math.round(Stats.steadyRate(progress, records)));
            r.put("cpuMicrosPerRecord", BenchCommand.round(Stats.steadyCpuMicrosPerRecord(progress, records)));
            // The masking stream threads (where the catch-ups run too): what the grants cost, whatever the neighbours do.
            r.put("maskingCpuMicrosPerRecord", BenchCommand.round(Stats.steadyMicrosPerRecord(progress, records, 3)));
            // The control plane (lookback grants' CATCH_UP_* results reach the lifecycle, never held back).
            r.put("controlCores", BenchCommand.round(Stats.steadyCores(progress, records, 4)));
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
