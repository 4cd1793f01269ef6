package io.jitmask.scale;

import static io.jitmask.audit.AuditEvent.Type.DENIED;
import static io.jitmask.audit.AuditEvent.Type.REJECTED;
import static io.jitmask.audit.AuditEvent.Type.REQUESTED;
import static io.jitmask.audit.AuditEvent.Type.REQUEST_EXPIRED;
import static io.jitmask.audit.AuditEvent.Type.REVOKED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-requester limit on a real broker with several partitions of jit.approvals: one requester's requests
 * posted on every partition get exactly the limit pending and the rest refused (TOO_MANY_PENDING), and each way out
 * of PENDING (denied, approved, withdrawn, expired) lets exactly one new request in.
 *
 * <p>On a broker of its own: on the shared one this application would also count every earlier class's requests
 * (each application reads jit.approvals from the beginning).
 */
class AdmissionLimitIT {
    static final int LIMIT = 3;
    static final int PARTITIONS = 4;
    static final long TTL_SECONDS = 3600;

    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("admission").dataset("acust", "customers")
            .partitions(PARTITIONS).ownBroker()
            .setting(JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, Integer.toString(LIMIT))
            .setting(JitmaskConfig.REQUEST_TTL_SECONDS, Long.toString(TTL_SECONDS)).build();
    static final String DATASET = STACK.dataset();
    static final String REFUSED_DETAIL = "REQUESTED: erin already has 3 pending requests, the most allowed (3)";

    int next;

    ObjectNode request(String id, Instant at) {
        return ApprovalEvents.requested(id, "erin", at, "User:erin", DATASET, List.of("email"), null,
                "INC-16 admission " + id, 600, null, DemoActors.key("erin"));
    }

    /** On the partition given, whatever the key hashes to: the count must not depend on where a request lands. */
    void post(int partition, ObjectNode event) throws Exception {
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, partition, event.get("requestId").asText(),
                event.toString())).get();
    }

    /** A request on the next partition in turn; a decision on its request's partition (where its state is). */
    void post(ObjectNode event) throws Exception {
        String id = event.get("requestId").asText();
        post(partitionOf.computeIfAbsent(id, k -> next++ % PARTITIONS), event);
    }

    final Map<String, Integer> partitionOf = new java.util.HashMap<>();

    static List<AuditEvent> audit(String id) {
        return ApprovalFloodIT.auditByRequest(STACK.bootstrapServers()).getOrDefault(id, List.of());
    }

    static List<AuditEvent.Type> types(String id) {
        return audit(id).stream().map(AuditEvent::type).toList();
    }

    static void awaitAudit(String id, int events) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> audit(id).size() >= events);
    }

    /** A request let in: audited REQUESTED and nothing else yet. */
    static void assertAdmitted(String id) {
        awaitAudit(id, 1);
        assertThat(types(id)).as(id).containsExactly(REQUESTED);
    }

    static void assertRefused(String id) {
        awaitAudit(id, 1);
        List<AuditEvent> trail = audit(id);
        assertThat(trail).as(id).hasSize(1);
        assertThat(trail.get(0).type()).isEqualTo(REJECTED);
        assertThat(trail.get(0).reason()).isEqualTo("TOO_MANY_PENDING");
        assertThat(trail.get(0).actor()).isEqualTo("erin");
        assertThat(trail.get(0).detail()).isEqualTo(REFUSED_DETAIL);
    }

    @Test
    void exactlyTheLimitIsPendingOnAnyPartitionAndEveryWayOutOfPendingLetsOneMoreIn() throws Exception {
        assertThat(STACK.admin().describeTopics(List.of(Topics.APPROVALS)).allTopicNames().get()
                .get(Topics.APPROVALS).partitions()).hasSize(PARTITIONS);
        List<String> ids = new ArrayList<>();
        Map<String, ObjectNode> requests = new java.util.HashMap<>();
        for (int i = 0; i < 10; i++) {
            ids.add("adm" + i);
            requests.put("adm" + i, request("adm" + i, Instant.now()));
            post(requests.get("adm" + i));
        }
        for (String id : ids) {
            awaitAudit(id, 1);
        }
        List<String> admitted = ids.stream().filter(id -> types(id).equals(List.of(REQUESTED))).toList();
        List<String> refused = ids.stream().filter(id -> !admitted.contains(id)).toList();
        assertThat(admitted).hasSize(LIMIT);
        refused.forEach(AdmissionLimitIT::assertRefused);

        // Denied: one place back.
        post(ApprovalEvents.denied(admitted.get(0), "bob", Instant.now(), "no", DemoActors.key("bob")));
        awaitAudit(admitted.get(0), 2);
        assertThat(types(admitted.get(0))).containsExactly(REQUESTED, DENIED);
        post(request("after-deny", Instant.now()));
        assertAdmitted("after-deny");
        post(request("full-1", Instant.now()));
        assertRefused("full-1");

        // Approved (the grant being provisioned is no longer pending): one place back.
        post(ApprovalEvents.approved(requests.get(admitted.get(1)), "bob", Instant.now(), "ok", DemoActors.key("bob")));
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> types(admitted.get(1)).contains(AuditEvent.Type.APPROVED));
        post(request("after-approve", Instant.now()));
        assertAdmitted("after-approve");

        // Withdrawn by its requester: one place back.
        post(ApprovalEvents.revoked(admitted.get(2), "erin", Instant.now(), "not needed", DemoActors.key("erin")));
        awaitAudit(admitted.get(2), 2);
        assertThat(types(admitted.get(2))).containsExactly(REQUESTED, REVOKED);
        // Signed long enough ago that it expires a few seconds after it is let in.
        post(request("expiring", Instant.now().minusSeconds(TTL_SECONDS - 5)));
        assertAdmitted("expiring");
        post(request("full-2", Instant.now()));
        assertRefused("full-2");

        // Expired: one place back.
        awaitAudit("expiring", 2);
        assertThat(types("expiring")).containsExactly(REQUESTED, REQUEST_EXPIRED);
        post(request("after-expiry", Instant.now()));
        assertAdmitted("after-expiry");
        post(request("full-3", Instant.now()));
        assertRefused("full-3");
    }
}
