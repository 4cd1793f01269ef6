package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.testing.AuditTrail;
import io.jitmask.approval.Ed25519;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grant lifecycle on a real broker with the real application: signed events in, grant topics, ACLs, copies,
 * expiry, revocation and the audit trail out, exactly as an outside client sees them.
 */
class GrantLifecycleIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("grant")
            .dataset("gcust", "customers").dataset("gpay", "payments").build();
    static final String CUSTOMERS = STACK.dataset("gcust");
    static final String PAYMENTS = STACK.dataset("gpay");

    static String newId() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void post(ObjectNode event) throws Exception {
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString())).get();
    }

    static ObjectNode request(String id, String requester, String dataset, List<String> fields, List<String> keys, long seconds) {
        return ApprovalEvents.requested(id, requester, Instant.now(), "User:" + requester, dataset, fields, keys,
                "INC-42 investigate a failed payment", seconds, null, DemoActors.key(requester));
    }

    static ObjectNode approve(ObjectNode request, String approver) {
        return ApprovalEvents.approved(request, approver, Instant.now(), "ok", DemoActors.key(approver));
    }

    /** The audit trail of one request, in order. */
    static List<AuditEvent> audit(String requestId) {
        return GrantRequests.audit(requestId);
    }

    static List<AuditEvent.Type> auditTypes(String requestId) {
        return audit(requestId).stream().map(AuditEvent::type).toList();
    }

    static void awaitAudit(String requestId, AuditEvent.Type type) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> auditTypes(requestId).contains(type));
    }

    static boolean topicExists(String topic) throws Exception {
        return STACK.admin().listTopics().names().get().contains(topic);
    }

    static Collection<AclBinding> acls(String topic) throws Exception {
        return STACK.admin().describeAcls(AclBindingFilter.ANY).values().get().stream()
                .filter(b -> b.pattern().name().equals(topic)).toList();
    }

    static GenericRecord customer(String id) {
        GenericRecord c = new SampleRecords(id.hashCode()).customer();
        c.put("customerId", id);
        return c;
    }

    static void produceCustomer(String id) throws Exception {
        STACK.producer().send(new ProducerRecord<>(Topics.raw(CUSTOMERS), id, customer(id))).get();
    }

    @Test
    void fullLifecycleDeliversExactlyTheGrantedFieldsUntilExpiry() throws Exception {
        String id = newId();
        String topic = Topics.grant(CUSTOMERS, id);
        ObjectNode request = request(id, "alice", CUSTOMERS, List.of("email", "address.street"), List.of("C1"), 8);
        post(request);
        post(approve(request, "bob"));
        awaitAudit(id, ACTIVATED);
        assertThat(topicExists(topic)).isTrue();
        assertThat(acls(topic)).extracting(b -> b.entry().principal() + " " + b.entry().operation())
                .containsExactlyInAnyOrder("User:alice READ", "User:alice DESCRIBE");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> STACK.app().grants().contains(Topics.grantKey(CUSTOMERS, id)));

        produceCustomer("C1");
        produceCustomer("C2");
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(topic, 1, Duration.ofSeconds(30));
        assertThat(copies).hasSize(1);
        GenericRecord copy = (GenericRecord) new ConfluentAvroDeserializer(STACK.registry()).deserialize(topic, copies.get(0).value());
        GenericRecord original = customer("C1");
        assertThat(copy.get("email")).hasToString(original.get("email").toString());
        assertThat(((GenericRecord) copy.get("address")).get("street"))
                .hasToString(((GenericRecord) original.get("address")).get("street").toString());
        assertThat(copy.get("nationalId")).hasToString("REDACTED");
        assertThat(copy.get("name").toString()).isNotEqualTo(original.get("name").toString());
        assertThat(new String(copies.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("C1");

        awaitAudit(id, TOPIC_DELETED);
        assertThat(auditTypes(id)).containsExactly(REQUESTED, APPROVED, ACTIVATED, EXPIRY_DETECTED, DISCLOSURE_SUMMARY,
                EXPIRED, TOPIC_DELETED);
        List<AuditEvent> trail = audit(id);
        assertThat(trail.get(0).actor()).isEqualTo("alice");
        assertThat(trail.get(0).justification()).isEqualTo("INC-42 investigate a failed payment");
        assertThat(trail.get(1).actor()).isEqualTo("bob");
        assertThat(trail.get(2).approvers()).containsExactly("bob");
        assertThat(trail.get(4).records()).isEqualTo(1L);
        assertThat(trail.get(4).sourceOffsets()).hasSize(1);
        assertThat(trail.get(4).fields()).containsExactly("email", "address.street");
        assertThat(trail.get(4).windowFrom()).isEqualTo(trail.get(4).windowTo()).isNotNull();
        assertThat(topicExists(topic)).isFalse();
        assertThat(acls(topic)).isEmpty();
        assertThat(STACK.app().grants().contains(Topics.grantKey(CUSTOMERS, id))).isFalse();
        assertThat(TopicReader.readAll(Topics.GRANTS).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(Topics.grantKey(CUSTOMERS, id)))
                .map(r -> r.value() == null ? "tombstone" : GrantJson.fromBytes(r.value()).status()).toList())
                .as("published, ended (each masking task closes its ledger), tombstoned once the ledger is closed")
                .containsExactly(Grant.ACTIVE, Grant.ENDING, "tombstone");
        // Every audit event is free of field values.
        String all = AuditTrail.shared().records().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .reduce("", String::concat);
        assertThat(all).doesNotContain(original.get("email").toString());
    }

    @Test
    void revocationEndsTheGrantAndDeletesItsTopic() throws Exception {
        String id = newId();
        String topic = Topics.grant(CUSTOMERS, id);
        ObjectNode request = request(id, "alice", CUSTOMERS, List.of("email"), null, 600);
        post(request);
        post(approve(request, "carol"));
        awaitAudit(id, ACTIVATED);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> STACK.app().grants().contains(Topics.grantKey(CUSTOMERS, id)));
        produceCustomer("C7");
        TopicReader.readAtLeast(topic, 1, Duration.ofSeconds(30));

        post(ApprovalEvents.revoked(id, "alice", Instant.now(), "done early", DemoActors.key("alice")));
        awaitAudit(id, TOPIC_DELETED);
        assertThat(auditTypes(id)).containsExactly(REQUESTED, APPROVED, ACTIVATED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY,
                REVOKED, TOPIC_DELETED);
        assertThat(audit(id).get(5).actor()).isEqualTo("alice");
        assertThat(topicExists(topic)).isFalse();
        // Records after the revocation still flow masked, and no grant topic comes back.
        produceCustomer("C8");
        TopicReader.readAtLeast(Topics.masked(CUSTOMERS), 1, Duration.ofSeconds(30));
        assertThat(topicExists(topic)).isFalse();
    }

    @Test
    void needsTwoDistinctApproversForPciAndCountsOneApproverOnce() throws Exception {
        String id = newId();
        ObjectNode request = request(id, "alice", PAYMENTS, List.of("cardNumber"), null, 600);
        post(request);
        post(approve(request, "bob"));
        post(approve(request, "bob"));
        awaitAudit(id, REJECTED);
        assertThat(audit(id).get(2).reason()).isEqualTo("DUPLICATE_APPROVER");
        assertThat(topicExists(Topics.grant(PAYMENTS, id))).isFalse();
        post(approve(request, "carol"));
        awaitAudit(id, ACTIVATED);
        assertThat(auditTypes(id)).containsExactly(REQUESTED, APPROVED, REJECTED, APPROVED, ACTIVATED);
        assertThat(audit(id).get(4).approvers()).containsExactly("bob", "carol");
        post(ApprovalEvents.revoked(id, "erin", Instant.now(), "STACK.admin() clean-up", DemoActors.key("erin")));
        awaitAudit(id, TOPIC_DELETED);
    }

    @Test
    void deniedRequestsNeverActivate() throws Exception {
        String id = newId();
        ObjectNode request = request(id, "alice", CUSTOMERS, List.of("email"), null, 600);
        post(request);
        post(ApprovalEvents.denied(id, "bob", Instant.now(), "no ticket", DemoActors.key("bob")));
        post(approve(request, "carol"));
        awaitAudit(id, REJECTED);
        assertThat(auditTypes(id)).containsExactly(REQUESTED, DENIED, REJECTED);
        assertThat(audit(id).get(2).reason()).isEqualTo("NOT_PENDING");
        assertThat(topicExists(Topics.grant(CUSTOMERS, id))).isFalse();
    }

    /** Each case: the request and a bad approval; the second event is rejected with the reason, and nothing is granted. */
    @Test
    void rejectsForgedSelfApprovedOverLongReplayedAndAlteredEvents() throws Exception {
        String forged = newId();
        ObjectNode forgedRequest = request(forged, "alice", CUSTOMERS, List.of("email"), null, 600);
        post(forgedRequest);
        ObjectNode forgedApproval = ApprovalEvents.approved(forgedRequest, "bob", Instant.now(), null, DemoActors.key("carol"));
        post(forgedApproval);

        String self = newId();
        ObjectNode selfRequest = request(self, "carol", CUSTOMERS, List.of("email"), null, 600);
        post(selfRequest);
        post(approve(selfRequest, "carol"));

        String tooLong = newId();
        post(request(tooLong, "alice", CUSTOMERS, List.of("email"), null, 14401));

        String noRole = newId();
        ObjectNode noRoleRequest = request(noRole, "alice", CUSTOMERS, List.of("email"), null, 600);
        post(noRoleRequest);
        post(approve(noRoleRequest, "dave"));

        String altered = newId();
        ObjectNode alteredRequest = request(altered, "alice", CUSTOMERS, List.of("email"), null, 600);
        post(alteredRequest);
        ObjectNode broader = alteredRequest.deepCopy();
        broader.putArray("fields").add("email").add("nationalId");
        post(approve(Ed25519.sign(broader, DemoActors.key("alice")), "bob"));

        String replay = newId();
        ObjectNode replayRequest = request(replay, "alice", CUSTOMERS, List.of("email"), null, 1);
        post(replayRequest);
        ObjectNode replayed = approve(replayRequest, "bob");
        post(replayed);
        awaitAudit(replay, TOPIC_DELETED);
        post(replayed);

        String unknown = newId();
        post(ApprovalEvents.requested(unknown, "mallory", Instant.now(), "User:mallory", CUSTOMERS, List.of("email"), null,
                "INC-1 x", 60, null, Ed25519.generate().getPrivate()));

        String badField = newId();
        post(request(badField, "alice", CUSTOMERS, List.of("city"), null, 60));

        String badJustification = newId();
        post(ApprovalEvents.requested(badJustification, "alice", Instant.now(), "User:alice", CUSTOMERS, List.of("email"),
                null, "because", 60, null, DemoActors.key("alice")));

        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, "garbage1", "{not json")).get();

        Map<String, String> expected = Map.of(forged, "BAD_SIGNATURE", self, "SELF_APPROVAL", tooLong, "DURATION_TOO_LONG",
                noRole, "MISSING_ROLE", altered, "DIGEST_MISMATCH", replay, "REPLAY", unknown, "UNKNOWN_ACTOR",
                badField, "UNKNOWN_FIELD", badJustification, "JUSTIFICATION_MISMATCH", "garbage1", "MALFORMED");
        expected.forEach((requestId, reason) -> {
            awaitAudit(requestId, REJECTED);
            assertThat(audit(requestId).stream().filter(e -> e.type() == REJECTED).map(AuditEvent::reason))
                    .as(requestId).containsExactly(reason);
        });
        for (String requestId : List.of(forged, self, tooLong, noRole, altered, unknown, badField, badJustification)) {
            assertThat(auditTypes(requestId)).as(requestId).doesNotContain(ACTIVATED);
            assertThat(topicExists(Topics.grant(CUSTOMERS, requestId))).isFalse();
        }
        assertThat(auditTypes(replay)).containsExactly(REQUESTED, APPROVED, ACTIVATED, EXPIRY_DETECTED,
                DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED, REJECTED);
    }
}
