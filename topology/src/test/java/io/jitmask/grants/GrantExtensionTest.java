package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extensions of a live grant through the lifecycle ({@link LifecycleDriver}): asked
 * by the requester, decided by the same approvers and rules, capped by the policy's total, never of an ended grant.
 * A grant r1 of alice's for 60 s is live from START + 2 s (expiresAt START + 62 s) in every test.
 */
class GrantExtensionTest {
    static final Instant START = GrantLifecycleProcessorTest.START;
    static final Instant ACTIVATED_AT = START.plusSeconds(2);
    static final Instant EXPIRES_AT = ACTIVATED_AT.plusSeconds(60);

    @TempDir
    Path stateDir;
    LifecycleDriver lifecycle;

    @BeforeEach
    void liveGrant() {
        lifecycle = GrantLifecycleProcessorTest.start(stateDir);
        ObjectNode request = GrantLifecycleProcessorTest.request("r1", 60);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(2));
        lifecycle.result(GrantResult.provisioned("r1", ACTIVATED_AT, 3));
        lifecycle.grants.readRecord();
        lifecycle.auditEvents();
        lifecycle.commands();
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        lifecycle.close();
    }

    ObjectNode extend(String extensionId, long seconds, Instant at) {
        return ApprovalEvents.extendRequested("r1", extensionId, "alice", at, "INC-7 still open", seconds,
                DemoActors.key("alice"));
    }

    RequestState state() {
        return RequestState.fromBytes(lifecycle.driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("r1"));
    }

    @Test
    void anApprovedExtensionMovesExpiresAtTheDeadlineAndTheGrantWithoutProvisioningAgain() {
        Instant now = START.plusSeconds(12);
        ObjectNode extension = extend("x1", 120, now);
        lifecycle.post(extension);
        List<AuditEvent> asked = lifecycle.auditEvents();
        assertThat(asked).extracting(AuditEvent::type).containsExactly(EXTEND_REQUESTED);
        assertThat(asked.get(0).actor()).isEqualTo("alice");
        assertThat(asked.get(0).durationSeconds()).isEqualTo(120L);
        assertThat(asked.get(0).expiresAt()).isEqualTo(EXPIRES_AT);
        assertThat(asked.get(0).justification()).isEqualTo("INC-7 still open");
        assertThat(asked.get(0).detail()).isEqualTo("extension x1 by 120 seconds");
        assertThat(lifecycle.grants.isEmpty()).isTrue();

        lifecycle.post(ApprovalEvents.approved(extension, "bob", now, "fine", DemoActors.key("bob")));
        List<AuditEvent> decided = lifecycle.auditEvents();
        assertThat(decided).extracting(AuditEvent::type).containsExactly(EXTEND_APPROVED, GRANT_EXTENDED);
        assertThat(decided.get(0).actor()).isEqualTo("bob");
        assertThat(decided.get(0).comment()).isEqualTo("fine");
        AuditEvent extended = decided.get(1);
        assertThat(extended.actor()).isEqualTo("alice");
        assertThat(extended.approvers()).containsExactly("bob");
        assertThat(extended.durationSeconds()).isEqualTo(120L);
        assertThat(extended.expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(120));
        assertThat(extended.topic()).isEqualTo("grant.customers.r1");
        assertThat(extended.detail()).isEqualTo("extension x1 by 120 seconds: " + EXPIRES_AT + " -> "
                + EXPIRES_AT.plusSeconds(120) + ", 180 seconds in all");

        // The same grant under the same key, live until the new time: no new topic, no ACL, no command at all.
        TestRecord<String, byte[]> published = lifecycle.grants.readRecord();
        assertThat(published.key()).isEqualTo("customers/r1");
        Grant grant = GrantJson.fromBytes(published.value());
        assertThat(grant.status()).isEqualTo(Grant.ACTIVE);
        assertThat(grant.topic()).isEqualTo("grant.customers.r1");
        assertThat(grant.activatedAt()).isEqualTo(ACTIVATED_AT);
        assertThat(grant.expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(120));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.commands()).isEmpty();
        assertThat(state().extendedSeconds()).isEqualTo(120);
        assertThat(state().pendingExtension()).isNull();

        // The old deadline passes without an end; the new one ends it, naming the new expiresAt.
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(60));
        assertThat(lifecycle.audit.isEmpty()).isTrue();
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(120));
        List<AuditEvent> end = lifecycle.auditEvents();
        assertThat(end).extracting(AuditEvent::type).containsExactly(EXPIRY_DETECTED);
        assertThat(end.get(0).expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(120));
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).status()).isEqualTo(Grant.ENDING);
    }

    @Test
    void aDeniedExtensionLeavesTheGrantAsItWasAndAnotherMayBeAsked() {
        Instant now = START.plusSeconds(12);
        lifecycle.post(extend("x1", 120, now));
        // Only reviewers decide: the requester and an actor without a PII role cannot.
        lifecycle.post(ApprovalEvents.denied("r1", "dave", now, "no", DemoActors.key("dave")));
        lifecycle.post(ApprovalEvents.denied("r1", "carol", now, "INC-7 is closed", DemoActors.key("carol")));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(EXTEND_REQUESTED, REJECTED, EXTEND_DENIED);
        assertThat(trail.get(1).reason()).isEqualTo("NOT_AUTHORIZED_TO_DENY");
        assertThat(trail.get(2).actor()).isEqualTo("carol");
        assertThat(trail.get(2).reason()).isEqualTo("INC-7 is closed");
        assertThat(trail.get(2).detail()).isEqualTo("extension x1 by 120 seconds");
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(state().expiresAt()).isEqualTo(EXPIRES_AT);
        assertThat(state().status()).isEqualTo(RequestState.Status.ACTIVE);

        ObjectNode again = extend("x2", 30, now.plusSeconds(1));
        lifecycle.post(again);
        lifecycle.post(ApprovalEvents.approved(again, "carol", now.plusSeconds(1), null, DemoActors.key("carol")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(EXTEND_REQUESTED, EXTEND_APPROVED,
                GRANT_EXTENDED);
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(30));
    }

    @Test
    void theSameApprovalRulesApplyAndThePolicyCapsTheTotalDuration() {
        Instant now = START.plusSeconds(12);
        // PII: maxTotalDurationSeconds 28800, and the grant already has 60.
        lifecycle.post(extend("x1", 28_741, now));
        ObjectNode fits = extend("x2", 28_740, now);
        lifecycle.post(fits);
        lifecycle.post(ApprovalEvents.approved(fits, "alice", now, null, DemoActors.key("alice")));
        lifecycle.post(ApprovalEvents.approved(fits, "dave", now, null, DemoActors.key("dave")));
        // An approval naming the grant's request, not the extension, approves nothing.
        lifecycle.post(ApprovalEvents.approved(GrantLifecycleProcessorTest.request("r1", 60), "bob", now, null, DemoActors.key("bob")));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REJECTED, EXTEND_REQUESTED, REJECTED, REJECTED,
                REJECTED);
        assertThat(trail).extracting(AuditEvent::reason).containsExactly("EXTENSION_TOO_LONG", null, "SELF_APPROVAL",
                "MISSING_ROLE", "DIGEST_MISMATCH");
        assertThat(trail.get(0).detail()).isEqualTo("EXTEND_REQUESTED: the grant would last 28801 seconds in all"
                + " (60 granted + 0 extended + 28741 asked), more than the policy's maximum total of 28800");
        assertThat(trail.get(4).detail()).isEqualTo("APPROVED: requestDigest is neither the digest of request r1"
                + " nor of its pending extension x2");
        assertThat(lifecycle.grants.isEmpty()).isTrue();

        lifecycle.post(ApprovalEvents.approved(fits, "bob", now, null, DemoActors.key("bob")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(EXTEND_APPROVED, GRANT_EXTENDED);
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(28_740));
        // Nothing is left under the cap.
        lifecycle.post(extend("x3", 1, now));
        List<AuditEvent> capped = lifecycle.auditEvents();
        assertThat(capped).extracting(AuditEvent::reason).containsExactly("EXTENSION_TOO_LONG");
        assertThat(capped.get(0).detail()).isEqualTo("EXTEND_REQUESTED: the grant would last 28801 seconds in all"
                + " (60 granted + 28740 extended + 1 asked), more than the policy's maximum total of 28800");
    }

    @Test
    void aReplayedExtensionAnotherWhileOneWaitsAndAnotherActorsAreRefused() {
        Instant now = START.plusSeconds(12);
        ObjectNode extension = extend("x1", 120, now);
        lifecycle.post(extension);
        lifecycle.post(extension);
        lifecycle.post(extend("x2", 60, now));
        lifecycle.post(ApprovalEvents.extendRequested("r1", "x3", "bob", now, "INC-7 still open", 60, DemoActors.key("bob")));
        ObjectNode approval = ApprovalEvents.approved(extension, "bob", now, null, DemoActors.key("bob"));
        lifecycle.post(approval);
        lifecycle.post(approval);
        // The same extension id signed again later: a new signature, but the id was used.
        lifecycle.post(extend("x1", 120, now.plusSeconds(1)));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(EXTEND_REQUESTED, REJECTED, REJECTED, REJECTED,
                EXTEND_APPROVED, GRANT_EXTENDED, REJECTED, REJECTED);
        assertThat(trail).extracting(AuditEvent::reason).containsExactly(null, "REPLAY", "EXTENSION_PENDING",
                "NOT_AUTHORIZED_TO_EXTEND", null, null, "REPLAY", "DUPLICATE_EXTENSION_ID");
        assertThat(trail.get(2).detail()).isEqualTo("EXTEND_REQUESTED: extension x1 is still waiting for a decision");
        assertThat(trail.get(3).detail()).isEqualTo("EXTEND_REQUESTED: only the grant's requester alice may ask to extend it");
        assertThat(lifecycle.grants.readValuesToList()).hasSize(1);
        assertThat(state().expiresAt()).isEqualTo(EXPIRES_AT.plusSeconds(120));
    }

    @Test
    void anEndedOrRevokedGrantCannotBeExtended() {
        lifecycle.post(ApprovalEvents.revoked("r1", "erin", START.plusSeconds(12), "INC-7 closed", DemoActors.key("erin")));
        lifecycle.post(extend("x1", 120, START.plusSeconds(12)));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REVOKE_ACCEPTED, REJECTED);
        assertThat(trail.get(1).reason()).isEqualTo("NOT_ACTIVE");
        assertThat(trail.get(1).detail()).isEqualTo("EXTEND_REQUESTED: request is ENDING; only a live grant can be extended");

        lifecycle.post(ApprovalEvents.extendRequested("r9", "x1", "alice", START.plusSeconds(12), "INC-7 still open", 60,
                DemoActors.key("alice")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::reason).containsExactly("UNKNOWN_REQUEST");
        assertThat(state().extensions()).isEmpty();
    }
}
