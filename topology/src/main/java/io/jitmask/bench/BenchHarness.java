package io.jitmask.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Ed25519;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.embedded.EmbeddedKafkaBroker;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantJson;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs every measurement of {@code jitmask bench} on one in-process broker, so each figure has a baseline from
 * the same run on the same machine state. See bench/README.md for what each number means.
 */
public final class BenchHarness implements AutoCloseable {
    static final String DATASET = "benchsrc";
    static final int PARTITIONS = 3;
    static final long COMMIT_INTERVAL_MS = 100;

    private final Path dir;
    private final PrintStream progress;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registryServer;
    private final Admin admin;
    private final String bootstrap;
    private final Map<String, Object> results = new LinkedHashMap<>();

    public BenchHarness(Path dir, PrintStream progress) throws Exception {
        this.dir = dir;
        this.progress = progress;
        broker = EmbeddedKafkaBroker.start(dir, "localhost", freePort(), freePort());
        bootstrap = broker.bootstrapServers();
        registryServer = EmbeddedSchemaRegistry.start(bootstrap, "localhost", 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        for (String resource : List.of("policy.yaml", "keyring.yaml", "demo-keys/alice.key", "demo-keys/bob.key",
                "demo-keys/dave.key")) {
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = BenchHarness.class.getResourceAsStream("/jitmask/deploy/" + resource)) {
                Files.copy(in, target);
            }
        }
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public Map<String, Object> results() {
        return results;
    }

    private int totalSteps = 1;
    private int doneSteps;

    /** How many {@link #step} calls the run will make, for the progress bar. */
    public void expectSteps(int total) {
        totalSteps = Math.max(1, total);
    }

    /** A progress line with a bar: {@code [#######.............]  35% 00:20:13 masking, ...}. */
    void step(String what) {
        int done = Math.min(doneSteps++, totalSteps);
        int width = 20;
        int filled = done * width / totalSteps;
        progress.printf("[%s%s] %3d%% %s %s%n", "#".repeat(filled), ".".repeat(width - filled), done * 100 / totalSteps,
                Instant.now().toString().substring(11, 19), what);
        progress.flush();
    }

    /** A sub-step: printed without advancing the bar. */
    void note(String what) {
        progress.printf("%27s %s%n", "", what);
        progress.flush();
    }

    /** N realistic customers records (about 1 KB each, padded in a non-sensitive field) on raw.benchsrc. */
    public void preload(int records) throws Exception {
        preload(records, PARTITIONS);
    }

    /**
     * As {@link #preload(int)}, on a raw topic of {@code rawPartitions} partitions (grant topics take the raw topic's
     * count; every other topic keeps {@link #PARTITIONS}).
     */
    public void preload(int records, int rawPartitions) throws Exception {
        step("pre-loading " + records + " customers records");
        admin.createTopics(List.of(new NewTopic(Topics.raw(DATASET), rawPartitions, (short) 1))).all().get();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryServer.url());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                     ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
            SampleRecords samples = new SampleRecords(42);
            long bytes = 0;
            for (int i = 0; i < records; i++) {
                GenericRecord customer = samples.customer();
                // Padding goes into a field that is not sensitive: padding the free-text bio, which the policy
                // redacts, made masked records a third of the raw size, so masking wrote far fewer bytes than the
                // pass-through and the ratio flattered it.
                customer.put("accountManager", customer.get("accountManager") + " " + "Notes: " + "lorem ipsum dolor sit amet ".repeat(20));
                producer.send(new ProducerRecord<>(Topics.raw(DATASET), customer.get("customerId").toString(), customer));
                if (i == 0) {
                    bytes = new ConfluentAvroSerializer(registry, false).serialize(Topics.raw(DATASET), customer).length;
                }
                if (i % 10_000 == 0 && i > 0) {
                    note(i + " records");
                }
            }
            producer.flush();
            results.put("records", records);
            results.put("recordBytes", bytes);
        }
    }

    JitmaskConfig config(String applicationId, String guarantee, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                JitmaskConfig.BOOTSTRAP_SERVERS, bootstrap,
                JitmaskConfig.REGISTRY_URL, registryServer.url(),
                JitmaskConfig.APPLICATION_ID, applicationId,
                JitmaskConfig.STATE_DIR, dir.resolve("state").toString(),
                JitmaskConfig.DATASETS, DATASET,
                JitmaskConfig.PROCESSING_GUARANTEE, guarantee,
                JitmaskConfig.COMMIT_INTERVAL_MS, Long.toString(COMMIT_INTERVAL_MS),
                JitmaskConfig.POLICY_FILE, dir.resolve("policy.yaml").toString(),
                JitmaskConfig.KEYRING_FILE, dir.resolve("keyring.yaml").toString(),
                JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString()));
        values.put(JitmaskConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        values.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        values.putAll(extra);
        return JitmaskConfig.of(values);
    }

    /** One timed run: records/s and process CPU per record, both over the 10%-90% window of the output. */
    public record Measure(double perSecond, double cpuMicrosPerRecord) {
        static Measure of(List<long[]> progress, long records) {
            return new Measure(Stats.steadyRate(progress, records), Stats.steadyCpuMicrosPerRecord(progress, records));
        }
    }

    /** A byte pass-through Kafka Streams app with the same settings as jitmask. */
    public Measure passThrough(String guarantee, int records) throws Exception {
        String output = "bench.passthrough." + UUID.randomUUID().toString().substring(0, 6);
        admin.createTopics(List.of(new NewTopic(output, PARTITIONS, (short) 1))).all().get();
        Properties props = config("bench-pt-" + UUID.randomUUID(), guarantee, Map.of()).streamsProperties();
        CommittedProgress out = new CommittedProgress(admin, output, PARTITIONS);
        try (KafkaStreams streams = new KafkaStreams(PassThroughTopology.build(Topics.raw(DATASET), output), props)) {
            streams.start();
            return Measure.of(out.await(0, records, 600), records);
        }
    }

    /** The masking path, with {@code grants} active grants that do not match the records. */
    public Measure masking(String guarantee, int records, int grants) throws Exception {
        CommittedProgress out = new CommittedProgress(admin, Topics.masked(DATASET), PARTITIONS);
        long base = admin.listTopics().names().get().contains(Topics.masked(DATASET)) ? out.committed() : 0;
        JitmaskApp app = JitmaskApp.start(config("bench-mask-" + UUID.randomUUID(), guarantee, Map.of()));
        try {
            app.awaitRunning(Duration.ofSeconds(120));
            long start = System.nanoTime();
            while (app.grants().size() < grants && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(20);
            }
            return Measure.of(out.await(base, records, 600), records);
        } finally {
            app.close();
        }
    }

    /** Writes grants straight to jit.grants (no topics: none of them ever matches a record). */
    public void writeNonMatchingGrants(int count, String tag) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                String id = tag + i;
                Grant grant = new Grant(id, DATASET, "User:bench" + i, List.of("email"),
                        new GrantFilter.Keys(List.of("no-such-key-" + i)), Topics.grant(DATASET, id), "bench", List.of("bench"),
                        "BENCH-1 scaling", now, now.plus(Duration.ofHours(2)), Grant.ACTIVE);
                producer.send(new ProducerRecord<>(Topics.GRANTS, grant.key(), GrantJson.toBytes(grant)));
            }
            producer.flush();
        }
    }

    public void deleteGrants(int count, String tag) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(Topics.GRANTS, Topics.grantKey(DATASET, tag + i), null));
            }
            producer.flush();
        }
    }

    /** Heap used after a full GC, with and without grants loaded in a running app's index. */
    public long heapWithGrants(int grants) throws Exception {
        JitmaskApp app = JitmaskApp.start(config("bench-heap-" + UUID.randomUUID(), "exactly_once_v2", Map.of()));
        try {
            app.awaitRunning(Duration.ofSeconds(120));
            long start = System.nanoTime();
            while (app.grants().size() < grants && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(20);
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        } finally {
            app.close();
        }
    }

    PrivateKey key(String actor) throws Exception {
        return Ed25519.privateKey(Files.readString(dir.resolve("demo-keys/" + actor + ".key")));
    }

    /**
     * Approval latency: for each grant, from the moment the APPROVED event is acknowledged by the broker to the moment
     * the first unmasked copy is readable (read_committed) on its grant topic, while a producer writes a matching
     * record every 10 ms. Expiry: grants of a few seconds under the same load; copies appended after expiresAt
     * (grant topics use LogAppendTime) and the delay from expiresAt to tombstone, ACL removal and topic deletion.
     */
    public void grantLatencies(int grants, int expiring) throws Exception {
        JitmaskApp app = JitmaskApp.start(config("bench-grants-" + UUID.randomUUID(), "exactly_once_v2",
                Map.of(JitmaskConfig.GRANT_DELETE_GRACE_MS, "3000")));
        Map<String, String> liveKeys = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> produceLoad(liveKeys, running), "bench-load");
        try (KafkaProducer<String, String> approvals = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            app.awaitRunning(Duration.ofSeconds(120));
            load.start();
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < grants; i++) {
                String id = "lat" + UUID.randomUUID().toString().substring(0, 8);
                String key = "K-" + id;
                liveKeys.put(id, key);
                double ms = approveAndAwaitFirstCopy(approvals, id, key, 120);
                latencies.add(ms);
                liveKeys.remove(id);
                if (i % 10 == 9) {
                    note("approval latency: " + (i + 1) + " of " + grants + " grants");
                }
            }
            results.put("approvalLatencyMs", Map.of("p50", Stats.percentile(latencies, 50), "p99", Stats.percentile(latencies, 99),
                    "samples", latencies.size(), "commitIntervalMs", COMMIT_INTERVAL_MS,
                    "inOrderMs", latencies.stream().map(v -> Math.round(v)).toList()));

            step("expiring " + expiring + " grants of 5 s under load");
            for (int i = 0; i < expiring; i++) {
                String id = "exp" + UUID.randomUUID().toString().substring(0, 8);
                ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", DATASET, List.of("email"),
                        List.of("K-" + id), "BENCH-2 expiry", 5, null, key("alice"));
                approvals.send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
                approvals.send(new ProducerRecord<>(Topics.APPROVALS, id,
                        ApprovalEvents.approved(request, "bob", Instant.now(), null, key("bob")).toString())).get();
                liveKeys.put(id, "K-" + id);
            }
            Map<String, List<AuditEvent>> trail = awaitAudit(expiring, Duration.ofSeconds(120));
            List<Double> toTombstone = new ArrayList<>();
            List<Double> toDeletion = new ArrayList<>();
            long late = 0;
            for (Map.Entry<String, List<AuditEvent>> entry : trail.entrySet()) {
                Instant expires = entry.getValue().stream().filter(e -> e.type() == AuditEvent.Type.ACTIVATED).findFirst().orElseThrow().expiresAt();
                for (AuditEvent event : entry.getValue()) {
                    if (event.type() == AuditEvent.Type.EXPIRY_DETECTED) {
                        toTombstone.add((double) Duration.between(expires, event.at()).toMillis());
                    }
                    if (event.type() == AuditEvent.Type.TOPIC_DELETED) {
                        toDeletion.add((double) Duration.between(expires, event.at()).toMillis());
                    }
                }
                late += lateCopies.getOrDefault(entry.getKey(), 0L);
            }
            results.put("expiry", Map.of("grants", trail.size(), "copiesAfterExpiresAt", late,
                    "copies", copyMarginMs.size(), "smallestMarginBeforeExpiresAtMs",
                    copyMarginMs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    "toTombstoneMs", Map.of("p50", Stats.percentile(toTombstone, 50), "p99", Stats.percentile(toTombstone, 99)),
                    "toAclRemovalMs", Map.of("p50", Stats.percentile(aclRemoval, 50), "p99", Stats.percentile(aclRemoval, 99)),
                    "toTopicDeletionMs", Map.of("p50", Stats.percentile(toDeletion, 50), "p99", Stats.percentile(toDeletion, 99)),
                    "deleteGraceMs", 3000));
        } finally {
            running.set(false);
            load.join(5000);
            app.close();
        }
    }

    private final Map<String, Long> lateCopies = new ConcurrentHashMap<>();
    private final List<Double> aclRemoval = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Double> copyMarginMs = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Watches every expiring grant: copies appended after expiresAt, and when its ACL disappears. */
    private Map<String, List<AuditEvent>> awaitAudit(int expected, Duration timeout) throws Exception {
        Map<String, List<AuditEvent>> trail = new ConcurrentHashMap<>();
        Map<String, Instant> expires = new ConcurrentHashMap<>();
        Map<String, Boolean> aclSeenGone = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> audit = consumer(); KafkaConsumer<byte[], byte[]> copies = consumer()) {
            audit.subscribe(List.of(Topics.AUDIT));
            copies.subscribe(java.util.regex.Pattern.compile("grant\\." + DATASET + "\\.exp.*"));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : audit.poll(Duration.ofMillis(20))) {
                    AuditEvent event = AuditEvent.fromBytes(record.value());
                    if (event.requestId().startsWith("exp")) {
                        trail.computeIfAbsent(event.requestId(), k -> new ArrayList<>()).add(event);
                        if (event.type() == AuditEvent.Type.ACTIVATED) {
                            expires.put(event.requestId(), event.expiresAt());
                        }
                    }
                }
                for (ConsumerRecord<byte[], byte[]> copy : copies.poll(Duration.ofMillis(20))) {
                    String id = copy.topic().substring(copy.topic().lastIndexOf('.') + 1);
                    Instant at = expires.get(id);
                    if (at != null && copy.timestamp() > at.toEpochMilli()) {
                        lateCopies.merge(id, 1L, Long::sum);
                    }
                    if (at != null) {
                        copyMarginMs.add((double) (at.toEpochMilli() - copy.timestamp()));
                    }
                }
                Instant now = Instant.now();
                for (Map.Entry<String, Instant> grant : expires.entrySet()) {
                    if (!aclSeenGone.containsKey(grant.getKey()) && now.isAfter(grant.getValue())) {
                        boolean gone = admin.describeAcls(new org.apache.kafka.common.acl.AclBindingFilter(
                                new org.apache.kafka.common.resource.ResourcePatternFilter(
                                        org.apache.kafka.common.resource.ResourceType.TOPIC, Topics.grant(DATASET, grant.getKey()),
                                        org.apache.kafka.common.resource.PatternType.LITERAL),
                                org.apache.kafka.common.acl.AccessControlEntryFilter.ANY)).values().get().isEmpty();
                        if (gone) {
                            aclSeenGone.put(grant.getKey(), true);
                            aclRemoval.add((double) Duration.between(grant.getValue(), Instant.now()).toMillis());
                        }
                    }
                }
                long finished = trail.values().stream().filter(t -> t.stream().anyMatch(e -> e.type() == AuditEvent.Type.TOPIC_DELETED)).count();
                if (finished >= expected) {
                    return trail;
                }
            }
        }
        throw new IllegalStateException("expiring grants did not all end within " + timeout);
    }

    /**
     * A consumer that sees a new topic's records as soon as they commit. The client defaults (retry backoff growing
     * to 1 s while a fresh topic's leader is not known yet, fetch.max.wait.ms 500) add up to seconds that are the
     * consumer's, not jitmask's, and made the approval p99 swing between 1.8 and 6 s from run to run.
     */
    KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
                ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 20, ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    double approveAndAwaitFirstCopy(KafkaProducer<String, String> approvals, String id, String key, int timeoutSeconds)
            throws Exception {
        ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", DATASET, List.of("email"),
                List.of(key), "BENCH-3 latency", 300, null, key("alice"));
        approvals.send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
        ObjectNode approved = ApprovalEvents.approved(request, "bob", Instant.now(), null, key("bob"));
        approvals.send(new ProducerRecord<>(Topics.APPROVALS, id, approved.toString())).get();
        long approvedAt = System.nanoTime();
        String topic = Topics.grant(DATASET, id);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            long deadline = approvedAt + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!admin.listTopics().names().get().contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("grant topic " + topic + " never appeared");
                }
                Thread.sleep(5);
            }
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new org.apache.kafka.common.TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                    return (System.nanoTime() - approvedAt) / 1e6;
                }
            }
        }
        throw new IllegalStateException("no copy on " + topic + " within " + timeoutSeconds + " s");
    }

    /** Writes, every 10 ms, one record for each key a live benchmark grant covers. */
    void produceLoad(Map<String, String> keys, AtomicBoolean running) {
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryServer.url());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
            SampleRecords samples = new SampleRecords(7);
            while (running.get()) {
                for (String key : keys.values()) {
                    GenericRecord customer = samples.customer();
                    customer.put("customerId", key);
                    producer.send(new ProducerRecord<>(Topics.raw(DATASET), key, customer));
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Admin admin() {
        return admin;
    }

    String registryUrl() {
        return registryServer.url();
    }

    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        registryServer.close();
        broker.close();
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }
}
