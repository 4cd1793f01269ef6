package io.jitmask.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask bench}: the end-to-end benchmark, every figure against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure masking throughput vs pass-through, grant scaling, approval latency and expiry on an in-process broker.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "200000", description = "Records pre-loaded (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--repetitions", defaultValue = "3", description = "Runs per throughput figure; the median is reported (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--grants", defaultValue = "10000", description = "Grants for the scaling run (default: ${DEFAULT-VALUE}).")
    int manyGrants;

    @Option(names = "--latency-samples", defaultValue = "50", description = "Grants timed for approval latency (default: ${DEFAULT-VALUE}).")
    int latencySamples;

    @Option(names = "--expiring", defaultValue = "20", description = "Grants expiring under load (default: ${DEFAULT-VALUE}).")
    int expiring;

    @Option(names = "--out", description = "JSON results (default: bench/results/latest.json, with --control-plane bench/results/control-plane.json).")
    Path out;

    @Option(names = "--control-plane", description = "Only the control-plane benchmarks: lifecycle ingest and approval latency against history, masking under a request flood.")
    boolean controlPlane;

    @Option(names = "--history", split = ",", defaultValue = "0,10000,50000",
            description = "Ended requests in history for the lifecycle runs (default: ${DEFAULT-VALUE}).")
    List<Integer> history;

    @Option(names = "--flood", defaultValue = "50000", description = "Signed requests (each then denied) flooding jit.approvals (default: ${DEFAULT-VALUE}).")
    int floodRequests;

    @Option(names = "--lagging-max-events", description = "With --control-plane: the control plane's events/s while masking lags (jitmask.control.lagging.max.events.per.second; 0: no cap; default: the configuration's).")
    Integer laggingMaxEvents;

    @Option(names = "--set", description = "With --control-plane: a jitmask setting for every run's application, "
            + "e.g. --set jitmask.control.num.stream.threads=2 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--lookback", description = "Only the lookback benchmark: masking with 0, 10 and 1,000 lookback grants, threads and Kafka clients of the process.")
    boolean lookback;

    @Option(names = "--lookback-grants", split = ",", defaultValue = "0,10,1000",
            description = "Lookback grant counts for --lookback, each measured in --repetitions interleaved pairs against none (default: ${DEFAULT-VALUE}).")
    List<Integer> lookbackGrants;

    @Option(names = "--grant-scale", description = "Only the lifecycle grant-scale benchmark: --lifecycle-grants grants "
            + "requested and approved through the real lifecycle (topics and ACLs), their activation rate, then masking with "
            + "them against none in --repetitions interleaved pairs.")
    boolean grantScale;

    @Option(names = "--lifecycle-grants", defaultValue = "10000",
            description = "Grants for --grant-scale (each a topic with as many partitions as the raw topic; default: ${DEFAULT-VALUE}).")
    int lifecycleGrants;

    @Option(names = "--raw-partitions", defaultValue = "3",
            description = "With --grant-scale: partitions of the raw topic, and so of each grant topic (default: ${DEFAULT-VALUE}; "
                    + "1 makes 10,000 grants 10,000 partitions, each an open log file of the in-process broker).")
    int rawPartitions;

    @Option(names = "--probes", defaultValue = "100", description = "Records timed raw -> masked per masking run (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--formats", description = "Only the per-format benchmark, in process: each format's masking cost "
            + "against its own pass-through and decode + encode (CPU time per record).")
    boolean formats;

    @Option(names = "--policy", defaultValue = "deploy/policy.yaml", description = "Policy for --formats (default: ${DEFAULT-VALUE}).")
    Path policy;

    @Override
    public Integer call() throws Exception {
        if (controlPlane) {
            return controlPlane();
        }
        if (lookback) {
            return lookback();
        }
        if (grantScale) {
            return grantScale();
        }
        if (formats) {
            return formats();
        }
        if (out == null) {
            out = Path.of("bench/results/latest.json");
        }
        Path dir = Files.createTempDirectory("jitmask-bench");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("at", Instant.now().toString());
        report.put("machine", BenchHarness.machine());
        try (BenchHarness bench = new BenchHarness(dir, System.err)) {
            // preload, warm-up, throughput runs, scaling runs, two heap runs, latency, expiry, done
            bench.expectSteps(1 + 1 + 4 * repetitions + 3 * repetitions + 2 + 1 + 1);
            bench.preload(records);
            bench.step("warm-up (not measured)");
            bench.passThrough("exactly_once_v2", records);
            bench.masking("exactly_once_v2", records, 0);
            Map<String, Object> throughput = new LinkedHashMap<>();
            for (String guarantee : new String[] {"exactly_once_v2", "at_least_once"}) {
                List<Double> pass = new ArrayList<>();
                List<Double> mask = new ArrayList<>();
                List<Double> passCpu = new ArrayList<>();
                List<Double> maskCpu = new ArrayList<>();
                for (int rep = 1; rep <= repetitions; rep++) {
                    bench.step("pass-through, " + guarantee + ", run " + rep + " of " + repetitions);
                    BenchHarness.Measure pt = bench.passThrough(guarantee, records);
                    bench.step("masking, " + guarantee + ", run " + rep + " of " + repetitions);
                    BenchHarness.Measure mk = bench.masking(guarantee, records, 0);
                    pass.add(pt.perSecond());
                    mask.add(mk.perSecond());
                    passCpu.add(pt.cpuMicrosPerRecord());
                    maskCpu.add(mk.cpuMicrosPerRecord());
                }
                double p = Stats.percentile(pass, 50);
                double m = Stats.percentile(mask, 50);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("passThroughPerSecond", Math.round(p));
                r.put("maskingPerSecond", Math.round(m));
                r.put("ratio", round(Stats.ratio(m, p)));
                // Each masking run follows its pass-through run: their ratio is the least disturbed by a busy machine.
                r.put("pairedRatio", round(Stats.pairedRatio(mask, pass)));
                r.put("cpuMicrosPerRecord", Map.of("passThrough", round(Stats.percentile(passCpu, 50)),
                        "masking", round(Stats.percentile(maskCpu, 50))));
                r.put("cpuRatio", round(Stats.pairedRatio(maskCpu, passCpu)));
                r.put("runs", Map.of("passThrough", pass, "masking", mask, "passThroughCpuMicrosPerRecord", passCpu,
                        "maskingCpuMicrosPerRecord", maskCpu));
                throughput.put(guarantee, r);
            }
            report.put("throughput", throughput);

            Map<String, Object> scaling = new LinkedHashMap<>();
            List<BenchHarness.Measure> none = maskingRuns(bench, 0, "0 grants");
            double noneRate = Stats.percentile(perSecond(none), 50);
            double noneCpu = Stats.percentile(cpu(none), 50);
            scaling.put("0", Map.of("perSecond", Math.round(noneRate), "ratio", 1.0, "cpuMicrosPerRecord", round(noneCpu),
                    "cpuRatio", 1.0));
            int previous = 0;
            for (int count : new int[] {100, manyGrants}) {
                bench.writeNonMatchingGrants(count - previous, "g" + count + "_");
                List<BenchHarness.Measure> with = maskingRuns(bench, count, count + " grants");
                double rate = Stats.percentile(perSecond(with), 50);
                double cpuPerRecord = Stats.percentile(cpu(with), 50);
                scaling.put(Integer.toString(count), Map.of("perSecond", Math.round(rate), "ratio", round(Stats.ratio(rate, noneRate)),
                        "cpuMicrosPerRecord", round(cpuPerRecord), "cpuRatio", round(Stats.ratio(cpuPerRecord, noneCpu)),
                        "runs", perSecond(with)));
                previous = count;
            }
            scaling.put("note", "non-matching grants (key filters no record has) written straight to jit.grants, without topics");
            report.put("grantScaling", scaling);

            bench.step("heap with " + manyGrants + " grants");
            long heapWith = bench.heapWithGrants(manyGrants);
            bench.deleteGrants(100, "g100_");
            bench.deleteGrants(manyGrants - 100, "g" + manyGrants + "_");
            bench.step("heap with no grants");
            long heapWithout = bench.heapWithGrants(0);
            report.put("heapMiB", Map.of("noGrants", heapWithout / (1024 * 1024), "withGrants", heapWith / (1024 * 1024),
                    "grants", manyGrants));

            bench.step("approval latency over " + latencySamples + " grants");
            bench.grantLatencies(latencySamples, expiring);
            report.putAll(bench.results());
            bench.step("done");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        print(spec.commandLine().getOut(), report);
        return 0;
    }

    /** Issue 16: the lifecycle against its history, and masking against a flood on jit.approvals. */
    private int formats() throws Exception {
        if (out == null) {
            out = Path.of("bench/results/formats.json");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("at", Instant.now().toString());
        report.put("machine", BenchHarness.machine());
        report.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("recordsPerRun", records);
        FormatsBench bench = new FormatsBench(io.jitmask.policy.PolicyLoader.load(policy), io.jitmask.keys.Keyset.generate(), 1000);
        report.put("formats", bench.run(repetitions, records, step -> System.err.println("[bench] " + step)));
        return write(report);
    }

    private int write(Map<String, Object> report) throws Exception {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        PrintWriter printer = spec.commandLine().getOut();
        printer.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        printer.flush();
        return 0;
    }

    private int controlPlane() throws Exception {
        if (out == null) {
            out = Path.of("bench/results/control-plane.json");
        }
        Path dir = Files.createTempDirectory("jitmask-bench");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("at", Instant.now().toString());
        report.put("machine", BenchHarness.machine());
        report.put("laggingMaxEventsPerSecond", laggingMaxEvents == null ? "default" : laggingMaxEvents);
        report.put("loadAverageAtStart", FloodBench.loadAverage());
        try (BenchHarness bench = new BenchHarness(dir, System.err)) {
            ControlPlaneBench control = new ControlPlaneBench(bench, laggingMaxEvents, settings);
            int largest = history.stream().mapToInt(Integer::intValue).max().orElse(0);
            report.put("settings", settings);
            bench.expectSteps(3 + history.size() + 2 * repetitions + 1);
            bench.preload(records);
            bench.step("signing " + largest + " requests and their denials for the history, in parallel (not measured)");
            control.signHistory(largest, dir.resolve("history.bin"));
            bench.step("signing " + floodRequests + " requests and their denials for the flood (not measured)");
            control.sign(floodRequests);

            List<Map<String, Object>> lifecycle = new ArrayList<>();
            for (int ended : history) {
                bench.step("lifecycle with " + ended + " ended requests in history");
                lifecycle.add(control.lifecycle(records, ended, latencySamples));
            }
            report.put("lifecycle", lifecycle);

            if (repetitions > 0 && floodRequests > 0) {
                report.put("maskingUnderFlood", new FloodBench(bench, control).run(records, floodRequests, repetitions, probes));
            }
            bench.step("done");
        } finally {
            Files.deleteIfExists(dir.resolve("history.bin")); // about 580 MB per 1,000,000 signed requests
        }
        return write(report);
    }

    /** A report's head: when, on what, at what load; {@code --out} defaults to {@code defaultOut}. */
    private Map<String, Object> report(String defaultOut) {
        if (out == null) {
            out = Path.of(defaultOut);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("at", Instant.now().toString());
        report.put("machine", BenchHarness.machine());
        report.put("loadAverageAtStart", FloodBench.loadAverage());
        return report;
    }

    /** Issue 16: N active grants created through the lifecycle: activation rate, then masking with them against none. */
    private int grantScale() throws Exception {
        Path dir = Files.createTempDirectory("jitmask-bench");
        Map<String, Object> report = report("bench/results/grant-scale.json");
        report.put("records", records);
        try (BenchHarness bench = new BenchHarness(dir, System.err)) {
            bench.expectSteps(4 + 2 * repetitions + 1);
            bench.preload(records, rawPartitions);
            report.put("rawPartitions", rawPartitions);
            bench.step("warm-up (not measured)");
            bench.masking("exactly_once_v2", records, 0);
            report.put("grantScale", new GrantScaleBench(bench).run(records, lifecycleGrants, repetitions));
            bench.step("done");
        }
        return write(report);
    }

    /** Issue 16: lookback grants on one instance, threads and clients and masking throughput against none. */
    private int lookback() throws Exception {
        Path dir = Files.createTempDirectory("jitmask-bench");
        Map<String, Object> report = report("bench/results/lookback.json");
        try (BenchHarness bench = new BenchHarness(dir, System.err)) {
            LookbackBench lb = new LookbackBench(bench);
            List<Integer> counts = lookbackGrants.stream().filter(n -> n > 0).toList();
            bench.expectSteps(2 + 2 * counts.size() * repetitions + 1);
            bench.preload(records);
            bench.step("warm-up (not measured)");
            bench.masking("exactly_once_v2", records, 0);
            List<Map<String, Object>> paired = new ArrayList<>();
            for (int grants : counts) {
                paired.add(lb.paired(records, grants, repetitions));
            }
            report.put("paired", paired);
            report.put("records", records);
            report.put("note", "lookback grants written straight to jit.grants (window of 24 h covering every pre-loaded"
                    + " record, key filter no record has: every catch-up reads the whole topic, copies nothing)");
            bench.step("done");
        }
        return write(report);
    }

    private List<BenchHarness.Measure> maskingRuns(BenchHarness bench, int grants, String label) throws Exception {
        List<BenchHarness.Measure> runs = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++) {
            bench.step("masking with " + label + ", run " + rep + " of " + repetitions);
            runs.add(bench.masking("exactly_once_v2", records, grants));
        }
        return runs;
    }

    private static List<Double> perSecond(List<BenchHarness.Measure> runs) {
        return runs.stream().map(BenchHarness.Measure::perSecond).toList();
    }

    private static List<Double> cpu(List<BenchHarness.Measure> runs) {
        return runs.stream().map(BenchHarness.Measure::cpuMicrosPerRecord).toList();
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> report) {
        out.println();
        out.println("jitmask bench  " + report.get("at") + "  (" + report.get("machine") + ")");
        out.println("records: " + report.get("records") + " x " + report.get("recordBytes") + " bytes");
        out.println();
        out.printf("%-34s %14s %14s %8s %8s %22s %8s%n", "throughput (records/s)", "pass-through", "masking", "ratio", "paired",
                "CPU us/record pass/mask", "CPU x");
        ((Map<String, Map<String, Object>>) report.get("throughput")).forEach((guarantee, r) -> {
            Map<String, Object> cpu = (Map<String, Object>) r.get("cpuMicrosPerRecord");
            out.printf("%-34s %14s %14s %8s %8s %22s %8s%n", guarantee, r.get("passThroughPerSecond"), r.get("maskingPerSecond"),
                    r.get("ratio"), r.get("pairedRatio"), cpu.get("passThrough") + " / " + cpu.get("masking"), r.get("cpuRatio"));
        });
        out.println();
        out.printf("%-34s %14s %8s %14s %8s%n", "grant scaling (exactly_once_v2)", "records/s", "ratio", "CPU us/record", "CPU x");
        ((Map<String, Object>) report.get("grantScaling")).forEach((grants, r) -> {
            if (r instanceof Map<?, ?> m) {
                out.printf("%-34s %14s %8s %14s %8s%n", grants + " grants", m.get("perSecond"), m.get("ratio"),
                        m.get("cpuMicrosPerRecord"), m.get("cpuRatio"));
            }
        });
        out.println();
        out.println("heap (MiB): " + report.get("heapMiB"));
        out.println("approval -> first copy (ms): " + report.get("approvalLatencyMs"));
        out.println("expiry: " + report.get("expiry"));
        out.flush();
    }
}
