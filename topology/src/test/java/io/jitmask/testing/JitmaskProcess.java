package io.jitmask.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * jitmask as its own OS process ({@code jitmask run --config}), so a test can kill it the way an operating system
 * or an orchestrator does: SIGKILL (no shutdown hook, no commit) or SIGTERM (the shutdown hook closes it).
 */
public final class JitmaskProcess implements AutoCloseable {
    private final Process process;

    private JitmaskProcess(Process process) {
        this.process = process;
    }

    /**
     * Writes a {@code jitmask run} config for one dataset with the demo policy and keyring, reading from the
     * earliest offset, with a short session timeout so that a killed member leaves the group in seconds
     * ({@link SharedKafka} lowers the broker's floor for it). {@code extra} settings are added last and win.
     */
    public static Path writeConfig(Path file, String bootstrapServers, String registryUrl, String applicationId,
                                   Path stateDir, Path keysetFile, String dataset, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("application.id", applicationId);
        settings.put("state.dir", stateDir.toString());
        settings.put("jitmask.datasets", dataset);
        settings.put("jitmask.policy.file", DemoActors.POLICY.toString());
        settings.put("jitmask.keyring.file", DemoActors.KEYRING.toString());
        settings.put("jitmask.keyset.file", keysetFile.toString());
        settings.put("consumer.auto.offset.reset", "earliest");
        settings.put("consumer.session.timeout.ms", "3000");
        settings.put("consumer.heartbeat.interval.ms", "1000");
        // Several processes run side by side: the HTTP API takes a free port instead of 8080.
        settings.put("jitmask.http.port", "0");
        settings.putAll(extra);
        try {
            Files.writeString(file, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Starts {@code jitmask run --config config} with the test class path; its output is appended to {@code log}. */
    public static JitmaskProcess start(Path config, Path log) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            // C1 only and the serial collector: the process starts in about half the CPU time, which is what a
            // test that restarts it a dozen times on two shared cores spends most of its time on.
            return new JitmaskProcess(new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "io.jitmask.cli.JitmaskCli", "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to commit, flush or leave its consumer group. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    /** SIGTERM: the shutdown hook closes Kafka Streams, which commits and leaves the group. Returns the exit code. */
    public int stop() {
        process.destroy();
        if (!waitFor(60)) {
            kill();
            throw new IllegalStateException("jitmask did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
