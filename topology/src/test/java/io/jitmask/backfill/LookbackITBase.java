package io.jitmask.backfill;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.stream.MaskingProcessor;
import io.jitmask.testing.AuditTrail;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.LogCapture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * What the lookback integration tests share: their {@link JitmaskStack} settings ({@link #lookbackStack}), and
 * static helpers over the class's stack (producers of raw records and signed approval events, the audit trail, a
 * log capture). Each class registers its stack; the helpers bind to it before the
 * class's first test ({@link #use}); classes run one after another in a JVM.
 */
abstract class LookbackITBase {
    static JitmaskStack stack;
    static Path dir;
    static JitmaskConfig config;
    static HttpSchemaRegistryClient registry;
    static JitmaskApp app;
    static KafkaProducer<String, Object> producer;
    static KafkaProducer<String, String> approvals;
    static Admin admin;
    static LogCapture logs;

    /** A stack for lookback tests: backfill at {@code rate} records/s, progress every {@code progressMs}. */
    static JitmaskStack.Builder lookbackStack(String prefix, long rate, long progressMs) {
        return JitmaskStack.builder(prefix)
                // Ended grant topics stay long enough to be read in full before they are deleted.
                .setting(JitmaskConfig.GRANT_DELETE_GRACE_MS, "2000")
                .setting(JitmaskConfig.BACKFILL_MAX_RECORDS_PER_SECOND, Long.toString(rate))
                .setting(JitmaskConfig.BACKFILL_PROGRESS_INTERVAL_MS, Long.toString(progressMs))
                // A restarted instance takes over its predecessor's tasks after this, not the default 45 s.
                .setting("consumer.session.timeout.ms", "6000");
    }

    /** Binds the class's started stack to the helpers and starts capturing the log. */
    @BeforeAll
    static void use(TestInfo test) {
        JitmaskStack started = JitmaskStack.of(test.getTestClass().orElseThrow());
        stack = started;
        dir = started.dir();
        config = started.config();
        registry = started.registry();
        app = started.app();
        producer = started.producer();
        approvals = started.approvals();
        admin = started.admin();
        logs = new LogCapture();
    }

    /** Stops the application and starts it again with the same configuration and state directory. */
    static void restartApp() {
        app = stack.restartApp();
    }

    /** Closes what {@link #use} opened; the stack closes itself. */
    @AfterAll
    static void release() {
        logs.close();
    }

    /** No clear value of any record this test produced is in any log line of the JVM. */
    static void assertNoValueLogged(Produced produced) {
        String all = String.join("\n", logs.lines());
        for (GenericRecord value : produced.values.values()) {
            assertThat(all).doesNotContain(value.get("email").toString()).doesNotContain(value.get("nationalId").toString());
        }
    }

    /** The records one test produced to its raw topic: source coordinates ("partition/offset") to key and value. */
    static final class Produced {
        final Map<String, String> keys = new TreeMap<>();
        final Map<String, GenericRecord> values = new HashMap<>();
        final Map<String, Long> timestamps = new HashMap<>();
        final Map<Integer, Long> ends = new HashMap<>();

        synchronized String add(RecordMetadata metadata, String key, GenericRecord value) {
            String at = metadata.partition() + "/" + metadata.offset();
            keys.put(at, key);
            values.put(at, value);
            timestamps.put(at, metadata.timestamp());
            ends.merge(metadata.partition(), metadata.offset() + 1, Math::max);
            return at;
        }

        synchronized Set<String> where(java.util.function.BiPredicate<String, Long> keyAndTimestamp) {
            Set<String> out = new HashSet<>();
            keys.forEach((at, key) -> {
                if (keyAndTimestamp.test(key, timestamps.get(at))) {
                    out.add(at);
                }
            });
            return out;
        }
    }

    static GenericRecord customer(String key, long seed) {
        GenericRecord c = new SampleRecords(seed).customer();
        c.put("customerId", key);
        return c;
    }

    static Future<RecordMetadata> send(String dataset, Integer partition, Instant timestamp, String key, long seed,
                                       Produced produced) {
        GenericRecord value = customer(key, seed);
        return producer.send(new ProducerRecord<>(Topics.raw(dataset), partition, timestamp.toEpochMilli(), key, value),
                (metadata, error) -> {
                    if (error == null) {
                        produced.add(metadata, key, value);
                    }
                });
    }

    /** Produces {@code count} records, all with one timestamp, and waits until every one is written. */
    static void produceAll(String dataset, int count, Instant timestamp, java.util.function.IntFunction<String> key,
                           Produced produced) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(send(dataset, null, timestamp, key.apply(i), i, produced));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
    }

    /** Keeps producing records stamped now to {@code dataset}, one every few milliseconds, until closed. */
    static final class LiveWriter implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final Thread thread;

        LiveWriter(String dataset, Produced produced) {
            thread = new Thread(() -> {
                long seed = 1000;
                while (producing.get()) {
                    send(dataset, null, Instant.now(), "K" + (seed % 10), seed++, produced);
                    try {
                        Thread.sleep(3);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "live-writer-" + dataset);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            producing.set(false);
            thread.join();
        }
    }

    static String newId() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static ObjectNode request(String id, String dataset, List<String> keys, long seconds, Long lookback) {
        return ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", dataset, List.of("email"), keys,
                "INC-9 what happened to this payment yesterday", seconds, lookback, DemoActors.key("alice"));
    }

    static void post(ObjectNode event) throws Exception {
        approvals.send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString())).get();
    }

    static void grant(ObjectNode request) throws Exception {
        post(request);
        post(ApprovalEvents.approved(request, "bob", Instant.now(), "ok", DemoActors.key("bob")));
    }

    static void revoke(String id) throws Exception {
        post(ApprovalEvents.revoked(id, "alice", Instant.now(), "done", DemoActors.key("alice")));
    }

    static List<AuditEvent> audit(String requestId) {
        return AuditTrail.shared().events(requestId);
    }

    /** The trail without progress events, whose number depends on timing; they are checked on their own. */
    static List<AuditEvent> steps(String requestId) {
        return audit(requestId).stream().filter(e -> e.type() != BACKFILL_PROGRESS).toList();
    }

    static AuditEvent awaitAudit(String requestId, AuditEvent.Type type) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> audit(requestId).stream().anyMatch(e -> e.type() == type));
        return audit(requestId).stream().filter(e -> e.type() == type).findFirst().orElseThrow();
    }

    static String source(ConsumerRecord<byte[], byte[]> copy) {
        int partition = ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_PARTITION_HEADER).value()).getInt();
        long offset = ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER).value()).getLong();
        return partition + "/" + offset;
    }

    /** Source coordinates of every copy on the grant topic, in topic order per partition (duplicates kept). */
    static List<String> sources(List<ConsumerRecord<byte[], byte[]>> copies) {
        return copies.stream().map(LookbackITBase::source).toList();
    }

    /** Each copy carries the granted field in clear, equal to the raw record it came from, under its raw key. */
    static void assertCopiesMatchTheirSources(String topic, List<ConsumerRecord<byte[], byte[]>> copies, Produced produced,
                                              boolean rawKeys) {
        ConfluentAvroDeserializer decoder = new ConfluentAvroDeserializer(registry);
        for (ConsumerRecord<byte[], byte[]> copy : copies) {
            GenericRecord original = produced.values.get(source(copy));
            GenericRecord value = (GenericRecord) decoder.deserialize(topic, copy.value());
            assertThat(value.get("email")).hasToString(original.get("email").toString());
            assertThat(value.get("nationalId")).hasToString("REDACTED");
            if (rawKeys) {
                assertThat(new String(copy.key(), StandardCharsets.UTF_8)).isEqualTo(produced.keys.get(source(copy)));
            }
        }
    }

    static Map<String, AuditEvent.OffsetRange> ranges(Set<String> sources) {
        Map<String, AuditEvent.OffsetRange> out = new TreeMap<>();
        for (String at : sources) {
            String[] po = at.split("/");
            long offset = Long.parseLong(po[1]);
            out.merge(po[0], new AuditEvent.OffsetRange(offset, offset), (a, b) ->
                    new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
        }
        return out;
    }

}
