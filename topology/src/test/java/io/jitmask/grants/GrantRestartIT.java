package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Grants across restarts and topic deletions: what expired while jitmask was down ends at start-up, with no late copy. */
class GrantRestartIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("grant-restart").dataset("rcust", "customers").withoutApp().build();
    static final String DATASET = STACK.dataset();
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);

    /**
     * The clients of the deleted-topic test fail and are replaced in seconds, not the production defaults' minutes:
     * the first write to the deleted topic times out after delivery.timeout.ms (30 s by default; the broker answers
     * only "not on this broker", which the producer retries), the second waits max.block.ms (10 s) for metadata
     * before the broker's "no such topic", and each failure replaces a stream thread whose consumer, never leaving
     * its group on close, holds the rebalance until its session times out (45 s by default): most of the class's
     * 151 s, none of it what the test checks.
     */
    static final Map<String, String> FAIL_FAST = Map.of(
            "producer.delivery.timeout.ms", "4000",
            "producer.request.timeout.ms", "2000",
            "producer.max.block.ms", "2000",
            "consumer.session.timeout.ms", "3000",
            "consumer.heartbeat.interval.ms", "1000");

    static JitmaskApp startApp() {
        return STACK.startApp();
    }

    static ObjectNode grant(String id, List<String> keys, long seconds) throws Exception {
        ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", DATASET, List.of("email"),
                keys, "INC-9 audit", seconds, null, DemoActors.key("alice"));
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, id,
                ApprovalEvents.approved(request, "bob", Instant.now(), null, DemoActors.key("bob")).toString())).get();
        return request;
    }

    static List<AuditEvent> audit(String id) {
        return GrantRequests.audit(id);
    }

    static void produce(String key) throws Exception {
        GenericRecord customer = TestCustomers.customer(key);
        STACK.producer().send(new ProducerRecord<>(Topics.raw(DATASET), key, customer)).get();
    }

    @Test
    void grantThatExpiredWhileDownEndsAtStartUpWithoutALateCopy() throws Exception {
        String id = "down" + SUFFIX;
        JitmaskApp app = startApp();
        Instant expiresAt;
        try {
            // Long enough to be activated and the application closed before it ends also on a loaded machine (with
            // 6 s, a slow close could let the expiry be detected while still up: not the case this test is about).
            grant(id, List.of("D1"), 15);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> audit(id).stream().anyMatch(e -> e.type() == ACTIVATED));
            expiresAt = audit(id).stream().filter(e -> e.type() == ACTIVATED).findFirst().orElseThrow().expiresAt();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.grants().contains(Topics.grantKey(DATASET, id)));
        } finally {
            app.close();
        }
        assertThat(audit(id)).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Instant.now().isAfter(expiresAt.plusMillis(500)));
        produce("D1");

        JitmaskApp restarted = startApp();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> audit(id).stream().anyMatch(e -> e.type() == TOPIC_DELETED));
            assertThat(audit(id)).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED,
                    EXPIRY_DETECTED, DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
            assertThat(audit(id).get(4).records()).as("the record produced after expiry was never copied").isZero();
            TopicReader.readAtLeast(Topics.masked(DATASET), 1, Duration.ofSeconds(60));
        } finally {
            restarted.close();
        }
    }

    @Test
    void aGrantTopicDeletedUnderALiveGrantNeitherStallsNorKillsMasking() throws Exception {
        String id = "gone" + SUFFIX;
        JitmaskApp app = STACK.startApp(FAIL_FAST);
        try (Admin admin = SharedKafka.admin()) {
            grant(id, List.of("G1"), 600);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.grants().contains(Topics.grantKey(DATASET, id)));
            produce("G1");
            TopicReader.readAtLeast(Topics.grant(DATASET, id), 1, Duration.ofSeconds(30));
            admin.deleteTopics(List.of(Topics.grant(DATASET, id))).all().get();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> !admin.listTopics().names().get().contains(Topics.grant(DATASET, id)));
            int before = TopicReader.readAll(Topics.masked(DATASET)).size();
            produce("G1");
            produce("H1");
            // A timed-out write is never taken to mean the topic is gone: it costs a stream-thread replacement (and
            // so a rebalance), never the application; the new producer learns from the broker that the topic does not
            // exist, and only that answer marks it deleted. Awaitility must not take the replaced thread's failure for
            // the test's.
            Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TopicReader.readAll(Topics.masked(DATASET)).size() >= before + 2);
            Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60))
                    .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            assertThat(admin.listTopics().names().get()).doesNotContain(Topics.grant(DATASET, id));
        } finally {
            app.close();
        }
    }
}
