package io.jitmask.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.testing.AuditTrail;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The management port of a real application on the shared broker: readiness around start-up, exact metric values
 * and labels after masking, a dead letter and a whole grant lifecycle, no canary value or record key anywhere in
 * a scrape, and a Grafana dashboard that reads only metrics the application exposes.
 */
class MetricsIT {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("metrics").dataset("mcust", "customers").withoutApp()
            .setting(JitmaskConfig.METRICS_ENABLED, "true")
            .setting(JitmaskConfig.METRICS_HOST, "127.0.0.1")
            .setting(JitmaskConfig.METRICS_PORT, "0")
            .setting(JitmaskConfig.METRICS_GRANT_SERIES_RETENTION_MS, "0")
            .build();
    static final String DATASET = STACK.dataset();
    static final String CANARY = "Zq" + SUFFIX + "Canary";
    static final String KEY_CANARY = "KeyCanary" + SUFFIX;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static JitmaskApp app;
    static String readyBeforeRunning;
    static KafkaStreams.State stateAroundFirstProbe;

    /** Starts the application here, not in the stack: the first readiness probe races its start. */
    @BeforeAll
    static void start() throws Exception {
        app = STACK.holdApp(JitmaskApp.start(STACK.config()));
        KafkaStreams.State before = app.streams().state();
        readyBeforeRunning = get("/ready").body();
        KafkaStreams.State after = app.streams().state();
        stateAroundFirstProbe = before == KafkaStreams.State.RUNNING || after == KafkaStreams.State.RUNNING
                ? KafkaStreams.State.RUNNING : after;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(app.managementUrl() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static PrometheusText scrape() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertNoSecrets(response.body());
        // Kept for whoever edits the dashboard: the names and labels a real instance serves.
        java.nio.file.Files.writeString(Path.of("target/metrics-it-scrape.txt"), response.body());
        return PrometheusText.parse(response.body());
    }

    static void assertNoSecrets(String body) {
        assertThat(body).doesNotContain(CANARY).doesNotContain(KEY_CANARY).doesNotContain("ada.canary")
                .doesNotContain("123-45-6789").doesNotContain("Canary Street");
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    @Test
    void everyOperationalMetricCountsExactlyAndCarriesNoValueOrKey() throws Exception {
        // Readiness: 503 while Kafka Streams is not RUNNING, 200 once it is and the global store is restored.
        if (stateAroundFirstProbe != KafkaStreams.State.RUNNING) {
            JsonNode early = JSON.readTree(readyBeforeRunning);
            assertThat(early.get("ready").asBoolean()).isFalse();
            assertThat(early.get("state").asText()).isIn("CREATED", "REBALANCING", "STARTING");
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/ready").statusCode() == 200);
        assertThat(JSON.readTree(get("/ready").body())).isEqualTo(JSON.readTree(
                "{\"ready\":true,\"state\":\"RUNNING\",\"globalStoreRestored\":true,\"controlState\":\"RUNNING\"}"));
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
        assertThat(JSON.readTree(health.body()).get("streamThreads").asLong()).isPositive();
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);

        // Three records masked, one dead letter whose payload holds a canary.
        for (int i = 0; i < 3; i++) {
            STACK.producer().send(new ProducerRecord<>(Topics.raw(DATASET), KEY_CANARY + "-plain" + i,
                    TestCustomers.withSecret("C" + i, CANARY))).get();
        }
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            bytes.send(new ProducerRecord<>(Topics.raw(DATASET), KEY_CANARY + "-bad",
                    ("\u0007" + CANARY).getBytes(StandardCharsets.UTF_8))).get();
        }
        TopicReader.readAtLeast(Topics.masked(DATASET), 3, Duration.ofSeconds(60));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                scrape().value("jitmask_dlq_records_total", labels("dataset", DATASET, "reason", "MalformedRecordException")) != null);
        PrometheusText first = scrape();
        assertThat(first.value("jitmask_records_masked_total", labels("dataset", DATASET))).isEqualTo(3.0);
        assertThat(first.named("jitmask_dlq_records_total")).extracting(PrometheusText.Sample::labels, PrometheusText.Sample::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(labels("dataset", DATASET, "reason", "MalformedRecordException"), 1.0));
        assertThat(first.value("jitmask_grants_active", Map.of())).isEqualTo(0.0);
        Set<String> seen = new TreeSet<>(first.names());

        // A grant for the records of one key: requested, approved, two copies delivered, then expiry.
        String id = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String grantedKey = KEY_CANARY + "-granted";
        ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", DATASET, List.of("email"),
                List.of(grantedKey), "INC-42 investigate a failed payment", 8, null, DemoActors.key("alice"));
        Instant approvedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as the event carries it
        try (KafkaProducer<String, String> approvals = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            approvals.send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
            approvals.send(new ProducerRecord<>(Topics.APPROVALS, id,
                    ApprovalEvents.approved(request, "bob", approvedAt, "ok", DemoActors.key("bob")).toString())).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.grants().contains(Topics.grantKey(DATASET, id)));
        for (int i = 0; i < 2; i++) {
            STACK.producer().send(new ProducerRecord<>(Topics.raw(DATASET), grantedKey, TestCustomers.withSecret("G" + i, CANARY))).get();
        }
        TopicReader.readAtLeast(Topics.grant(DATASET, id), 2, Duration.ofSeconds(30));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                scrape().value("jitmask_grant_records_delivered_total", labels("dataset", DATASET, "request_id", id)) != null);
        PrometheusText during = scrape();
        seen.addAll(during.names());
        assertThat(during.value("jitmask_grant_records_delivered_total", labels("dataset", DATASET, "request_id", id))).isEqualTo(2.0);
        assertThat(during.named("jitmask_grant_records_delivered_total")).hasSize(1);
        assertThat(during.samples()).as("Kafka's per-topic metrics of grant topics are dropped")
                .noneMatch(sample -> Management.isGrantTopic(sample.labels().get("topic")));
        assertThat(during.value("jitmask_records_masked_total", labels("dataset", DATASET))).isEqualTo(5.0);
        assertThat(during.value("jitmask_grants_active", Map.of())).isEqualTo(1.0);
        assertThat(during.value("jitmask_approval_to_activation_seconds_count", Map.of())).isEqualTo(1.0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                AuditTrail.shared().events(id).stream().anyMatch(e -> e.type() == AuditEvent.Type.ACTIVATED));
        AuditEvent activated = only(AuditTrail.shared().events(id), AuditEvent.Type.ACTIVATED);
        assertThat(during.value("jitmask_approval_to_activation_seconds_sum", Map.of()))
                .as("from the approval's own instant to the instant ACTIVATED carries")
                .isCloseTo(seconds(approvedAt, activated.at()), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(during.named("jitmask_approval_to_activation_seconds_bucket")).extracting(s -> s.labels().get("le"))
                .contains("0.05", "1.0", "300.0", "+Inf");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                AuditTrail.shared().events(id).stream().anyMatch(e -> e.type() == AuditEvent.Type.TOPIC_DELETED));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                scrape().value("jitmask_expiry_to_revocation_seconds_count", Map.of()) == 1.0);
        PrometheusText after = scrape();
        seen.addAll(after.names());
        AuditEvent deleted = only(AuditTrail.shared().events(id), AuditEvent.Type.TOPIC_DELETED);
        assertThat(after.value("jitmask_expiry_to_revocation_seconds_sum", Map.of()))
                .as("from the grant's expiresAt (as ACTIVATED announced it) to the instant TOPIC_DELETED carries")
                .isCloseTo(seconds(activated.expiresAt(), deleted.at()), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(after.value("jitmask_grants_active", Map.of())).isEqualTo(0.0);
        assertThat(after.named("jitmask_grant_records_delivered_total")).as("the ended grant's series is retired").isEmpty();
        for (AuditEvent.Type type : List.of(AuditEvent.Type.REQUESTED, AuditEvent.Type.APPROVED, AuditEvent.Type.ACTIVATED,
                AuditEvent.Type.EXPIRY_DETECTED, AuditEvent.Type.DISCLOSURE_SUMMARY, AuditEvent.Type.EXPIRED,
                AuditEvent.Type.TOPIC_DELETED)) {
            assertThat(after.value("jitmask_audit_events_total", labels("type", type.name()))).as(type.name()).isEqualTo(1.0);
        }
        assertThat(after.value("jitmask_records_masked_total", labels("dataset", DATASET))).isEqualTo(5.0);

        // Kafka Streams' own metrics are bridged: consumer lag among them.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> scrape().names().contains("kafka_consumer_fetch_manager_records_lag_max"));
        seen.addAll(scrape().names());

        // Every metric the dashboard reads is one this application serves.
        Set<String> used = GrafanaDashboardTest.metricNamesUsed();
        assertThat(seen).containsAll(used);
    }

    private static AuditEvent only(List<AuditEvent> events, AuditEvent.Type type) {
        List<AuditEvent> matching = events.stream().filter(e -> e.type() == type).toList();
        assertThat(matching).as(type.name()).hasSize(1);
        return matching.get(0);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
