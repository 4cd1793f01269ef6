package io.jitmask.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upgrade to admission on a real broker: pending requests that a lifecycle store holds before any admission count
 * exists are counted once per lifecycle task, and the limit holds right after.
 *
 * <p>The state a release before admission left is made from this release's own: requests admitted and pending, then,
 * with the application stopped, what admission added is taken away where Kafka Streams keeps it, its changelogs: the
 * lifecycle tasks' marker {@code _admission} (in {@code grant-counters}: absent, the task seeds) and every count of
 * {@code admission-pending} (tombstones), and the control plane's local state deleted so the stores are restored
 * from those changelogs. What is left is what the older release wrote: the requests PENDING in
 * {@code grant-requests} and counted in {@code grant-counters}, no marker, no admission count.
 *
 * <p>On a broker of its own: each application reads {@code jit.approvals} from the beginning, so on the shared broker
 * it would count every earlier class's requests of the same requester.
 */
class AdmissionSeedingIT {
    static final int LIMIT = 3;
    static final int PARTITIONS = 3;

    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("seeding").dataset("scust", "customers")
            .partitions(PARTITIONS).ownBroker()
            .setting(JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, Integer.toString(LIMIT)).build();
    /** The stack's configuration exists once it started: its topic names are read then. */
    static final java.util.function.Supplier<String> CONTROL = () -> STACK.config().controlApplicationId();
    static final String COUNTERS = JitmaskTopology.GRANT_COUNTERS_STORE;
    static final String ADMISSION = JitmaskTopology.ADMISSION_PENDING_STORE;
    static final String SEEDED = "_admission";
    static final String PENDING_ERIN = "pending/erin";

    /** A request id that clients' keying puts on {@code partition} (see {@link GrantRequests#idOnPartition}). */
    static String on(String base, int partition) {
        return GrantRequests.idOnPartition(base, partition, PARTITIONS);
    }

    @Test
    void pendingRequestsFromBeforeAdmissionAreCountedOncePerTaskAndTheLimitHoldsRightAfter() throws Exception {
        String old0 = on("old", 0);
        String old1 = on("old", 1);
        String[] fresh = {on("new0", 2), on("new1", 0), on("new2", 1), on("new3", 2)};
        // Two pending requests on two partitions, so two lifecycle tasks hold one each.
        post(old0, 0, request(old0));
        post(old1, 1, request(old1));
        assertAudit(old0, "REQUESTED");
        assertAudit(old1, "REQUESTED");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lastValues(changelog(ADMISSION)).get(PENDING_ERIN),
                v -> v != null && v == 2);

        STACK.app().close();
        asBeforeAdmission();
        STACK.holdApp(STACK.startApp());
        // Each task seeds on its first record or punctuation (every second): wait for all three markers, then the
        // count they sent. Only then is the count whole (ARCHITECTURE, "Per-requester limit", upgrade).
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> markers().values().stream().filter(v -> v.equals(List.of(1L, -1L, 1L))).count() == PARTITIONS);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lastValues(changelog(ADMISSION)).get(PENDING_ERIN),
                v -> v != null && v == 2);

        // The limit right after: one more in, the next refused with the seeded count.
        post(fresh[0], 2, request(fresh[0]));
        assertAudit(fresh[0], "REQUESTED");
        post(fresh[1], 0, request(fresh[1]));
        assertAudit(fresh[1], "REJECTED:TOO_MANY_PENDING");
        assertThat(audit(fresh[1]).get(0).detail())
                .isEqualTo("REQUESTED: erin already has 3 pending requests, the most allowed (3)");

        // Once per task: a restart (state restored from the changelogs again) seeds nothing more, and a seeded
        // request's denial gives back exactly its place.
        STACK.app().close();
        deleteControlState();
        STACK.holdApp(STACK.startApp());
        post(old0, 0, ApprovalEvents.denied(old0, "bob", Instant.now(), "no", DemoActors.key("bob")));
        assertAudit(old0, "REQUESTED", "DENIED");
        post(fresh[2], 1, request(fresh[2]));
        assertAudit(fresh[2], "REQUESTED");
        post(fresh[3], 2, request(fresh[3]));
        assertAudit(fresh[3], "REJECTED:TOO_MANY_PENDING");

        // The count's whole history: two admitted, taken away, seeded by two tasks (one each), one admitted, one
        // released, one admitted; the markers written once per task before and once after, never again.
        assertThat(values(changelog(ADMISSION), PENDING_ERIN)).containsExactly(1L, 2L, null, 1L, 2L, 3L, 2L, 3L);
        assertThat(markers()).hasSize(PARTITIONS).allSatisfy((partition, values) ->
                assertThat(values).as("marker of task %s", partition).containsExactly(1L, -1L, 1L));
        assertAudit(old1, "REQUESTED");
    }

    /**
     * The changelogs and local state as a release before admission left them: no marker of having seeded, no
     * admission count (tombstones, on the partition each is kept in), and no local copy that would outlive them.
     */
    static void asBeforeAdmission() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                STACK.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(changelog(COUNTERS), p, SEEDED, null)).get();
            }
            for (ConsumerRecord<byte[], byte[]> r : latest(changelog(ADMISSION)).values()) {
                if (r.value() != null) {
                    producer.send(new ProducerRecord<>(changelog(ADMISSION), r.partition(),
                            new String(r.key(), StandardCharsets.UTF_8), null)).get();
                }
            }
        }
        deleteControlState();
    }

    static void deleteControlState() throws Exception {
        // The stack's state.dir; the control plane keeps its stores under its own application id there.
        Path state = STACK.dir().resolve("state").resolve(CONTROL.get());
        if (Files.exists(state)) {
            try (Stream<Path> files = Files.walk(state)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    static String changelog(String store) {
        return CONTROL.get() + "-" + store + "-changelog";
    }

    /** The last record of each key of a changelog. */
    static Map<String, ConsumerRecord<byte[], byte[]>> latest(String changelog) {
        Map<String, ConsumerRecord<byte[], byte[]>> out = new LinkedHashMap<>();
        TopicReader.readAll(STACK.bootstrapServers(), changelog)
                .forEach(r -> out.put(new String(r.key(), StandardCharsets.UTF_8), r));
        return out;
    }

    static Map<String, Long> lastValues(String changelog) {
        Map<String, Long> out = new LinkedHashMap<>();
        latest(changelog).forEach((key, r) -> out.put(key, r.value() == null ? null : decode(r.value())));
        return out;
    }

    /** Every value of one key of a changelog, in order; a tombstone as null. */
    static List<Long> values(String changelog, String key) {
        List<Long> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(STACK.bootstrapServers(), changelog)) {
            if (key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                out.add(r.value() == null ? null : decode(r.value()));
            }
        }
        return out;
    }

    /** Per partition of grant-counters, the marker's values in order; a tombstone as -1. */
    static Map<Integer, List<Long>> markers() {
        Map<Integer, List<Long>> out = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(STACK.bootstrapServers(), changelog(COUNTERS))) {
            if (SEEDED.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value() == null ? -1L : decode(r.value()));
            }
        }
        return out;
    }

    static long decode(byte[] value) {
        try (LongDeserializer longs = new LongDeserializer()) {
            return longs.deserialize(null, value);
        }
    }

    ObjectNode request(String id) {
        return ApprovalEvents.requested(id, "erin", Instant.now(), "User:erin", STACK.dataset(), List.of("email"), null,
                "INC-16 seeding " + id, 600, null, DemoActors.key("erin"));
    }

    /** On the partition its id is keyed to (given, to be read in the test), as a client's producer puts it. */
    void post(String id, int partition, ObjectNode event) throws Exception {
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, partition, id, event.toString())).get();
    }

    static List<AuditEvent> audit(String id) {
        return ApprovalFloodIT.auditByRequest(STACK.bootstrapServers()).getOrDefault(id, List.of());
    }

    /** Waits for the request's audit to have as many events as given, then asserts it is exactly those. */
    static void assertAudit(String id, String... outcomes) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> audit(id).size() >= outcomes.length);
        assertThat(audit(id)).as(id).extracting(e -> e.type() == AuditEvent.Type.REJECTED
                ? "REJECTED:" + e.reason() : e.type().name()).containsExactly(outcomes);
    }
}
