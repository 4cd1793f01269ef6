package io.jitmask.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood of signed requests on jit.approvals (each followed by its denial, as a script gone wrong or a year of
 * requests would post them) while records arrive on raw: a fresh approval posted behind the flood is activated and
 * copies, masked records keep flowing exactly once, a requester's runaway pending requests beyond the limit are
 * refused, and the audit trail holds exactly one outcome per event.
 *
 * <p>On a broker of its own ({@link JitmaskStack.Builder#ownBroker()}): the flood must not land on the shared broker's
 * jit.approvals, which every other test's application reads from the beginning. The 50,000-request soak is
 * {@link ApprovalFloodSoakIT}, on a stack of its own (erin's runaway requests stay pending in an application).
 */
class ApprovalFloodIT {
    static final int MAX_PENDING = 5;
    static final int RUNAWAY = 12;

    @RegisterExtension
    static final JitmaskStack STACK = stack("flood");

    /** A dataset of sample customers on a broker of the class's own, at most 5 pending requests per requester. */
    static JitmaskStack stack(String prefix) {
        return JitmaskStack.builder(prefix).dataset("flood", "customers").ownBroker()
                .setting(JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, Integer.toString(MAX_PENDING)).build();
    }

    @Test
    void aFloodOfSignedRequestsNeitherHoldsUpAFreshApprovalNorMasking() throws Exception {
        flood(STACK, 2_000);
    }

    static void flood(JitmaskStack stack, int requests) throws Exception {
        String bootstrap = stack.bootstrapServers();
        String dataset = stack.dataset();
        RawLoad load = RawLoad.start(bootstrap, stack.registry(), Topics.raw(dataset), seq -> "K" + (seq % 10));
        TopicReader.awaitProgress(bootstrap, Topics.masked(dataset), 50);

        // Signed before anything is posted, so that the flood arrives as fast as the broker takes it.
        PrivateKey alice = DemoActors.key("alice");
        PrivateKey dave = DemoActors.key("dave");
        PrivateKey bob = DemoActors.key("bob");
        PrivateKey erin = DemoActors.key("erin");
        PrivateKey carol = DemoActors.key("carol");
        int partitions = stack.admin().describeTopics(List.of(Topics.APPROVALS)).allTopicNames().get()
                .get(Topics.APPROVALS).partitions().size();
        assertThat(partitions).isGreaterThan(1);
        List<ProducerRecord<String, String>> events = new ArrayList<>();
        List<String> flooded = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String id = "fl" + i;
            flooded.add(id);
            boolean byAlice = i % 2 == 0;
            String actor = byAlice ? "alice" : "dave";
            events.add(new ProducerRecord<>(Topics.APPROVALS, id, ApprovalEvents.requested(id, actor, Instant.now(),
                    "User:" + actor, dataset, List.of("email"), null, "INC-16 flood " + i, 300, null,
                    byAlice ? alice : dave).toString()));
            events.add(new ProducerRecord<>(Topics.APPROVALS, id,
                    ApprovalEvents.denied(id, "bob", Instant.now(), "flood", bob).toString()));
        }
        // erin's script posts requests and nobody answers, on every partition in turn: one count over all of them.
        List<String> runaway = new ArrayList<>();
        for (int i = 0; i < RUNAWAY; i++) {
            String id = "runaway" + i;
            runaway.add(id);
            events.add(new ProducerRecord<>(Topics.APPROVALS, i % partitions, id, ApprovalEvents.requested(id, "erin",
                    Instant.now(), "User:erin", dataset, List.of("phone"), null, "INC-16 runaway " + i, 300, null,
                    erin).toString()));
        }
        // By a requester outside the flood: alice's and dave's flooded requests fill their own places.
        String fresh = "fresh-after-flood";
        ObjectNode freshRequest = ApprovalEvents.requested(fresh, "carol", Instant.now(), "User:carol", dataset,
                List.of("email"), List.of("K3"), "INC-16 real work behind the flood", 600, null, carol);

        long postedAt = System.nanoTime();
        long maskedBeforeFlood = TopicReader.committedEnd(bootstrap, Topics.masked(dataset));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new StringSerializer())) {
            events.forEach(producer::send);
            producer.send(new ProducerRecord<>(Topics.APPROVALS, fresh, freshRequest.toString()));
            producer.send(new ProducerRecord<>(Topics.APPROVALS, fresh,
                    ApprovalEvents.approved(freshRequest, "bob", Instant.now(), "ticket checked", bob).toString()));
            producer.flush();
        }

        // Masking goes on, and the approval behind the flood takes effect and copies.
        TopicReader.awaitProgress(bootstrap, Topics.masked(dataset), 100);
        Duration patience = Duration.ofSeconds(300 + requests / 50);
        Awaitility.await().atMost(patience).pollInterval(Duration.ofSeconds(2)).until(() -> auditByRequest(bootstrap)
                .getOrDefault(fresh, List.of()).stream().anyMatch(e -> e.type() == AuditEvent.Type.ACTIVATED));
        long activatedMs = (System.nanoTime() - postedAt) / 1_000_000;
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAllWhenAtLeast(bootstrap,
                Topics.grant(dataset, fresh), 3, patience);
        long firstCopyMs = (System.nanoTime() - postedAt) / 1_000_000;
        assertThat(copies).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(c -> assertThat(new String(c.key(), StandardCharsets.UTF_8)).isEqualTo("K3"));
        long maskedDuringFlood = TopicReader.committedEnd(bootstrap, Topics.masked(dataset)) - maskedBeforeFlood;

        List<RawLoad.Sent> sent = load.stop();
        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAllWhenAtLeast(
                bootstrap, Topics.masked(dataset), sent.size(), Duration.ofSeconds(120));
        Delivery.assertExactlyOnce("masked", Delivery.bySeq(masked), 0, sent.size());

        // Exactly one outcome per event: every flooded request REQUESTED then DENIED, or, when its requester
        // already had the limit pending (requests in flight count: the flood's requests are posted faster than
        // their denials are processed), REJECTED TOO_MANY_PENDING and its denial REJECTED UNKNOWN_REQUEST;
        // erin's runaway requests exactly the limit pending, whatever their partitions, and refused beyond it;
        // the fresh one granted.
        // (Other events, such as the schema's SCHEMA_CHANGED, are keyed by what they are about.)
        int expectedAudit = 2 * requests + RUNAWAY + 3;
        java.util.Set<String> ours = new java.util.HashSet<>(flooded);
        ours.addAll(runaway);
        ours.add(fresh);
        Map<String, List<AuditEvent>> trail = Awaitility.await().atMost(patience).pollInterval(Duration.ofSeconds(2))
                .until(() -> ofRequests(auditByRequest(bootstrap), ours), t -> count(t) >= expectedAudit);
        assertThat(count(trail)).isEqualTo(expectedAudit);
        int floodRefused = 0;
        for (int i = 0; i < requests; i++) {
            String id = flooded.get(i);
            String actor = i % 2 == 0 ? "alice" : "dave";
            List<AuditEvent> events0 = trail.get(id);
            assertThat(events0).as(id).hasSize(2);
            if (events0.get(0).type() == AuditEvent.Type.REQUESTED) {
                assertThat(events0).as(id).extracting(AuditEvent::type, AuditEvent::actor).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.REQUESTED, actor),
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.DENIED, "bob"));
            } else {
                floodRefused++;
                assertThat(events0).as(id).extracting(AuditEvent::type, AuditEvent::actor, AuditEvent::reason,
                        AuditEvent::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.REJECTED, actor, "TOO_MANY_PENDING",
                                "REQUESTED: " + actor + " already has 5 pending requests, the most allowed (5)"),
                        org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.REJECTED, "bob", "UNKNOWN_REQUEST",
                                "DENIED: no such request"));
            }
        }
        List<AuditEvent> runawayOutcomes = runaway.stream().map(id -> {
            assertThat(trail.get(id)).as(id).hasSize(1);
            return trail.get(id).get(0);
        }).toList();
        assertThat(runawayOutcomes).filteredOn(e -> e.type() == AuditEvent.Type.REQUESTED).hasSize(MAX_PENDING);
        assertThat(runawayOutcomes).filteredOn(e -> e.type() != AuditEvent.Type.REQUESTED)
                .hasSize(RUNAWAY - MAX_PENDING).allSatisfy(e -> {
                    assertThat(e.type()).isEqualTo(AuditEvent.Type.REJECTED);
                    assertThat(e.reason()).isEqualTo("TOO_MANY_PENDING");
                    assertThat(e.actor()).isEqualTo("erin");
                    assertThat(e.detail())
                            .isEqualTo("REQUESTED: erin already has 5 pending requests, the most allowed (5)");
                });
        assertThat(trail.get(fresh)).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.REQUESTED,
                AuditEvent.Type.APPROVED, AuditEvent.Type.ACTIVATED);
        System.out.printf("FIGURES ApprovalFloodIT requests=%d approvalEvents=%d runawayRefused=%d"
                        + " floodRefused=%d freshActivatedMsAfterFloodPosted=%d freshThirdCopyMs=%d"
                        + " maskedWhileFloodIngested=%d rawRecords=%d partitions=%d%n",
                requests, 2 * requests + RUNAWAY + 2, RUNAWAY - MAX_PENDING, floodRefused, activatedMs, firstCopyMs,
                maskedDuringFlood, sent.size(), partitions);
    }

    static Map<String, List<AuditEvent>> auditByRequest(String bootstrap) {
        Map<String, List<AuditEvent>> out = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(bootstrap, Topics.AUDIT)) {
            AuditEvent event = AuditEvent.fromBytes(record.value());
            out.computeIfAbsent(event.requestId(), k -> new ArrayList<>()).add(event);
        }
        return out;
    }

    static Map<String, List<AuditEvent>> ofRequests(Map<String, List<AuditEvent>> trail, java.util.Set<String> ids) {
        Map<String, List<AuditEvent>> out = new LinkedHashMap<>(trail);
        out.keySet().retainAll(ids);
        return out;
    }

    static int count(Map<String, List<AuditEvent>> trail) {
        return trail.values().stream().mapToInt(List::size).sum();
    }
}
