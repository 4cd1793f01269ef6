package io.jitmask.bench;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 16: masking while a flood of signed requests arrives on {@code jit.approvals}, against none, in interleaved
 * pairs (quiet then flood, flood then quiet, ...) so that a neighbour loading the shared machine for a minute hits
 * both runs of a pair; the figure is the median of the pairs' ratios. Each run starts a fresh application on the
 * pre-loaded raw records with either nothing or the whole flood waiting on {@code jit.approvals}, and reports beside
 * records/s the CPU the masking stream threads used per record and the share of a core the control plane's threads
 * took meanwhile (thread CPU time: what the control plane's budget is meant to bound while masking lags), then the
 * end-to-end latency of single records, and a fresh approval posted behind what is left of the flood, timed to its
 * first copy (the budget must slow the control plane, never starve it).
 */
final class FloodBench {
    private static final int PARTITIONS = BenchHarness.PARTITIONS;
    private final BenchHarness bench;
    private final ControlPlaneBench control;

    FloodBench(BenchHarness bench, ControlPlaneBench control) {
        this.bench = bench;
        this.control = control;
    }

    /** {@code pairs} interleaved quiet/flood pairs and their paired ratios. */
    Map<String, Object> run(int records, int floodRequests, int pairs, int probes) throws Exception {
        PairedRuns runs = PairedRuns.of(bench, pairs, "masking while " + floodRequests + " requests arrive",
                "masking, no requests arriving", (flood, label) -> masking(records, flood ? floodRequests : 0, probes));
        Map<String, Object> out = runs.summary("flood", "quiet");
        out.put("latencyP50Ratio", BenchCommand.round(Stats.pairedRatio(latency(runs.with()), latency(runs.without()))));
        out.put("controlCoresWhileMasking", Map.of("flood", median(PairedRuns.column(runs.with(), "controlCores")),
                "quiet", median(PairedRuns.column(runs.without(), "controlCores"))));
        return out;
    }

    /**
     * One run: masking throughput over the pre-loaded records, with {@code floodRequests} signed requests (each with
     * its DENIED) waiting on jit.approvals when the application starts, or none; then probes, then a fresh approval.
     */
    Map<String, Object> masking(int records, int floodRequests, int probes) throws Exception {
        control.resetApprovals();
        if (floodRequests > 0) {
            control.post(floodRequests);
        }
        CommittedProgress masked = new CommittedProgress(bench.admin(), Topics.masked(BenchHarness.DATASET), PARTITIONS);
        long base = bench.admin().listTopics().names().get().contains(Topics.masked(BenchHarness.DATASET)) ? masked.committed() : 0;
        double loadBefore = loadAverage();
        JitmaskApp app = control.start(floodRequests > 0 ? "flood" : "quiet");
        String controlGroup = app.context().config().controlApplicationId();
        ThreadCpu cpu = new ThreadCpu(app.context().config().applicationId(), controlGroup);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("floodRequests", floodRequests);
        try {
            Map<String, Long> threadsBefore = ThreadCpu.byName();
            List<long[]> progress = masked.await(base, records, 600, cpu::masking, cpu::control);
            // Where the process's CPU went while masking worked through its backlog (start-up included).
            out.put("cpuMsByThread", ThreadCpu.topGrowth(threadsBefore, ThreadCpu.byName(), 12));
            out.put("perSecond", Math.round(Stats.steadyRate(progress, records)));
            out.put("processCpuMicrosPerRecord", BenchCommand.round(Stats.steadyCpuMicrosPerRecord(progress, records)));
            out.put("maskingCpuMicrosPerRecord", BenchCommand.round(Stats.steadyMicrosPerRecord(progress, records, 3)));
            out.put("maskingCores", BenchCommand.round(Stats.steadyCores(progress, records, 3)));
            out.put("controlCores", BenchCommand.round(Stats.steadyCores(progress, records, 4)));
            out.put("controlEventsCommittedWhenMasked", control.controlCommitted(controlGroup));
            out.put("loadAverage", List.of(BenchCommand.round(loadBefore), BenchCommand.round(loadAverage())));
            List<Double> latencies = probeLatencies(probes);
            out.put("latencyMs", Map.of("p50", BenchCommand.round(Stats.percentile(latencies, 50)),
                    "p99", BenchCommand.round(Stats.percentile(latencies, 99)), "samples", latencies.size()));
            long ahead = Math.max(0, 2L * floodRequests - control.controlCommitted(controlGroup));
            // Shows the flood was still arriving at the control plane while masking was measured.
            out.put("floodEventsNotYetCommittedAfterProbes", ahead);
            out.put("freshApproval", freshApproval(ahead));
        } finally {
            app.close();
        }
        return out;
    }

    /** A fresh request and approval posted behind {@code ahead} flood events: time from APPROVED to its first copy. */
    private Map<String, Object> freshApproval(long ahead) throws Exception {
        Map<String, String> liveKeys = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> bench.produceLoad(liveKeys, running), "bench-load");
        String id = "fresh" + UUID.randomUUID().toString().substring(0, 8);
        liveKeys.put(id, "K-" + id);
        load.start();
        try (KafkaProducer<String, String> approvals = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bench.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            double ms = bench.approveAndAwaitFirstCopy(approvals, id, "K-" + id, 1800);
            return Map.of("toFirstCopyMs", Math.round(ms), "floodEventsAhead", ahead);
        } finally {
            running.set(false);
            load.join(5000);
        }
    }

    /** One record at a time to raw, timed from the broker's acknowledgement to it being readable on masked. */
    private List<Double> probeLatencies(int probes) throws Exception {
        List<Double> out = new ArrayList<>();
        String maskedTopic = Topics.masked(BenchHarness.DATASET);
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(bench.registryUrl());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     bench.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all"),
                     new StringSerializer(), new ConfluentAvroSerializer(registry, false));
             KafkaConsumer<byte[], byte[]> consumer = bench.consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(maskedTopic, p));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            SampleRecords samples = new SampleRecords(11);
            for (int i = 0; i < probes; i++) {
                String probe = "probe-" + UUID.randomUUID();
                GenericRecord customer = samples.customer();
                ProducerRecord<String, Object> record = new ProducerRecord<>(Topics.raw(BenchHarness.DATASET),
                        customer.get("customerId").toString(), customer);
                record.headers().add("correlation-id", probe.getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
                long sent = System.nanoTime();
                long deadline = sent + TimeUnit.SECONDS.toNanos(120);
                boolean seen = false;
                while (!seen) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("probe " + i + " not on " + maskedTopic + " within 120 s");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                        var header = r.headers().lastHeader("correlation-id");
                        if (header != null && probe.equals(new String(header.value(), StandardCharsets.UTF_8))) {
                            seen = true;
                        }
                    }
                }
                out.add((System.nanoTime() - sent) / 1e6);
            }
        }
        return out;
    }

    /** The 1-minute load average of the machine (what `uptime` prints first). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double median(List<Double> values) {
        return BenchCommand.round(Stats.percentile(values, 50));
    }

    @SuppressWarnings("unchecked")
    private static List<Double> latency(List<Map<String, Object>> runs) {
        return runs.stream().map(r -> ((Number) ((Map<String, Object>) r.get("latencyMs")).get("p50")).doubleValue()).toList();
    }
}
