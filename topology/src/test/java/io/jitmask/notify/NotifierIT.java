package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.jitmask.app.JitmaskApp;
import io.jitmask.testing.AuditTrail;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.CloudEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.serde.ConfluentAvroSerializer;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications end to end: the real application on the shared broker, signed events in, and a real HTTP receiver
 * (the JDK's server on loopback) checking what arrives: CloudEvents bodies, Standard Webhooks signatures, a retry
 * after a 503, every stage of a request, and a notifier restart that resumes from the group's committed offsets
 * and re-derives the expiry reminder from jit.grants.
 */
class NotifierIT {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    /** The application is started by the class, once its webhook receiver listens. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("notify").dataset("ncust", "customers").withoutApp().build();
    static final String DATASET = STACK.dataset();
    static final String CANARY = "canary-" + SUFFIX + "@example.com";
    static final String EXPORT = "jit.audit.ce." + SUFFIX;

    record Delivery(String id, String timestamp, String signature, String contentType, byte[] body) {
        JsonNode json() {
            try {
                return AuditEvent.MAPPER.readTree(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static Path dir;
    static HttpSchemaRegistryClient registry;
    static JitmaskApp app;
    static JitmaskConfig config;
    static HttpServer receiver;
    static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    static final AtomicBoolean failedOnce = new AtomicBoolean();
    static WebhookSignature signature;
    static KafkaProducer<String, String> approvals;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            deliveries.add(new Delivery(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), h.getFirst("Content-Type"), body));
            // The very first attempt fails: the sender must retry it with the same id.
            int status = failedOnce.compareAndSet(false, true) ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        dir = STACK.dir();
        registry = STACK.registry();
        String secret = WebhookSignature.newSecret();
        Path secretFile = Files.writeString(dir.resolve("webhook-secret"), secret);
        signature = WebhookSignature.load(secretFile);

        config = STACK.config().with(Map.ofEntries(
                // The CloudEvents' source the test expects names this application id.
                Map.entry(JitmaskConfig.APPLICATION_ID, "notify-it-" + SUFFIX),
                Map.entry(JitmaskConfig.HTTP_ENABLED, "false"),
                Map.entry(JitmaskConfig.NOTIFY_WEBHOOK_URL, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
                Map.entry(JitmaskConfig.NOTIFY_WEBHOOK_SECRET_FILE, secretFile.toString()),
                Map.entry(JitmaskConfig.NOTIFY_RETRY_BACKOFF_MS, "100"),
                Map.entry(JitmaskConfig.NOTIFY_CONSOLE_URL, "http://localhost:8080/"),
                Map.entry(JitmaskConfig.AUDIT_CLOUDEVENTS_TOPIC, EXPORT),
                // The first notifier's reminder window never opens during the test; the second one's is open at once.
                Map.entry(JitmaskConfig.NOTIFY_REMINDER_LEAD_SECONDS, "1")));
        app = STACK.holdApp(JitmaskApp.start(config));
        app.awaitRunning(Duration.ofSeconds(60));
        approvals = STACK.approvals();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    static void post(ObjectNode event) throws Exception {
        approvals.send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString())).get();
    }

    static ObjectNode request(String id, String requester, long seconds) {
        return ApprovalEvents.requested(id, requester, Instant.now(), "User:" + requester, DATASET, List.of("email"),
                List.of(), "INC-77 <b>refund</b> dispute", seconds, null, DemoActors.key(requester));
    }

    /** Distinct deliveries (by webhook-id, first attempt kept) of one request, in arrival order. */
    static List<JsonNode> of(String requestId) {
        Set<String> seen = new java.util.HashSet<>();
        List<JsonNode> out = new ArrayList<>();
        for (Delivery d : deliveries) {
            JsonNode json = d.json();
            if (requestId.equals(json.path("subject").asText()) && seen.add(d.id())) {
                out.add(json);
            }
        }
        return out;
    }

    static List<String> types(String requestId) {
        return of(requestId).stream().map(j -> j.get("type").asText() + "/" + j.at("/data/outcome").asText("")
                + "->" + j.at("/data/recipients")).toList();
    }

    static void awaitTypes(String requestId, String... expected) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(types(requestId)).containsExactly(expected));
    }

    static int auditPartition(String requestId) throws Exception {
        try (var admin = STACK.broker().admin()) {
            int partitions = admin.describeTopics(List.of(Topics.AUDIT)).allTopicNames().get().get(Topics.AUDIT).partitions().size();
            return org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % partitions;
        }
    }

    static ConsumerRecord<byte[], byte[]> auditRecord(String requestId, AuditEvent.Type type) {
        return AuditTrail.shared().records(requestId).stream()
                .filter(r -> AuditEvent.fromBytes(r.value()).type() == type).findFirst().orElseThrow();
    }

    @Test
    void notifiesEveryStageAndResumesFromKafkaAfterARestart() throws Exception {
        Notifier first = Notifier.startIfConfigured(app.context(), config);
        assertThat(first.awaitAssigned(Duration.ofSeconds(60))).isTrue();
        String granted = ApprovalEvents.newRequestId();
        ObjectNode request = request(granted, "alice", 600);
        post(request);
        post(ApprovalEvents.approved(request, "bob", Instant.now(), "ticket checked", DemoActors.key("bob")));
        awaitTypes(granted,
                "io.jitmask.request.created/->[\"bob\",\"carol\"]",
                "io.jitmask.request.decided/approved->[\"alice\"]",
                "io.jitmask.grant.activated/->[\"alice\"]");
        try (KafkaProducer<String, Object> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()),
                new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
            raw.send(new ProducerRecord<>(Topics.raw(DATASET), "C1", TestCustomers.withSecret("C1", CANARY))).get();
        }
        first.close();

        // While no notifier runs: another request, denied. The next notifier must still tell both sides.
        // On another jit.audit partition than the first request's: one the first notifier never committed on.
        String candidate = ApprovalEvents.newRequestId();
        while (auditPartition(candidate) == auditPartition(granted)) {
            candidate = ApprovalEvents.newRequestId();
        }
        String denied = candidate;
        post(request(denied, "dave", 60));
        post(ApprovalEvents.denied(denied, "carol", Instant.now(), "no ticket", DemoActors.key("carol")));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return auditRecord(denied, AuditEvent.Type.DENIED) != null;
            } catch (java.util.NoSuchElementException e) {
                return false;
            }
        });

        Notifier second = Notifier.startIfConfigured(app.context(),
                config.with(Map.of(JitmaskConfig.NOTIFY_REMINDER_LEAD_SECONDS, "3600")));
        assertThat(second.awaitAssigned(Duration.ofSeconds(60))).isTrue();
        awaitTypes(denied,
                "io.jitmask.request.created/->[\"bob\",\"carol\"]",
                "io.jitmask.request.decided/denied->[\"dave\"]");
        // Re-derived from jit.grants: the grant is within the (new) hour-long reminder window.
        awaitTypes(granted,
                "io.jitmask.request.created/->[\"bob\",\"carol\"]",
                "io.jitmask.request.decided/approved->[\"alice\"]",
                "io.jitmask.grant.activated/->[\"alice\"]",
                "io.jitmask.grant.expiring/->[\"alice\"]");
        post(ApprovalEvents.revoked(granted, "alice", Instant.now(), "done", DemoActors.key("alice")));
        awaitTypes(granted,
                "io.jitmask.request.created/->[\"bob\",\"carol\"]",
                "io.jitmask.request.decided/approved->[\"alice\"]",
                "io.jitmask.grant.activated/->[\"alice\"]",
                "io.jitmask.grant.expiring/->[\"alice\"]",
                "io.jitmask.grant.ended/revoked->[\"alice\"]");
        second.close();

        // The request's notification is exactly the CloudEvent of its audit record.
        ConsumerRecord<byte[], byte[]> requested = auditRecord(granted, AuditEvent.Type.REQUESTED);
        AuditEvent event = AuditEvent.fromBytes(requested.value());
        assertThat(of(granted).get(0).toString()).isEqualTo(AuditEvent.MAPPER.readTree("""
                {"specversion":"1.0","id":"%s","source":"/jitmask/notify-it-%s","type":"io.jitmask.request.created",
                 "subject":"%s","time":"%s","datacontenttype":"application/json",
                 "data":{"requestId":"%s","auditType":"REQUESTED","actor":"alice","dataset":"%s","fields":["email"],
                         "justification":"INC-77 <b>refund</b> dispute","durationSeconds":600,"recipients":["bob","carol"],
                         "link":"http://localhost:8080/#request=%s"}}""".formatted(
                CloudEvent.auditId(requested.partition(), requested.offset()), SUFFIX, granted, event.at(), granted,
                DATASET, granted)).toString());

        // Every attempt is signed (Standard Webhooks), its id is the CloudEvent's id, its type structured-mode JSON.
        for (Delivery d : deliveries) {
            assertThat(signature.verify(d.id(), Long.parseLong(d.timestamp()), d.body(), d.signature())).isTrue();
            assertThat(d.id()).isEqualTo(d.json().get("id").asText());
            assertThat(d.contentType()).isEqualTo("application/cloudevents+json");
        }
        // The 503 was retried with the same id; nothing else was delivered twice, across the restart included.
        List<String> ids = deliveries.stream().map(Delivery::id).toList();
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        Map<String, Long> counts = ids.stream().collect(Collectors.groupingBy(i -> i, Collectors.counting()));
        assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .containsExactly(ids.get(0));
        // The audit export: the request's whole trail, as CloudEvents, in order, each with the audit event as data.
        List<ConsumerRecord<byte[], byte[]>> trail = AuditTrail.shared().records(granted);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> exported = TopicReader.readAll(EXPORT).stream()
                    .filter(r -> granted.equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .map(r -> new Delivery(null, null, null, null, r.value()).json()).toList();
            assertThat(exported).hasSize(trail.size());
            for (int i = 0; i < trail.size(); i++) {
                AuditEvent a = AuditEvent.fromBytes(trail.get(i).value());
                assertThat(exported.get(i)).isEqualTo(CloudEvent.ofAudit("notify-it-" + SUFFIX, trail.get(i).partition(),
                        trail.get(i).offset(), a, AuditEvent.MAPPER.readTree(trail.get(i).value())).toJson());
            }
        });
        // No record value in any body.
        assertThat(deliveries).allSatisfy(d -> assertThat(new String(d.body(), StandardCharsets.UTF_8)).doesNotContain(CANARY));
    }

    /** A loopback receiver recording every attempt; answers 503 until {@code up} is set. */
    static HttpServer receiver(List<Delivery> into, AtomicBoolean up) throws java.io.IOException {
        return receiver(into, up, delivery -> true);
    }

    /**
     * A loopback receiver that records the attempts {@code ours} accepts and answers them 503 until {@code up} is set;
     * any other notification (an earlier test's grant ending late on the shared jit.audit) is taken (204), unrecorded.
     */
    static HttpServer receiver(List<Delivery> into, AtomicBoolean up, java.util.function.Predicate<Delivery> ours)
            throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            Delivery delivery = new Delivery(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), h.getFirst("Content-Type"), body);
            boolean recorded = ours.test(delivery);
            if (recorded) {
                into.add(delivery);
            }
            exchange.sendResponseHeaders(!recorded || up.get() ? 204 : 503, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    static List<String> distinctIds(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::id).distinct().toList();
    }

    @Test
    void twoWebhooksEachGetTheirTypesAndAFailingOneNeverHoldsUpTheOther() throws Exception {
        List<Delivery> ops = new CopyOnWriteArrayList<>();
        List<Delivery> chat = new CopyOnWriteArrayList<>();
        AtomicBoolean opsUp = new AtomicBoolean(false);
        // Both receivers keep only this test's request: the other test's grants may end (and notify) meanwhile.
        String id = ApprovalEvents.newRequestId();
        HttpServer opsServer = receiver(ops, opsUp, d -> id.equals(d.json().path("subject").asText()));
        HttpServer chatServer = receiver(chat, new AtomicBoolean(true),
                d -> new String(d.body(), java.nio.charset.StandardCharsets.UTF_8).contains("#request=" + id + "|"));
        Path opsSecret = Files.writeString(dir.resolve("ops-secret"), WebhookSignature.newSecret());
        Path chatSecret = Files.writeString(dir.resolve("chat-secret"), WebhookSignature.newSecret());
        Notifier notifier = Notifier.startIfConfigured(app.context(), config.with(Map.ofEntries(
                Map.entry(JitmaskConfig.NOTIFY_WEBHOOK_URL, ""),
                Map.entry(JitmaskConfig.NOTIFY_WEBHOOKS, "ops, chat"),
                Map.entry("jitmask.notify.webhook.ops.url", "http://127.0.0.1:" + opsServer.getAddress().getPort() + "/o"),
                Map.entry("jitmask.notify.webhook.ops.secret.file", opsSecret.toString()),
                Map.entry("jitmask.notify.webhook.ops.types", "REQUEST_CREATED,REQUEST_DECIDED,GRANT_ENDED"),
                Map.entry("jitmask.notify.webhook.chat.url", "http://127.0.0.1:" + chatServer.getAddress().getPort() + "/c"),
                Map.entry("jitmask.notify.webhook.chat.secret.file", chatSecret.toString()),
                Map.entry("jitmask.notify.webhook.chat.format", "slack"),
                Map.entry("jitmask.notify.webhook.chat.types", "GRANT_ACTIVATED"),
                // ~60 s of retries before a drop: the down receiver outlives the other's whole delivery.
                Map.entry(JitmaskConfig.NOTIFY_RETRY_BACKOFF_MS, "500"),
                Map.entry(JitmaskConfig.NOTIFY_RETRY_MAX_ATTEMPTS, "10"))));
        try {
            assertThat(notifier.awaitAssigned(Duration.ofSeconds(60))).isTrue();
            ObjectNode request = request(id, "alice", 600);
            post(request);
            post(ApprovalEvents.approved(request, "bob", Instant.now(), "ticket checked", DemoActors.key("bob")));

            // chat gets the activation while ops still answers 503 on the request's first notification (ops stays
            // down until then: every attempt it saw so far was refused).
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !chat.isEmpty() && !ops.isEmpty());
            ConsumerRecord<byte[], byte[]> activated = auditRecord(id, AuditEvent.Type.ACTIVATED);
            AuditEvent a = AuditEvent.fromBytes(activated.value());
            assertThat(chat).hasSize(1);
            assertThat(chat.get(0).id()).isEqualTo(CloudEvent.auditId(activated.partition(), activated.offset()));
            assertThat(chat.get(0).contentType()).isEqualTo("application/json");
            assertThat(chat.get(0).json().toString()).isEqualTo(AuditEvent.MAPPER.createObjectNode().put("text",
                    "*Access granted* your access to email of " + DATASET + " is live until " + a.expiresAt()
                            + " on topic " + a.topic() + "\nfor: alice\n<http://localhost:8080/#request=" + id
                            + "|Open request " + id + " in the console>").toString());
            ConsumerRecord<byte[], byte[]> requested = auditRecord(id, AuditEvent.Type.REQUESTED);
            String createdId = CloudEvent.auditId(requested.partition(), requested.offset());
            assertThat(ops).isNotEmpty().allSatisfy(d -> assertThat(d.id()).isEqualTo(createdId));

            opsUp.set(true);
            post(ApprovalEvents.revoked(id, "alice", Instant.now(), "done", DemoActors.key("alice")));
            ConsumerRecord<byte[], byte[]> approved = auditRecord(id, AuditEvent.Type.APPROVED);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(ops.stream().map(d -> d.json().get("type").asText()).distinct().toList()).containsExactly(
                            "io.jitmask.request.created", "io.jitmask.request.decided", "io.jitmask.grant.ended"));
            // ops: the 503s were retried with the same id, the rest delivered once; ACTIVATED (between them) filtered.
            assertThat(distinctIds(ops).subList(0, 2)).containsExactly(createdId,
                    CloudEvent.auditId(approved.partition(), approved.offset()));
            assertThat(ops.stream().filter(d -> !d.id().equals(createdId)).map(Delivery::id).toList())
                    .doesNotHaveDuplicates().hasSize(2);
            assertThat(ops.get(0).json().toString()).isEqualTo(AuditEvent.MAPPER.readTree("""
                    {"specversion":"1.0","id":"%s","source":"/jitmask/notify-it-%s","type":"io.jitmask.request.created",
                     "subject":"%s","time":"%s","datacontenttype":"application/json",
                     "data":{"requestId":"%s","auditType":"REQUESTED","actor":"alice","dataset":"%s","fields":["email"],
                             "justification":"INC-77 <b>refund</b> dispute","durationSeconds":600,"recipients":["bob","carol"],
                             "link":"http://localhost:8080/#request=%s"}}""".formatted(createdId, SUFFIX, id,
                    AuditEvent.fromBytes(requested.value()).at(), id, DATASET, id)).toString());
            // Each receiver's bodies are signed with its own secret only.
            WebhookSignature opsKey = WebhookSignature.load(opsSecret);
            WebhookSignature chatKey = WebhookSignature.load(chatSecret);
            assertThat(ops).allSatisfy(d -> {
                assertThat(opsKey.verify(d.id(), Long.parseLong(d.timestamp()), d.body(), d.signature())).isTrue();
                assertThat(chatKey.verify(d.id(), Long.parseLong(d.timestamp()), d.body(), d.signature())).isFalse();
            });
            assertThat(chatKey.verify(chat.get(0).id(), Long.parseLong(chat.get(0).timestamp()), chat.get(0).body(),
                    chat.get(0).signature())).isTrue();
            assertThat(chat).hasSize(1);
        } finally {
            notifier.close();
            opsServer.stop(0);
            chatServer.stop(0);
        }
    }
}
