package io.jitmask.cli;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.http.ApiServer;
import io.jitmask.notify.Notifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask run}: the pipeline alone, against an existing Kafka cluster and registry (production). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the jitmask pipeline against an existing Kafka cluster and schema registry.")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "Properties file (see deploy/app.properties).")
    Path config;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        JitmaskConfig settings = JitmaskConfig.load(config).with(http.overrides());
        JitmaskApp app = JitmaskApp.start(settings);
        java.util.concurrent.atomic.AtomicReference<ApiServer> apiRef = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Notifier> notifierRef = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Notifier notifier = notifierRef.getAndSet(null);
            if (notifier != null) {
                notifier.close();
            }
            ApiServer running = apiRef.getAndSet(null);
            if (running != null) {
                running.close();
            }
            app.close();
            stopped.countDown();
        }, "jitmask-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ApiServer api;
        try {
            app.awaitRunning(Duration.ofMinutes(5));
            // A port in use stops start-up here with a one-line error (exit 2).
            api = settings.httpEnabled() ? ApiServer.start(app) : null;
            apiRef.set(api);
            notifierRef.set(Notifier.startIfConfigured(app));
        } catch (RuntimeException | java.io.IOException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            ApiServer started = apiRef.getAndSet(null);
            if (started != null) {
                started.close();
            }
            app.close();
            throw e;
        }
        if (api != null) {
            spec.commandLine().getOut().println("console and API on " + api.url() + "/");
        }
        spec.commandLine().getOut().println("jitmask is running (" + app.streams().metadataForLocalThreads().size()
                + " masking and " + app.control().metadataForLocalThreads().size() + " control-plane threads); Ctrl-C to stop");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
