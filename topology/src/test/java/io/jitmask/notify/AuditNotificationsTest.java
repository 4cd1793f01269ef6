package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.approval.Keyring;
import io.jitmask.audit.AuditEvent;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.testing.DemoActors;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditNotificationsTest {
    static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    static final Policy POLICY = PolicyLoader.load(DemoActors.POLICY);
    static final Keyring KEYRING = Keyring.load(DemoActors.KEYRING);
    static final Map<String, Set<String>> CUSTOMERS = Map.of("email", Set.of("PII", "EMAIL"), "name", Set.of("PII"));
    static final Map<String, Set<String>> PAYMENTS = Map.of("cardNumber", Set.of("PCI", "PAN"));
    final AuditNotifications notifications = new AuditNotifications(new Recipients(KEYRING, POLICY,
            d -> d.equals("customers") ? CUSTOMERS : PAYMENTS), "https://jitmask.example/");

    static JsonNode json(String text) throws Exception {
        return AuditEvent.MAPPER.readTree(text);
    }

    @Test
    void aRequestGoesToEveryoneWhoMayDecideItWithoutTheFilterKeys() throws Exception {
        AuditEvent requested = AuditEvent.of(AuditEvent.Type.REQUESTED, "r1", AT).actor("alice").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).filter(json("{\"keys\":[\"C-secret-1\",\"C-secret-2\"]}"))
                .justification("INC-1 refund").durationSeconds(600L).build();

        Notification n = new AuditNotifications(new Recipients(KEYRING, POLICY, d -> CUSTOMERS), "https://jitmask.example")
                .of(2, 17, requested).orElseThrow();

        assertThat(n.id()).isEqualTo("jit.audit-2-17");
        assertThat(n.type()).isEqualTo(NotificationType.REQUEST_CREATED);
        assertThat(n.recipients()).containsExactly("bob", "carol");
        assertThat(n.summary()).isEqualTo("alice asks for email of customers for 10m: INC-1 refund");
        // Compared as text: the numbers are longs here and ints when parsed.
        assertThat(n.data().toString()).isEqualTo(json("""
                {"requestId":"r1","auditType":"REQUESTED","actor":"alice","dataset":"customers","fields":["email"],
                 "keyCount":2,"justification":"INC-1 refund","durationSeconds":600,"recipients":["bob","carol"],
                 "link":"https://jitmask.example/#request=r1"}""").toString());
        assertThat(n.data().toString()).doesNotContain("C-secret");
    }

    @Test
    void pciNeedsRolesThatOnlySomeReviewersHold() {
        AuditEvent requested = AuditEvent.of(AuditEvent.Type.REQUESTED, "r2", AT).actor("dave").dataset("payments")
                .grantee("User:dave").fields(List.of("cardNumber")).justification("INC-2").durationSeconds(60L).build();
        // PCI: security-officer or payments-lead; bob holds security-officer, carol payments-lead.
        assertThat(notifications.of(0, 1, requested).orElseThrow().recipients()).containsExactly("bob", "carol");
        AuditEvent byBob = AuditEvent.of(AuditEvent.Type.REQUESTED, "r3", AT).actor("bob").dataset("payments")
                .grantee("User:bob").fields(List.of("cardNumber")).justification("INC-2").durationSeconds(60L).build();
        assertThat(notifications.of(0, 2, byBob).orElseThrow().recipients()).containsExactly("carol");
    }

    @Test
    void decisionsAndGrantEventsGoToTheRequester() {
        AuditEvent approved = AuditEvent.of(AuditEvent.Type.APPROVED, "r1", AT).actor("bob").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).comment("ticket checked").approvers(List.of("bob")).build();
        Notification n = notifications.of(0, 3, approved).orElseThrow();
        assertThat(n.type()).isEqualTo(NotificationType.REQUEST_DECIDED);
        assertThat(n.recipients()).containsExactly("alice");
        assertThat(n.data().get("outcome").asText()).isEqualTo("approved");
        assertThat(n.summary()).isEqualTo("bob approved your request for email of customers: ticket checked");

        AuditEvent denied = AuditEvent.of(AuditEvent.Type.DENIED, "r1", AT).actor("carol").dataset("customers")
                .grantee("User:dave").fields(List.of("email")).reason("no ticket").build();
        assertThat(notifications.of(0, 4, denied).orElseThrow().summary())
                .isEqualTo("carol denied your request for email of customers: no ticket");

        AuditEvent activated = AuditEvent.of(AuditEvent.Type.ACTIVATED, "r1", AT).dataset("customers")
                .grantee("User:alice").fields(List.of("email")).topic("grant.customers.r1").expiresAt(AT.plusSeconds(600))
                .durationSeconds(600L).build();
        Notification active = notifications.of(0, 5, activated).orElseThrow();
        assertThat(active.type()).isEqualTo(NotificationType.GRANT_ACTIVATED);
        assertThat(active.recipients()).containsExactly("alice");

        AuditEvent expired = AuditEvent.of(AuditEvent.Type.EXPIRED, "r1", AT).actor("jitmask").dataset("customers")
                .grantee("User:alice").topic("grant.customers.r1").build();
        Notification ended = notifications.of(0, 6, expired).orElseThrow();
        assertThat(ended.type()).isEqualTo(NotificationType.GRANT_ENDED);
        assertThat(ended.data().get("outcome").asText()).isEqualTo("expired");

        AuditEvent withdrawn = AuditEvent.of(AuditEvent.Type.REVOKED, "r1", AT).actor("alice").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).reason("not needed").build();
        assertThat(notifications.of(0, 7, withdrawn).orElseThrow().type()).isEqualTo(NotificationType.REQUEST_DECIDED);
    }

    @Test
    void lifecycleFailuresGoToAdminsAndProgressIsNotNotified() {
        AuditEvent failed = AuditEvent.of(AuditEvent.Type.ACTIVATION_FAILED, "r1", AT).dataset("customers")
                .grantee("User:alice").fields(List.of("email")).detail("could not create the grant topic or its ACL (TimeoutException)")
                .build();
        Notification n = notifications.of(0, 8, failed).orElseThrow();
        assertThat(n.type()).isEqualTo(NotificationType.LIFECYCLE_FAILED);
        assertThat(n.recipients()).containsExactly("alice", "erin");
        assertThat(notifications.of(0, 9, AuditEvent.of(AuditEvent.Type.BACKFILL_PROGRESS, "r1", AT).build())).isEmpty();
        assertThat(notifications.of(0, 10, AuditEvent.of(AuditEvent.Type.TOPIC_DELETED, "r1", AT).build())).isEmpty();
    }

    @Test
    void stoppedBackfillsAndFailingSideEffectsAreLifecycleFailuresForAdmins() {
        AuditEvent stopped = AuditEvent.of(AuditEvent.Type.BACKFILL_STOPPED, "r1", AT).dataset("customers")
                .grantee("User:alice").fields(List.of("email")).records(12L)
                .reason("writing a copy failed (TimeoutException)").build();
        Notification n = notifications.of(0, 11, stopped).orElseThrow();
        assertThat(n.type()).isEqualTo(NotificationType.LIFECYCLE_FAILED);
        assertThat(n.recipients()).containsExactly("alice", "erin");
        assertThat(n.summary()).isEqualTo("the lookback copy of request r1 stopped: writing a copy failed (TimeoutException)");
        assertThat(n.data().get("auditType").asText()).isEqualTo("BACKFILL_STOPPED");
        assertThat(n.data().get("reason").asText()).isEqualTo("writing a copy failed (TimeoutException)");

        AuditEvent failing = AuditEvent.of(AuditEvent.Type.SIDE_EFFECT_FAILING, "r1", AT).dataset("customers")
                .grantee("User:alice").topic("grant.customers.r1").reason("PROVISION")
                .detail("PROVISION failed 5 times (TimeoutException); the worker keeps retrying").build();
        Notification f = notifications.of(0, 12, failing).orElseThrow();
        assertThat(f.type()).isEqualTo(NotificationType.LIFECYCLE_FAILED);
        assertThat(f.recipients()).containsExactly("erin");
        assertThat(f.summary()).isEqualTo("a side effect of request r1 keeps failing: "
                + "PROVISION failed 5 times (TimeoutException); the worker keeps retrying");

        // A catch-up stopped by the copy cutoff did not copy the whole window: the requester and admins hear of it.
        assertThat(notifications.of(0, 13, AuditEvent.of(AuditEvent.Type.BACKFILL_STOPPED, "r1", AT)
                .reason("grant expires at 2026-11-25T10:00:00Z (copies stop 1000 ms before)").build())).isPresent();
    }

    @Test
    void theReminderNamesTheTimeLeft() {
        Grant grant = new Grant("r1", "customers", "User:alice", List.of("email", "name"), new GrantFilter.All(),
                "grant.customers.r1", "alice", List.of("bob"), "INC-1", AT, AT.plusSeconds(900), Grant.ACTIVE);
        Notification n = notifications.expiring(grant, AT.plusSeconds(300));
        assertThat(n.id()).isEqualTo("r1-expiring-" + AT.plusSeconds(900).getEpochSecond());
        assertThat(n.recipients()).containsExactly("alice");
        assertThat(n.summary()).isEqualTo("your access to email, name of customers ends in 10m (at 2026-03-01T10:15:00Z);"
                + " ask for more time in the console");
        assertThat(n.data().get("secondsLeft").asLong()).isEqualTo(600);
        // The reminder opens the console on the grant's extension form.
        assertThat(n.link()).isEqualTo("https://jitmask.example/#extend=r1");
        assertThat(n.data().get("link").asText()).isEqualTo("https://jitmask.example/#extend=r1");
    }

    @Test
    void extensionsAreAskedOfReviewersAndTheirOutcomeToldToTheRequester() {
        AuditEvent asked = AuditEvent.of(AuditEvent.Type.EXTEND_REQUESTED, "r1", AT).actor("alice").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).justification("INC-1 still open").durationSeconds(1800L)
                .expiresAt(AT.plusSeconds(600)).detail("extension x1 by 1800 seconds").build();
        Notification n = notifications.of(0, 20, asked).orElseThrow();
        assertThat(n.type()).isEqualTo(NotificationType.REQUEST_CREATED);
        assertThat(n.recipients()).containsExactly("bob", "carol");
        assertThat(n.data().get("outcome").asText()).isEqualTo("extension");
        assertThat(n.summary()).isEqualTo("alice asks for 30m more on email of customers (live until 2026-03-01T10:10:00Z):"
                + " INC-1 still open");

        AuditEvent extended = AuditEvent.of(AuditEvent.Type.GRANT_EXTENDED, "r1", AT).actor("alice").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).approvers(List.of("bob")).durationSeconds(1800L)
                .expiresAt(AT.plusSeconds(2400)).build();
        Notification e = notifications.of(0, 21, extended).orElseThrow();
        assertThat(e.type()).isEqualTo(NotificationType.REQUEST_DECIDED);
        assertThat(e.recipients()).containsExactly("alice");
        assertThat(e.data().get("outcome").asText()).isEqualTo("extended");
        assertThat(e.summary()).isEqualTo("your access to email of customers was extended by 30m, until 2026-03-01T10:40:00Z");

        AuditEvent denied = AuditEvent.of(AuditEvent.Type.EXTEND_DENIED, "r1", AT).actor("bob").dataset("customers")
                .grantee("User:alice").fields(List.of("email")).reason("INC-1 is closed").build();
        Notification d = notifications.of(0, 22, denied).orElseThrow();
        assertThat(d.recipients()).containsExactly("alice");
        assertThat(d.data().get("outcome").asText()).isEqualTo("extension_denied");
        assertThat(d.summary()).isEqualTo("bob denied more time on email of customers: INC-1 is closed");
        // A single approval of an extension that needs more is not news: GRANT_EXTENDED is.
        assertThat(notifications.of(0, 23, AuditEvent.of(AuditEvent.Type.EXTEND_APPROVED, "r1", AT).build())).isEmpty();
    }
}
