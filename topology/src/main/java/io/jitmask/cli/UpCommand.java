package io.jitmask.cli;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.embedded.EmbeddedStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.jitmask.http.DemoTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask up}: the whole stack in one process, on a data directory that survives restarts. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka broker, the schema registry and the jitmask pipeline in one process.")
public final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = ".jitmask", description = "Where topics, schemas, keys and policy live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", defaultValue = "localhost", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "Embedded KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--metrics-port", defaultValue = "9404", description = "Management port: /metrics, /health, /ready (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--bootstrap-servers", description = "Use this Kafka cluster instead of embedding a broker.")
    String bootstrapServers;

    @Option(names = "--registry-url", description = "Use this schema registry instead of embedding one.")
    String registryUrl;

    @Option(names = "--secure", description = "Require SASL/SCRAM logins and enforce ACLs on the embedded broker; "
            + "credentials for jitmask and demo principals go to <data dir>/credentials/.")
    boolean secure;

    @Option(names = "--grant-delete-grace-ms", defaultValue = "0", description = "Wait before deleting an ended grant's topic (default: ${DEFAULT-VALUE}).")
    long grantDeleteGraceMs;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(http.overrides());
        overrides.put("jitmask.grant.delete.grace.ms", Long.toString(grantDeleteGraceMs));
        overrides.put(JitmaskConfig.METRICS_ENABLED, "true");
        overrides.put(JitmaskConfig.METRICS_HOST, host);
        overrides.put(JitmaskConfig.METRICS_PORT, Integer.toString(metricsPort));
        EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Settings(dataDir, host, kafkaPort, controllerPort,
                registryPort, bootstrapServers, registryUrl, overrides, secure));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "jitmask-shutdown"));
        banner(spec.commandLine().getOut(), stack);
        stopped.await();
        return 0;
    }

    private void banner(PrintWriter out, EmbeddedStack stack) {
        out.println();
        out.println("jitmask is ready");
        out.println("  kafka            " + stack.bootstrapServers());
        out.println("  schema registry  " + stack.registryUrl());
        out.println("  metrics, health  " + stack.app().managementUrl() + "/metrics  /health  /ready");
        out.println("  datasets         " + String.join(", ", stack.config().datasets())
                + "  (raw.<dataset> -> masked.<dataset>)");
        out.println("  data dir         " + dataDir.toAbsolutePath().normalize());
        out.println("  policy           " + stack.config().policyFile());
        if (stack.api() != null) {
            out.println("  console and API  " + stack.api().url() + "/");
            out.println("  API tokens       " + dataDir.toAbsolutePath().normalize().resolve(DemoTokens.CLEAR)
                    + "  (demo: one per actor, e.g. bob's to approve)");
        }
        out.println();
        if (stack.credentials().isEmpty()) {
            out.println("try, in another terminal:");
            out.println("  ./jitmask produce --dataset customers --count 10");
            out.println("  ./jitmask consume --topic masked.customers --max 10");
        } else {
            SecureBanner.print(out, stack.credentials(), stack.registryUrl());
        }
        out.println();
        out.println("Ctrl-C stops everything; data stays in the data dir.");
        out.flush();
    }
}
