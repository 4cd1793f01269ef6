package io.jitmask.embedded;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.http.ApiServer;
import io.jitmask.notify.Notifier;
import io.jitmask.http.DemoTokens;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jitmask up}: a broker, the schema registry and the pipeline in one process, with everything they keep
 * under one data directory, so a restart finds its topics, schemas, keys and policy again. Either half can be
 * external instead (a bootstrap server and/or registry URL given), which is how production runs.
 */
public final class EmbeddedStack implements AutoCloseable {
    /** What to start. A null bootstrap/registry means: embed it on the given port. */
    public record Settings(Path dataDir, String host, int kafkaPort, int controllerPort, int registryPort,
                           String bootstrapServers, String registryUrl, Map<String, String> overrides, boolean secure) {
        public Settings(Path dataDir, String host, int kafkaPort, int controllerPort, int registryPort,
                        String bootstrapServers, String registryUrl, Map<String, String> overrides) {
            this(dataDir, host, kafkaPort, controllerPort, registryPort, bootstrapServers, registryUrl, overrides, false);
        }
    }

    /** Actors of the demo keyring, whose private keys are seeded so a new user can walk the whole flow. */
    public static final List<String> DEMO_ACTORS = List.of("alice", "bob", "carol", "dave", "erin");

    private final List<AutoCloseable> started = new ArrayList<>();
    private final String bootstrapServers;
    private final String registryUrl;
    private final JitmaskConfig config;
    private final JitmaskApp app;
    /** Credential file of each principal, by name; empty unless the embedded broker runs secured. */
    private final Map<String, Path> credentials;
    private final ApiServer api;

    private EmbeddedStack(Settings settings) throws Exception {
        Path dataDir = prepareDataDir(settings.dataDir());
        if (settings.bootstrapServers() == null) {
            requireFreePort(settings.host(), settings.kafkaPort(), "--kafka-port");
            requireFreePort(settings.host(), settings.controllerPort(), "--controller-port");
        }
        if (settings.registryUrl() == null) {
            requireFreePort(settings.host(), settings.registryPort(), "--registry-port");
        }
        if (settings.secure() && settings.bootstrapServers() != null) {
            throw new ConfigException("--secure secures the embedded broker; it cannot be combined with --bootstrap-servers");
        }
        boolean http = !"false".equals(settings.overrides().get(JitmaskConfig.HTTP_ENABLED));
        int httpPort = Integer.parseInt(settings.overrides().getOrDefault(JitmaskConfig.HTTP_PORT, "8080"));
        if (http && httpPort != 0) {
            requireFreePort(settings.host(), httpPort, "--http-port");
        }
        try {
            SecureAccess secure = settings.secure() ? new SecureAccess(dataDir, settings.host()) : null;
            String applicationId = settings.overrides().getOrDefault(JitmaskConfig.APPLICATION_ID, "jitmask");
            if (settings.bootstrapServers() == null) {
                EmbeddedKafkaBroker broker = secure == null
                        ? EmbeddedKafkaBroker.start(dataDir, settings.host(), settings.kafkaPort(), settings.controllerPort())
                        : EmbeddedKafkaBroker.startSecure(dataDir, settings.host(), settings.kafkaPort(),
                                settings.controllerPort(), secure.adminPassword(), secure.certificate());
                started.add(broker);
                bootstrapServers = broker.bootstrapServers();
            } else {
                bootstrapServers = settings.bootstrapServers();
            }
            // The pipeline and the registry run as jitmask's own principal; everything else in the data dir's files.
            Map<String, String> kafka = secure == null
                    ? Map.of(JitmaskConfig.BOOTSTRAP_SERVERS, bootstrapServers)
                    : secure.clientSettings(io.jitmask.security.DemoPrincipals.JITMASK, bootstrapServers);
            credentials = secure == null ? Map.of() : secure.apply(bootstrapServers, applicationId);
            if (settings.registryUrl() == null) {
                EmbeddedSchemaRegistry registry = secure == null
                        ? EmbeddedSchemaRegistry.start(new HashMap<>(kafka), Topics.SCHEMAS, settings.host(), settings.registryPort())
                        : EmbeddedSchemaRegistry.start(new HashMap<>(kafka), Topics.SCHEMAS, settings.host(), settings.registryPort(),
                                secure.registryAuthenticator());
                started.add(registry);
                registryUrl = registry.url();
            } else {
                registryUrl = settings.registryUrl();
            }
            Map<String, String> values = new HashMap<>(kafka);
            values.put(JitmaskConfig.REGISTRY_URL, registryUrl);
            if (secure != null && settings.registryUrl() == null) {
                values.putAll(secure.registrySettings(io.jitmask.security.DemoPrincipals.JITMASK));
            }
            values.put(JitmaskConfig.STATE_DIR, dataDir.resolve("state").toString());
            values.put(JitmaskConfig.POLICY_FILE, seed(dataDir, "policy.yaml").toString());
            values.put(JitmaskConfig.KEYRING_FILE, seed(dataDir, "keyring.yaml").toString());
            values.put(JitmaskConfig.KEYSET_FILE, dataDir.resolve("keyset.json").toString());
            for (String actor : DEMO_ACTORS) {
                seed(dataDir, "demo-keys/" + actor + ".key");
            }
            // The console signs with the demo keys for the people who log in with the demo tokens (demo only).
            values.put(JitmaskConfig.HTTP_HOST, settings.host());
            values.put(JitmaskConfig.HTTP_TOKENS_FILE, DemoTokens.seed(dataDir, DEMO_ACTORS).toString());
            values.put(JitmaskConfig.HTTP_SIGNING_KEYS_DIR, dataDir.resolve("demo-keys").toString());
            values.putAll(settings.overrides());
            config = JitmaskConfig.of(values);
            Keyset.loadOrCreate(config.keysetFile());
            if (secure != null) {
                secure.provisionTopics(bootstrapServers, config);
            }
            registerSampleSchemas(config);
            app = JitmaskApp.start(config);
            started.add(app);
            app.awaitRunning(Duration.ofSeconds(120));
            api = config.httpEnabled() ? ApiServer.start(app) : null;
            if (api != null) {
                started.add(api);
            }
            Notifier notifier = Notifier.startIfConfigured(app);
            if (notifier != null) {
                started.add(notifier);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static EmbeddedStack start(Settings settings) throws Exception {
        return new EmbeddedStack(settings);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public JitmaskConfig config() {
        return config;
    }

    public JitmaskApp app() {
        return app;
    }

    /** Client properties file of each principal of a secured broker, by principal name; empty otherwise. */
    public Map<String, Path> credentials() {
        return credentials;
    }

    /** The HTTP API and console, or null when turned off. */
    public ApiServer api() {
        return api;
    }

    private static Path prepareDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path probe = Files.createTempFile(dataDir, ".write-probe", "");
            Files.delete(probe);
            return dataDir.toAbsolutePath();
        } catch (IOException | SecurityException e) {
            throw new ConfigException("data directory " + dataDir + " is not writable (--data-dir to choose another)");
        }
    }

    private static void requireFreePort(String host, int port, String flag) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException("port " + port + " on " + host + " is already in use (" + flag + " to choose another)");
        }
    }

    /** Copies a demo file from the jar into the data dir unless the user already has one there. */
    private static Path seed(Path dataDir, String name) throws IOException {
        Path target = dataDir.resolve(name);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = EmbeddedStack.class.getResourceAsStream("/jitmask/deploy/" + name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is missing from the jar");
                }
                Files.copy(in, target);
                if (name.endsWith(".key")) {
                    Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
            }
        }
        return target;
    }

    /** The sample schemas go under both raw and masked subjects, so producers and consumers find them at once. */
    private static void registerSampleSchemas(JitmaskConfig config) {
        try (SchemaRegistryClient registry = new HttpSchemaRegistryClient(config.registryUrl(), config.registryUserInfo())) {
            for (String dataset : config.datasets()) {
                if (SampleSchemas.has(dataset)) {
                    registry.register(Topics.raw(dataset) + "-value", SampleSchemas.of(dataset));
                    registry.register(Topics.masked(dataset) + "-value", SampleSchemas.of(dataset));
                } else if (SampleSchemas.TYPED.containsKey(dataset)) {
                    registry.registerTyped(Topics.raw(dataset) + "-value", SampleSchemas.typed(dataset));
                    registry.registerTyped(Topics.masked(dataset) + "-value", SampleSchemas.typed(dataset));
                }
            }
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        started.clear();
    }
}
