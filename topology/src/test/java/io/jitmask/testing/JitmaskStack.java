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
 *
 * <p>A class whose assertions cover the whole broker (a leak scan of every topic and log directory) asks for a
 * broker of its own ({@link Builder#ownBroker()}): on the shared one such a scan reads every earlier class's data.
 * Classes that fork {@code jitmask run} take their broker and registry from here too and configure the forked
 * process from {@link #bootstrapServers()} and {@link #registryServer()}.
 */
public final class JitmaskStack implements BeforeAllCallback, AfterAllCallback {
    /** The started stack of each test class running now, for helpers shared by several classes ({@link #of}). */
    private static final Map<Class<?>, JitmaskStack> STARTED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Marks a setting's value as a file name in the stack's directory ({@link Builder#file}). */
    private static final String FILE_IN_DIR = "\u0000dir/";
    private final String prefix;
    private final Map<String, String> sampleSchemas;
    private final Map<String, String> settings;
    private final java.util.Set<String> exactNames;
    private final Map<String, String> files;
    private final boolean startApp;
    private final int partitions;
    private final boolean ownBroker;
    private final boolean restartableBroker;
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);

    private Path dir;
    private TestBroker broker;
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
        this.files = new LinkedHashMap<>(builder.files);
        this.startApp = builder.startApp;
        this.partitions = builder.partitions;
        this.ownBroker = builder.ownBroker || builder.restartableBroker;
        this.restartableBroker = builder.restartableBroker;
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
        private final Map<String, String> files = new LinkedHashMap<>();
        private boolean startApp = true;
        private int partitions = 3;
        private boolean ownBroker;
        private boolean restartableBroker;

        private Builder(String prefix) {
            this.prefix = prefix;
        }

        /**
         * A dataset named {@code <name>_<suffix>} whose raw subject holds the sample schema {@code sample}
         * ({@code customers}, {@code payments}, {@code patients} in Avro; {@code tickets} in JSON Schema,
         * {@code orders} in Protobuf; null: none registered); see {@link #dataset(String)}.
         */
        public Builder dataset(String name, String sample) {
            sampleSchemas.put(name, sample);
            return this;
        }

        /**
         * A dataset named exactly {@code name} (e.g. {@code customers} for tests of the CLI's defaults): only one
         * class may use a name on the shared broker. A null {@code sample} is a dataset without a registered schema
         * (plain JSON, or one the class registers itself).
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

        /**
         * A file written into the stack's directory before the application starts, and the setting {@code key}
         * naming it (e.g. a policy of the class's own).
         */
        public Builder file(String key, String fileName, String content) {
            files.put(fileName, content);
            settings.put(key, FILE_IN_DIR + fileName);
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

        /**
         * A broker started for this class alone and stopped after it, instead of the shared one: for assertions
         * over everything a broker holds. Costs a broker start (seconds); use it only for that.
         */
        public Builder ownBroker() {
            ownBroker = true;
            return this;
        }

        /**
         * A broker of the class's own that the test stops and starts again ({@link TestBroker#stop()},
         * {@link TestBroker#startAgain()} on {@link JitmaskStack#broker()}): the product's embedded broker, whose data directory and
         * ports survive a restart.
         */
        public Builder restartableBroker() {
            restartableBroker = true;
            return this;
        }

        public JitmaskStack build() {
            return new JitmaskStack(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("jitmask-" + prefix + "-");
        broker = restartableBroker ? TestBroker.startRestartable(dir.resolve("broker"))
                : ownBroker ? TestBroker.start() : SharedKafka.broker();
        registryServer = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), "localhost", 0);
        registry = new HttpSchemaRegistryClient(registryServer.url());
        List<String> topics = new ArrayList<>();
        for (Map.Entry<String, String> dataset : sampleSchemas.entrySet()) {
            String name = dataset(dataset.getKey());
            String sample = dataset.getValue(); // null: none registered (plain JSON, or the class registers one)
            if (sample != null && SampleSchemas.TYPED.containsKey(sample)) {
                registry.registerTyped(Topics.raw(name) + "-value", SampleSchemas.typed(sample));
            } else if (sample != null) {
                registry.register(Topics.raw(name) + "-value", SampleSchemas.of(sample));
            }
            topics.add(Topics.raw(name));
            topics.add(Topics.masked(name));
        }
        broker.createTopics(partitions, topics.toArray(String[]::new));
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
        Map<String, String> all = new LinkedHashMap<>();
        all.put(JitmaskConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        all.put(JitmaskConfig.REGISTRY_URL, registryServer.url());
        all.put(JitmaskConfig.APPLICATION_ID, prefix + "-it-" + suffix);
        all.put(JitmaskConfig.STATE_DIR, dir.resolve("state").toString());
        all.put(JitmaskConfig.DATASETS, String.join(",", sampleSchemas.keySet().stream().map(this::dataset).toList()));
        all.put(JitmaskConfig.POLICY_FILE, DemoActors.POLICY.toString());
        all.put(JitmaskConfig.KEYRING_FILE, DemoActors.KEYRING.toString());
        all.put(JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString());
        all.put(JitmaskConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        settings.forEach((key, value) -> all.put(key, value.startsWith(FILE_IN_DIR)
                ? dir.resolve(value.substring(FILE_IN_DIR.length())).toString() : value));
        config = JitmaskConfig.of(all);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ConfluentAvroSerializer(registry, false));
        approvals = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
        admin = broker.admin();
        if (startApp) {
            app = startApp();
        }
        STARTED.put(context.getRequiredTestClass(), this);
    }

    /**
     * The stack {@code testClass} registered, started: for a base class's {@code @BeforeAll}, which runs after the
     * extension's start.
     */
    public static JitmaskStack of(Class<?> testClass) {
        JitmaskStack stack = STARTED.get(testClass);
        if (stack == null) {
            throw new IllegalStateException(testClass.getSimpleName() + " registered no started JitmaskStack");
        }
        return stack;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        STARTED.remove(context.getRequiredTestClass());
        closeAll(admin, approvals, producer, app, registry, registryServer, ownBroker ? broker : null);
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

    /**
     * The broker of this class: the shared one, or its own ({@link Builder#ownBroker()}), one it may stop and start
     * ({@link Builder#restartableBroker()}).
     */
    public TestBroker broker() {
        return broker;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
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
