package io.jitmask.testing;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one test stack of jitmask's integration tests, as a JUnit 5 extension (registered once per test class with
 * {@code @RegisterExtension static final JitmaskStack STACK = JitmaskStack.builder("prefix")...build()}): the shared
 * in-process broker, an embedded schema registry, the datasets the class asks for (under names with a per-class
 * random suffix, so classes never see each other's topics), a keyset in a temporary directory, one jitmask
 * application, a producer of Avro records, a producer of approval events and an admin client. Everything is
 * started before the class's first test and closed after its last.
 */
public final class JitmaskStack implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final Map<String, String> sampleSchemas;
    private final Map<String, String> settings;
    private final java.util.Set<String> exactNames;
    private final boolean startApp;
    private final int partitions;
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);

    private Path dir;
    private EmbeddedSchemaRegistry registryServer;
    private HttpSchemaRegistryClient registry;
    private JitmaskConfig config;
    private JitmaskApp app;
    private KafkaProducer<String, Object> producer;
    private KafkaProducer<String, String> approvals;
    private Admin admin;

    private JitmaskStack(Builder builder) {
        this.prefix = builder.prefix;
        this.sampleSchemas = new LinkedHashMap<>(builder.sampleSchemas);
        this.settings = new LinkedHashMap<>(builder.settings);
        this.exactNames = java.util.Set.copyOf(builder.exactNames);
        this.startApp = builder.startApp;
        this.partitions = builder.partitions;
    }

    /** A stack whose application id and dataset names start with {@code prefix}. */
    public static Builder builder(String prefix) {
        return new Builder(prefix);
    }

    public static final class Builder {
        private final String prefix;
        private final Map<String, String> sampleSchemas = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final java.util.Set<String> exactNames = new java.util.HashSet<>();
        private boolean startApp = true;
        private int partitions = 3;

        private Builder(String prefix) {
            this.prefix = prefix;
        }

        /**
         * A dataset named {@code <name>_<suffix>} whose raw subject holds the sample schema {@code sample}
         * ({@code customers}, {@code payments}, {@code patients} in Avro; {@code tickets} in JSON Schema,
         * {@code orders} in Protobuf); see {@link #dataset(String)}.
         */
        public Builder dataset(String name, String sample) {
            sampleSchemas.put(name, sample);
            return this;
        }

        /**
         * A dataset named exactly {@code name} (e.g. {@code customers} for tests of the CLI's defaults): only one
         * class may use a name on the shared broker.
         */
        public Builder exactDataset(String name, String sample) {
            sampleSchemas.put(name, sample);
            exactNames.add(name);
            return this;
        }

        /** A jitmask setting, overriding the stack's defaults. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Raw and masked topics get this many partitions (default 3). */
        public Builder partitions(int count) {
            partitions = count;
            return this;
        }

        /** The class starts the application itself ({@link #startApp()}), e.g. to watch it start. */
        public Builder withoutApp() {
            startApp = false;
            return this;
        }

        public JitmaskStack build() {
            return new JitmaskStack(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("jitmask-" + prefix + "-");
        registryServer = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0);
        registry = new HttpSchemaRegistryClient(registryServer.url());
        List<String> topics = new ArrayList<>();
        for (Map.Entry<String, String> dataset : sampleSchemas.entrySet()) {
            String name = dataset(dataset.getKey());
            if (SampleSchemas.TYPED.containsKey(dataset.getValue())) {
                registry.registerTyped(Topics.raw(name) + "-value", SampleSchemas.typed(dataset.getValue()));
            } else {
                registry.register(Topics.raw(name) + "-value", SampleSchemas.of(dataset.getValue()));
            }
            topics.add(Topics.raw(name));
            topics.add(Topics.masked(name));
        }
        SharedKafka.createTopics(partitions, topics.toArray(String[]::new));
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
        Map<String, String> all = new LinkedHashMap<>();
        all.put(JitmaskConfig.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers());
        all.put(JitmaskConfig.REGISTRY_URL, registryServer.url());
        all.put(JitmaskConfig.APPLICATION_ID, prefix + "-it-" + suffix);
        all.put(JitmaskConfig.STATE_DIR, dir.resolve("state").toString());
        all.put(JitmaskConfig.DATASETS, String.join(",", sampleSchemas.keySet().stream().map(this::dataset).toList()));
        all.put(JitmaskConfig.POLICY_FILE, DemoActors.POLICY.toString());
        all.put(JitmaskConfig.KEYRING_FILE, DemoActors.KEYRING.toString());
        all.put(JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString());
        all.put(JitmaskConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
        all.putAll(settings);
        config = JitmaskConfig.of(all);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ConfluentAvroSerializer(registry, false));
        approvals = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
        admin = SharedKafka.admin();
        if (startApp) {
            app = startApp();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll(admin, approvals, producer, app, registry, registryServer);
        app = null;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The real name of the class's dataset {@code name}: {@code <name>_<suffix>}, or {@code name} if exact. */
    public String dataset(String name) {
        return exactNames.contains(name) ? name : name + "_" + suffix;
    }

    /** The one dataset of a class that asked for exactly one. */
    public String dataset() {
        if (sampleSchemas.size() != 1) {
            throw new IllegalStateException("the stack has " + sampleSchemas.size() + " datasets: name one");
        }
        return dataset(sampleSchemas.keySet().iterator().next());
    }

    /** Starts an application with the stack's configuration; the stack closes the one it holds, callers theirs. */
    public JitmaskApp startApp() {
        JitmaskApp started = JitmaskApp.start(config);
        started.awaitRunning(Duration.ofSeconds(60));
        return started;
    }

    /** Starts an application with some of the stack's settings replaced (e.g. a second instance). */
    public JitmaskApp startApp(Map<String, ?> overrides) {
        JitmaskApp started = JitmaskApp.start(config.with(overrides));
        started.awaitRunning(Duration.ofSeconds(60));
        return started;
    }

    /** Stops the stack's application and starts it again with the same configuration and state directory. */
    public JitmaskApp restartApp() {
        if (app != null) {
            app.close();
        }
        app = startApp();
        return app;
    }

    /** Makes {@code started} the stack's application, closed after the class's last test. */
    public JitmaskApp holdApp(JitmaskApp started) {
        app = started;
        return started;
    }

    public JitmaskApp app() {
        return app;
    }

    public JitmaskConfig config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public EmbeddedSchemaRegistry registryServer() {
        return registryServer;
    }

    public HttpSchemaRegistryClient registry() {
        return registry;
    }

    /** Avro values through the stack's registry, string keys. */
    public KafkaProducer<String, Object> producer() {
        return producer;
    }

    /** Signed approval events as JSON strings, keyed by request id. */
    public KafkaProducer<String, String> approvals() {
        return approvals;
    }

    public Admin admin() {
        return admin;
    }
}
