package io.jitmask.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.jitmask.audit.AuditEvent;
import io.jitmask.cli.JitmaskCli;
import io.jitmask.cli.TopicScan;
import io.jitmask.config.Topics;
import io.jitmask.embedded.EmbeddedStack;
import io.jitmask.testing.LogCapture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code jitmask up --secure} on ephemeral ports: the product's own broker with SASL/SCRAM and enforced ACLs, jitmask
 * running as its own principal with only the ACLs of {@link PipelineAcls}, and every other principal checked with
 * real clients and the real CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureBrokerIT {
    @TempDir
    static Path dataDir;
    static EmbeddedStack stack;
    static LogCapture logs;
    static final Map<String, Level> levels = new HashMap<>();
    static final AtomicInteger readsRefused = new AtomicInteger();
    static final AtomicInteger writesRefused = new AtomicInteger();
    static final AtomicInteger loginsRejected = new AtomicInteger();
    static long startedAt;

    @BeforeAll
    static void start() throws Exception {
        // Kafka logs its client and broker configurations at INFO: capture them too, to prove no password is among them.
        for (String name : List.of("org.apache.kafka", "kafka")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(name, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        logs = new LogCapture();
        startedAt = System.nanoTime();
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(dataDir, "localhost", freePort(), freePort(), 0, null, null,
                Map.of("jitmask.grant.delete.grace.ms", "0", io.jitmask.config.JitmaskConfig.HTTP_PORT, "0"), true));
    }

    @AfterAll
    static void stop() {
        if (logs != null && stack != null) {
            List<String> lines = logs.lines();
            long passwordHits = DemoPrincipals.ALL.stream().map(p -> password(p.name()))
                    .mapToLong(pw -> lines.stream().filter(line -> line.contains(pw)).count()).sum();
            long jitmaskDenials = lines.stream().filter(line -> line.contains("Principal = User:jitmask is Denied")).count();
            System.out.printf("FIGURES SecureBrokerIT: %d principals; reads refused %d, writes refused %d "
                    + "(TopicAuthorizationException); logins rejected %d (SaslAuthenticationException, SslAuthenticationException); "
                    + "%d log lines searched for %d passwords: %d found; denials of User:jitmask: %d; %d s%n",
                    DemoPrincipals.ALL.size(), readsRefused.get(), writesRefused.get(), loginsRejected.get(), lines.size(),
                    DemoPrincipals.ALL.size(), passwordHits, jitmaskDenials, Duration.ofNanos(System.nanoTime() - startedAt).toSeconds());
        }
        if (stack != null) {
            stack.close();
        }
        if (logs != null) {
            logs.close();
        }
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Map<String, Object> settings(String principal) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(stack.credentials().get(principal))) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> settings = new HashMap<>();
        props.forEach((k, v) -> settings.put(k.toString(), v));
        return settings;
    }

    static String password(String principal) {
        return SaslSettings.passwordOf((String) settings(principal).get(SaslConfigs.SASL_JAAS_CONFIG));
    }

    record Result(int exit, String out, String err) {
    }

    /** The real CLI, logged in as {@code principal} through its credential file. */
    static Result jitmask(String principal, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--command-config=" + stack.credentials().get(principal));
        if (List.of("produce", "consume").contains(args[0])) {
            all.add("--registry-url=" + stack.registryUrl());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = JitmaskCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** The error a consumer of {@code principal} gets reading partition 0 of {@code topic}; fails if it reads instead. */
    static Throwable readError(Map<String, Object> settings, String topic) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    assertThat(consumer.poll(Duration.ofMillis(200))).as("records of " + topic).isEmpty();
                } catch (RuntimeException e) {
                    return e;
                }
            }
        }
        throw new AssertionError("reading " + topic + " was not refused");
    }

    static void assertReadRefused(String principal, String topic) {
        assertThat(readError(settings(principal), topic)).as(principal + " reading " + topic)
                .isInstanceOf(TopicAuthorizationException.class)
                .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics()).containsExactly(topic));
        readsRefused.incrementAndGet();
    }

    static void assertWriteRefused(String principal, String topic) {
        Map<String, Object> props = new HashMap<>(settings(principal));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        // Not idempotent: an idempotent producer without WRITE anywhere fails earlier, on the cluster, not the topic.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .as(principal + " writing " + topic)
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
        writesRefused.incrementAndGet();
    }

    static List<AuditEvent.Type> auditOf(String requestId) {
        // As the auditor: erin's ACLs allow reading jit.audit.
        return TopicScan.readAll(settings("erin"), Topics.AUDIT).stream()
                .filter(r -> requestId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> AuditEvent.fromBytes(r.value()).type()).toList();
    }

    @Test
    @Order(1)
    void credentialFilesAreOwnerOnly() throws Exception {
        assertThat(stack.credentials().keySet()).containsExactlyElementsOf(
                DemoPrincipals.ALL.stream().map(DemoPrincipals.Principal::name).toList());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("credentials")))).isEqualTo("rwx------");
        for (Path file : stack.credentials().values()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    @Order(2)
    void wrongOrUnknownCredentialsAreRejected() {
        Map<String, Object> wrong = new HashMap<>(settings("analyst"));
        wrong.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSettings.jaas(SaslSettings.SCRAM, "analyst", password("analyst") + "x"));
        assertThat(readError(wrong, Topics.masked("customers"))).isInstanceOf(SaslAuthenticationException.class);
        loginsRejected.incrementAndGet();

        Map<String, Object> unknown = new HashMap<>(settings("analyst"));
        unknown.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSettings.jaas(SaslSettings.SCRAM, "mallory", password("analyst")));
        assertThat(readError(unknown, Topics.masked("customers"))).isInstanceOf(SaslAuthenticationException.class);
        loginsRejected.incrementAndGet();

        // The super user's PLAIN login is refused with another principal's password, and for any other user.
        Map<String, Object> admin = new HashMap<>(settings("admin"));
        admin.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSettings.jaas(SaslSettings.PLAIN, "admin", password("jitmask")));
        try (Admin client = Admin.create(admin)) {
            assertThatThrownBy(() -> client.describeCluster().clusterId().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
            loginsRejected.incrementAndGet();
        }
        Map<String, Object> plainAsJitmask = new HashMap<>(settings("admin"));
        plainAsJitmask.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSettings.jaas(SaslSettings.PLAIN, "jitmask", password("jitmask")));
        try (Admin client = Admin.create(plainAsJitmask)) {
            assertThatThrownBy(() -> client.describeCluster().clusterId().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
            loginsRejected.incrementAndGet();
        }
    }

    @Test
    @Order(2)
    void clientsMustUseTlsAndTrustTheBrokerCertificate() throws Exception {
        Path certificate = dataDir.resolve("credentials/broker-certificate.pem");
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(settings("analyst")).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.location", certificate.toString());

        Map<String, Object> defaultTrust = new HashMap<>(settings("analyst"));
        defaultTrust.remove("ssl.truststore.type");
        defaultTrust.remove("ssl.truststore.location");
        assertThat(readError(defaultTrust, Topics.masked("customers"))).isInstanceOf(SslAuthenticationException.class);
        loginsRejected.incrementAndGet();

        // The broker's key never reaches the disk: no private key in the data dir but the demo actors' signing keys.
        try (var files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(dataDir.resolve("kafka")) && !f.startsWith(dataDir.resolve("demo-keys"))).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    @Order(3)
    void onlyJitmaskReadsRawAndOnlyProducersWriteIt() {
        for (DemoPrincipals.Principal p : DemoPrincipals.ALL) {
            if (p.role() != DemoPrincipals.Role.ADMIN && p.role() != DemoPrincipals.Role.PIPELINE) {
                assertReadRefused(p.name(), Topics.raw("customers"));
            }
        }
        assertWriteRefused("analyst", Topics.raw("customers"));
        assertWriteRefused("alice", Topics.raw("customers"));
    }

    @Test
    @Order(4)
    void maskedConsumerReadsMaskedOnly() {
        Result produced = jitmask("producer", "produce", "--dataset", "customers", "--count", "3", "--seed", "7");
        assertThat(produced.exit()).as(produced.err()).isZero();
        Result masked = jitmask("analyst", "consume", "--topic", "masked.customers", "--max", "3", "--timeout", "PT30S");
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out().strip().split("\n")).hasSize(3)
                .allSatisfy(line -> assertThat(line).contains("\"nationalId\": \"REDACTED\""));

        assertReadRefused("producer", Topics.masked("customers"));
        assertWriteRefused("analyst", Topics.masked("customers"));
        assertWriteRefused("producer", Topics.masked("customers"));
        for (String topic : List.of(Topics.APPROVALS, Topics.GRANTS, Topics.AUDIT, Topics.DLQ, Topics.SCHEMAS)) {
            assertReadRefused("analyst", topic);
        }
    }

    @Test
    @Order(5)
    void granteeReadsItsOwnGrantTopicUntilTheGrantEnds() {
        Result requested = jitmask("alice", "request", "--actor", "alice", "--key", dataDir.resolve("demo-keys/alice.key").toString(),
                "--dataset", "customers", "--fields", "email,name", "--justification", "INC-7 secured walk", "--duration", "PT20S");
        assertThat(requested.exit()).as(requested.err()).isZero();
        String id = requested.out().strip();
        String grantTopic = Topics.grant("customers", id);
        Result approved = jitmask("bob", "approve", "--request", id, "--actor", "bob",
                "--key", dataDir.resolve("demo-keys/bob.key").toString(), "--comment", "ok");
        assertThat(approved.exit()).as(approved.err()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.app().grants().contains(Topics.grantKey("customers", id)));

        assertThat(jitmask("producer", "produce", "--dataset", "customers", "--count", "2", "--seed", "8").exit()).isZero();
        Result clear = jitmask("alice", "consume", "--grant", id, "--dataset", "customers", "--max", "2", "--timeout", "PT15S");
        assertThat(clear.exit()).as(clear.err()).isZero();
        assertThat(clear.out().strip().split("\n")).hasSize(2).allSatisfy(line -> {
            assertThat(line).containsPattern("\"email\": \"[a-z.]+@[a-z.-]+\"");
            assertThat(line).contains("\"nationalId\": \"REDACTED\"");
        });

        // Another grantee, the masked consumer and the producer are refused on alice's grant topic; nobody but
        // jitmask writes to it, alice included.
        assertReadRefused("dave", grantTopic);
        assertReadRefused("analyst", grantTopic);
        assertReadRefused("producer", grantTopic);
        assertWriteRefused("alice", grantTopic);
        Result daveCli = jitmask("dave", "consume", "--grant", id, "--dataset", "customers", "--max", "1", "--timeout", "PT10S");
        assertThat(daveCli.exit()).isEqualTo(1);
        assertThat(daveCli.err()).startsWith("jitmask: TopicAuthorizationException: ");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> auditOf(id).contains(AuditEvent.Type.TOPIC_DELETED));
        assertThat(auditOf(id)).containsExactly(AuditEvent.Type.REQUESTED, AuditEvent.Type.APPROVED,
                AuditEvent.Type.ACTIVATED, AuditEvent.Type.EXPIRY_DETECTED, AuditEvent.Type.DISCLOSURE_SUMMARY,
                AuditEvent.Type.EXPIRED, AuditEvent.Type.TOPIC_DELETED);
        assertReadRefused("alice", grantTopic);
    }

    @Test
    @Order(6)
    void auditorReadsTheTrailOthersCannot() {
        Result audit = jitmask("erin", "audit");
        assertThat(audit.exit()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("\"type\":\"ACTIVATED\"");
        Result refused = jitmask("alice", "audit");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("jitmask: TopicAuthorizationException: ");
    }

    record Http(int status, String body, String authenticate) {
    }

    /** One call to the embedded registry, as {@code principal} (null: no credentials; a password may be given). */
    static Http registry(String method, String path, String body, String principal, String password) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.registryUrl() + path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        if (principal != null) {
            String userInfo = principal + ":" + (password != null ? password : password(principal));
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Http(response.statusCode(), response.body(), response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    @Order(6)
    void theRegistryNeedsCredentialsAndOnlyProducerAndJitmaskRegisterUnderRaw() throws Exception {
        String schema = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("schema", io.jitmask.sample.SampleSchemas.of("customers").toString()).toString();
        String unauthorized = "{\"error_code\":401,\"message\":\"Unauthorized\"}";
        assertThat(registry("GET", "/subjects", null, null, null))
                .isEqualTo(new Http(401, unauthorized, "Basic realm=\"jitmask-schema-registry\""));
        assertThat(registry("POST", "/subjects/raw.customers-value/versions", schema, "producer", "wrong-password").status()).isEqualTo(401);
        assertThat(registry("POST", "/subjects/raw.customers-value/versions", schema, "nobody", "x").body()).isEqualTo(unauthorized);

        assertThat(registry("GET", "/subjects", null, "analyst", null).status()).isEqualTo(200);
        assertThat(registry("POST", "/subjects/raw.customers-value/versions", schema, "producer", null).body()).startsWith("{\"id\":");
        assertThat(registry("POST", "/subjects/raw.customers-value/versions", schema, "analyst", null))
                .isEqualTo(new Http(403, "{\"error_code\":40301,\"message\":\"User analyst is denied operation Write on Subject:"
                        + " raw.customers-value\"}", null));
        assertThat(registry("POST", "/subjects/masked.customers-value/versions", schema, "producer", null).body())
                .isEqualTo("{\"error_code\":40301,\"message\":\"User producer is denied operation Write on Subject:"
                        + " masked.customers-value\"}");
        assertThat(registry("DELETE", "/subjects/raw.customers-value/versions/1", null, "producer", null).body())
                .isEqualTo("{\"error_code\":40301,\"message\":\"User producer is denied operation Delete on Subject:"
                        + " raw.customers-value\"}");
        assertThat(registry("PUT", "/config", "{\"compatibility\":\"NONE\"}", "jitmask", null).body())
                .isEqualTo("{\"error_code\":40301,\"message\":\"User jitmask is denied operation Alter on Cluster: schema-registry\"}");
        assertThat(registry("PUT", "/config/raw.audit-probe-value", "{\"compatibility\":\"FULL\"}", "admin", null).status()).isEqualTo(200);
        assertThat(registry("GET", "/config", null, "producer", null).body()).contains("BACKWARD");
    }

    @Test
    @Order(7)
    void noPasswordInAnyLogLine() {
        List<String> lines = logs.lines();
        assertThat(lines).as("captured log lines").isNotEmpty();
        assertThat(String.join("\n", lines)).contains("sasl.jaas.config = [hidden]").contains("ssl.keystore.key = [hidden]")
                .doesNotContain("PRIVATE KEY");
        for (DemoPrincipals.Principal p : DemoPrincipals.ALL) {
            String password = password(p.name());
            assertThat(lines).as("log lines holding " + p.name() + "'s password").noneMatch(line -> line.contains(password));
        }
    }

    @Test
    @Order(8)
    void jitmaskNeedsNoMoreThanItsAcls() {
        // The broker's authorizer logs every denial; jitmask did everything above (provisioning, masking, grant
        // topics and ACLs, expiry, deletion, the registry) with PipelineAcls alone.
        List<String> lines = logs.lines();
        assertThat(lines).anyMatch(line -> line.contains("Principal = User:dave is Denied"));
        assertThat(lines).noneMatch(line -> line.contains("Principal = User:jitmask is Denied"));
    }
}
