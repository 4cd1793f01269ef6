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

/** {@code jitmask scan}: prove a canary value appears nowhere but where it may (raw and live grant topics). */
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

    @Option(names = "--allow-topic", description = "Topics where canaries may be (default: raw.* and grant.*); repeatable prefixes.")
    List<String> allowed = List.of(Topics.RAW_PREFIX, Topics.GRANT_PREFIX);

    @Override
    public Integer call() throws Exception {
        LeakScanner scanner = new LeakScanner(canaries, topic -> allowed.stream().anyMatch(topic::startsWith));
        List<LeakScanner.Finding> findings = new ArrayList<>(scanner.scanTopics(cluster.kafka()));
        List<Path> roots = paths.stream().filter(Files::exists).toList();
        findings.addAll(scanner.scanFiles(roots));
        PrintWriter out = spec.commandLine().getOut();
        if (findings.isEmpty()) {
            out.println("no canary outside " + allowed + " (topics and " + roots.size() + " path(s) searched)");
        } else {
            out.println(findings.size() + " leak(s):");
            findings.forEach(f -> out.println("  - " + f));
        }
        out.flush();
        return findings.isEmpty() ? 0 : 1;
    }
}
