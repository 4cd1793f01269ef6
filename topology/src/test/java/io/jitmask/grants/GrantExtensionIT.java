package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.sample.SampleRecords;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import io.jitmask.stream.MaskingProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An extension on the real broker with the real application, while records flow: the grant's topic, ACL and ledger
 * carry on across the change; every record written while the grant is live, before and after the old expiresAt, is
 * copied exactly once; none after the new expiresAt; the audit shows the extension between activation and expiry.
 */
class GrantExtensionIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("extend").dataset("xcust", "customers").build();
    static final String CUSTOMERS = STACK.dataset("xcust");
    static final Duration AWAIT = Duration.ofSeconds(60);
    static final int EXTEND_SECONDS = 20;

    static void post(ObjectNode event) throws Exception {
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString())).get();
    }

    static List<AuditEvent> audit(String requestId) {
        return GrantRequests.audit(requestId);
    }

    static AuditEvent awaitAudit(String requestId, AuditEvent.Type type) {
        Awaitility.await().atMost(AWAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> audit(requestId).stream().anyMatch(e -> e.type() == type));
        return audit(requestId).stream().filter(e -> e.type() == type).findFirst().orElseThrow();
    }

    /** Writes customers key-first..key-last to the raw topic; returns "partition/offset" of each, in order. */
    static List<String> produce(String prefix, int count) throws Exception {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            GenericRecord customer = new SampleRecords(id.hashCode()).customer();
            customer.put("customerId", id);
            RecordMetadata m = STACK.producer().send(new ProducerRecord<>(Topics.raw(CUSTOMERS), id, customer)).get();
            written.add(m.partition() + "/" + m.offset());
        }
        return written;
    }

    static List<String> sourcesOf(List<ConsumerRecord<byte[], byte[]>> copies) {
        return copies.stream().map(c -> ByteBuffer.wrap(c.headers().lastHeader(MaskingProcessor.SOURCE_PARTITION_HEADER)
                .value()).getInt() + "/" + ByteBuffer.wrap(c.headers().lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER)
                .value()).getLong()).toList();
    }

    @Test
    void anExtendedGrantCopiesEveryRecordOnceUntilTheNewExpiryAndNoneAfter() throws Exception {
        String id = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String topic = Topics.grant(CUSTOMERS, id);
        String grantKey = Topics.grantKey(CUSTOMERS, id);
        ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", CUSTOMERS,
                List.of("email"), null, "INC-42 investigate a failed payment", 30, null, DemoActors.key("alice"));
        post(request);
        post(ApprovalEvents.approved(request, "bob", Instant.now(), "ok", DemoActors.key("bob")));
        Instant firstExpiry = awaitAudit(id, ACTIVATED).expiresAt();
        Awaitility.await().atMost(AWAIT).until(() -> STACK.app().grants().contains(grantKey));

        List<String> before = produce("B", 5);

        // 20 s more: the records produced after the first expiry must be copied before the new one, also when masking
        // lags by seconds on a loaded machine (with 10 s, a lag above 9 s would have failed the test).
        ObjectNode extension = ApprovalEvents.extendRequested(id, "x1", "alice", Instant.now(), "INC-42 still open", EXTEND_SECONDS,
                DemoActors.key("alice"));
        post(extension);
        post(ApprovalEvents.approved(extension, "carol", Instant.now(), "fine", DemoActors.key("carol")));
        AuditEvent extended = awaitAudit(id, GRANT_EXTENDED);
        Instant newExpiry = firstExpiry.plusSeconds(EXTEND_SECONDS);
        assertThat(extended.expiresAt()).isEqualTo(newExpiry);
        // The masking path sees the new expiresAt (asked for 30 s before the old one passes, so nothing live is cut off).
        Awaitility.await().atMost(AWAIT).until(() -> newExpiry.equals(STACK.app().grants().get(grantKey).expiresAt()));

        // After the first expiry and well before the new one: still copied.
        Awaitility.await().atMost(AWAIT).until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));
        List<String> after = produce("A", 5);
        List<String> live = new ArrayList<>(before);
        live.addAll(after);
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(topic, live.size(), AWAIT);
        assertThat(sourcesOf(copies)).containsExactlyInAnyOrderElementsOf(live);
        assertThat(copies).extracting(c -> new String(c.key(), StandardCharsets.UTF_8)).doesNotHaveDuplicates()
                .hasSize(10);

        // After the new expiry: masked as always, never copied.
        awaitAudit(id, EXPIRY_DETECTED);
        List<String> late = produce("L", 3);
        TopicReader.readAtLeast(Topics.masked(CUSTOMERS), 13, AWAIT);
        AuditEvent summary = awaitAudit(id, DISCLOSURE_SUMMARY);
        awaitAudit(id, TOPIC_DELETED);
        assertThat(summary.records()).as("the ledger counts each copy once, across the extension").isEqualTo(10L);
        long copiedOffsets = summary.sourceOffsets().values().stream().mapToLong(r -> r.last() - r.first() + 1).sum();
        assertThat(copiedOffsets).isEqualTo(10L);
        for (String source : late) {
            String[] po = source.split("/");
            AuditEvent.OffsetRange range = summary.sourceOffsets().get(po[0]);
            assertThat(range == null || Long.parseLong(po[1]) > range.last()).as(source).isTrue();
        }

        List<AuditEvent> trail = audit(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, EXTEND_REQUESTED,
                EXTEND_APPROVED, GRANT_EXTENDED, EXPIRY_DETECTED, DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        assertThat(trail.get(3).actor()).isEqualTo("alice");
        assertThat(trail.get(3).durationSeconds()).isEqualTo(10L);
        assertThat(trail.get(4).actor()).isEqualTo("carol");
        assertThat(trail.get(5).actor()).isEqualTo("alice");
        assertThat(trail.get(5).approvers()).containsExactly("carol");
        assertThat(trail.get(5).durationSeconds()).isEqualTo(10L);
        assertThat(trail.get(5).topic()).isEqualTo(topic);
        assertThat(trail.get(6).expiresAt()).isEqualTo(newExpiry);
        assertThat(trail.get(6).at()).isAfterOrEqualTo(newExpiry);
        assertThat(TopicReader.readAll(Topics.GRANTS).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(grantKey))
                .map(r -> r.value() == null ? "tombstone" : GrantJson.fromBytes(r.value()).status() + " "
                        + GrantJson.fromBytes(r.value()).expiresAt()).toList())
                .as("one topic all along: published, extended, ended, tombstoned")
                .containsExactly("ACTIVE " + firstExpiry, "ACTIVE " + newExpiry, "ENDING " + newExpiry, "tombstone");
        // The extension was refused nothing and provisioned nothing: one PROVISION command for the request.
        assertThat(TopicReader.readAll(Topics.GRANT_COMMANDS).stream()
                .filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> GrantCommand.fromBytes(r.value()).type().name()).toList())
                .containsExactly("PROVISION", "WITHDRAW_ACCESS", "DELETE_TOPIC");
    }
}
