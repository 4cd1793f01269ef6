package io.jitmask.cli;

import io.jitmask.config.Topics;
import io.jitmask.scan.LeakScanner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jitmask scan}: prove a canary value appears nowhere but where it may: raw topics and the topics of grants
 * live now (read from {@code jit.grants}). A canary on the topic of an ended grant, on {@code masked.*},
 * {@code jit.*} or any internal topic is a leak.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Search every topic, key, header and file for canary values; exit 1 if one is found where it must not be.")
public final class ScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--canary", required = true, description = "A value planted in sensitive fields; repeatable.")
    List<String> canaries;

    @Option(names = "--path", description = "Directory or file to search too (data dir, state dir, logs); repeatable.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--allow-topic",
            description = "Topic prefixes where canaries may be (default: raw.* and the topics of live grants); repeatable.")
    List<String> allowed;

    @Override
    public Integer call() throws Exception {
        java.util.Set<String> liveGrants = allowed == null
                ? io.jitmask.scan.LiveGrantTopics.read(cluster.kafka(), java.time.Instant.now()) : java.util.Set.of();
        List<String> prefixes = allowed == null ? List.of(Topics.RAW_PREFIX) : allowed;
        LeakScanner scanner = new LeakScanner(canaries, topic -> prefixes.stream().anyMatch(topic::startsWith)
                || liveGrants.contains(topic));
        List<LeakScanner.Finding> findings = new ArrayList<>(scanner.scanTopics(cluster.kafka()));
        List<Path> roots = paths.stream().filter(Files::exists).toList();
        findings.addAll(scanner.scanFiles(roots));
        PrintWriter out = spec.commandLine().getOut();
        if (findings.isEmpty()) {
            out.println("no canary outside " + prefixes + (allowed == null ? " and " + liveGrants.size() + " live grant topic(s)" : "")
                    + " (topics and " + roots.size() + " path(s) searched)");
        } else {
            out.println(findings.size() + " leak(s):");
            findings.forEach(f -> out.println("  - " + f));
        }
        out.flush();
        return findings.isEmpty() ? 0 : 1;
    }
}
