package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.APPROVED;
import static io.jitmask.audit.AuditEvent.Type.REJECTED;
import static io.jitmask.audit.AuditEvent.Type.REQUESTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.CanonicalJson;
import io.jitmask.audit.AuditEvent;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import io.jitmask.webauthn.ApprovalChallenge;
import io.jitmask.webauthn.CredentialEvent;
import io.jitmask.webauthn.PasskeyCredential;
import io.jitmask.webauthn.Passkeys;
import io.jitmask.webauthn.RelyingParty;
import io.jitmask.webauthn.SoftwareAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle with a policy whose PII rule requires WebAuthn: approvals carry a software authenticator's
 * assertions, the approver's passkey comes from jit.credentials (global store), and every refusal is audited with
 * its reason, even when the Ed25519 signature of the event is valid.
 */
class PasskeyApprovalLifecycleTest {
    static final Instant START = Instant.parse("2026-11-25T09:00:00Z");
    static final String ORIGIN = "http://localhost:8080";

    @TempDir
    Path dir;
    LifecycleDriver lifecycle;
    Passkeys passkeys;
    SoftwareAuthenticator bobsKey;

    @BeforeEach
    void setUp() throws Exception {
        passkeys = new Passkeys(new RelyingParty("localhost", "jitmask", List.of(ORIGIN)));
        lifecycle = LifecycleDriver.builder("passkey-lifecycle-test", START)
                .policy(PolicyLoader.load(DemoActors.policyRequiringWebAuthn(dir))).deleteGrace(Duration.ofSeconds(5))
                .passkeys(passkeys).stateDir(dir.resolve("state")).start();
        bobsKey = register("bob");
    }

    @AfterEach
    void tearDown() {
        lifecycle.close();
    }

    SoftwareAuthenticator register(String actor) throws Exception {
        SoftwareAuthenticator authenticator = new SoftwareAuthenticator(ORIGIN, "localhost");
        byte[] challenge = ("registration of " + actor).getBytes();
        ObjectNode created = authenticator.create(challenge);
        PasskeyCredential credential = passkeys.register(actor, challenge, created.get("clientDataJSON").asText(),
                created.get("attestationObject").asText(), START);
        lifecycle.credentials.pipeInput(credential.credentialId(), CredentialEvent.registered(credential).toBytes());
        return authenticator;
    }

    ObjectNode request(String id) {
        ObjectNode request = ApprovalEvents.requested(id, "alice", START, "User:alice", "customers", List.of("email"),
                null, "INC-7 refund dispute", 600, null, DemoActors.key("alice"));
        lifecycle.approvals.pipeInput(id, request.toString());
        return request;
    }

    static byte[] challenge(ObjectNode request, String approver) {
        return ApprovalChallenge.of(request.get("requestId").asText(), CanonicalJson.digest(request), approver);
    }

    void approve(ObjectNode request, String approver, ObjectNode assertion) {
        lifecycle.approvals.pipeInput(request.get("requestId").asText(), ApprovalEvents.approved(request, approver, START, "ok",
                assertion, DemoActors.key(approver)).toString());
    }

    @Test
    void anApprovalWithTheApproversPasskeyAssertionActivatesTheGrant() throws Exception {
        ObjectNode request = request("r1");
        approve(request, "bob", bobsKey.get(challenge(request, "bob")));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED);
        assertThat(trail.get(1).actor()).isEqualTo("bob");
        assertThat(trail.get(1).detail()).isEqualTo("with passkey " + bobsKey.credentialIdB64());
        assertThat(lifecycle.commands()).extracting(GrantCommand::requestId).containsExactly("r1");
    }

    @Test
    void anApprovalSignedByThePasskeyAloneNeedsNoEd25519KeyOfTheApprover() throws Exception {
        ObjectNode request = request("r1");
        ObjectNode event = ApprovalEvents.approvedWithPasskey(request, "bob", START, "ok",
                bobsKey.get(challenge(request, "bob")));
        lifecycle.approvals.pipeInput("r1", event.toString());
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED);
        assertThat(lifecycle.commands()).extracting(GrantCommand::requestId).containsExactly("r1");
    }

    @Test
    void aPasskeySignedApprovalIsRefusedWhenItsAssertionIsMissingSwappedOrNotTheApprovers() throws Exception {
        ObjectNode request = request("r1");
        ObjectNode assertion = bobsKey.get(challenge(request, "bob"));
        ObjectNode stripped = ApprovalEvents.approvedWithPasskey(request, "bob", START, "ok", assertion);
        stripped.remove("webauthn");
        lifecycle.approvals.pipeInput("r1", stripped.toString());
        ObjectNode swapped = ApprovalEvents.approvedWithPasskey(request, "bob", START, "ok", assertion);
        swapped.set("webauthn", bobsKey.get(challenge(request, "bob")));
        lifecycle.approvals.pipeInput("r1", swapped.toString());
        // carol signs with her passkey and names herself... as bob: the assertion is not by a passkey of bob.
        SoftwareAuthenticator carolsKey = register("carol");
        lifecycle.approvals.pipeInput("r1", ApprovalEvents.approvedWithPasskey(request, "bob", START, "ok",
                carolsKey.get(challenge(request, "bob"))).toString());
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, REJECTED, REJECTED, REJECTED);
        assertThat(trail.subList(1, 4)).extracting(AuditEvent::reason)
                .containsExactly("BAD_SIGNATURE", "BAD_SIGNATURE", "INVALID_ASSERTION");
        assertThat(lifecycle.commands()).isEmpty();
    }

    @Test
    void anApprovalWithAValidEd25519SignatureButNoAssertionIsRefusedAndAudited() {
        ObjectNode request = request("r1");
        approve(request, "bob", null);
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, REJECTED);
        assertThat(trail.get(1).actor()).isEqualTo("bob");
        assertThat(trail.get(1).reason()).isEqualTo("WEBAUTHN_REQUIRED");
        assertThat(trail.get(1).detail()).isEqualTo("APPROVED: the policy requires every approval of this request to"
                + " carry a passkey assertion of its approver");
        assertThat(lifecycle.commands()).isEmpty();
    }

    @Test
    void anAssertionMadeForAnotherRequestIsRefused() throws Exception {
        ObjectNode first = request("r1");
        ObjectNode second = request("r2");
        approve(second, "bob", bobsKey.get(challenge(first, "bob")));
        AuditEvent refused = lifecycle.auditEvents().get(2);
        assertThat(refused.type()).isEqualTo(REJECTED);
        assertThat(refused.reason()).isEqualTo("INVALID_ASSERTION");
        assertThat(refused.detail()).isEqualTo("APPROVED: the assertion does not verify (BadChallengeException)");
        assertThat(lifecycle.commands()).isEmpty();
    }

    @Test
    void anotherApproversPasskeyOrAnUnregisteredOneIsRefused() throws Exception {
        SoftwareAuthenticator carolsKey = register("carol");
        ObjectNode request = request("r1");
        approve(request, "bob", carolsKey.get(challenge(request, "bob")));
        approve(request, "bob", new SoftwareAuthenticator(ORIGIN, "localhost").get(challenge(request, "bob")));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, REJECTED, REJECTED);
        assertThat(trail.subList(1, 3)).extracting(AuditEvent::detail).containsOnly(
                "APPROVED: the assertion's credential is not a passkey registered to bob");
    }

    @Test
    void anAssertionWhoseCounterDoesNotIncreaseIsRefusedAsAReplay() throws Exception {
        ObjectNode first = request("r1");
        approve(first, "bob", bobsKey.get(challenge(first, "bob")));
        ObjectNode second = request("r2");
        // A clone of bob's authenticator (or a captured, re-signed state) presents a counter already seen.
        approve(second, "bob", bobsKey.getWithCounter(challenge(second, "bob"), bobsKey.counter));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, REQUESTED, REJECTED);
        assertThat(trail.get(3).reason()).isEqualTo("REPLAY");
        assertThat(trail.get(3).detail()).isEqualTo("APPROVED: the authenticator's signature counter did not increase"
                + " (a replayed or cloned assertion)");
        // The genuine authenticator's next assertion still works.
        approve(second, "bob", bobsKey.get(challenge(second, "bob")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(APPROVED);
    }

    @Test
    void anExtensionOfAGrantThatNeedsPasskeysIsApprovedOnlyWithAnAssertionOverTheExtension() throws Exception {
        ObjectNode request = request("r1");
        approve(request, "bob", bobsKey.get(challenge(request, "bob")));
        lifecycle.results.pipeInput("r1", GrantResult.provisioned("r1", START, 3).toBytes());
        ObjectNode extension = ApprovalEvents.extendRequested("r1", "x1", "alice", START, "INC-7 more time", 60,
                DemoActors.key("alice"));
        lifecycle.approvals.pipeInput("r1", extension.toString());
        String extensionDigest = CanonicalJson.digest(extension);
        byte[] extensionChallenge = ApprovalChallenge.of("r1", extensionDigest, "bob");
        lifecycle.auditEvents();
        // A valid Ed25519 signature alone: what a server holding bob's key could forge.
        lifecycle.approvals.pipeInput("r1", ApprovalEvents.approvedDigest("r1", extensionDigest, "bob", START, "ok",
                DemoActors.key("bob")).toString());
        // bob's passkey, but over the request's challenge: an assertion never approves anything else than its own.
        lifecycle.approvals.pipeInput("r1", ApprovalEvents.approvedDigestWithPasskey("r1", extensionDigest, "bob", START, "ok",
                bobsKey.get(challenge(request, "bob"))).toString());
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type, AuditEvent::reason, AuditEvent::detail).containsExactly(
                org.assertj.core.groups.Tuple.tuple(REJECTED, "WEBAUTHN_REQUIRED", "APPROVED: the policy requires every"
                        + " approval of this request to carry a passkey assertion of its approver"),
                org.assertj.core.groups.Tuple.tuple(REJECTED, "INVALID_ASSERTION",
                        "APPROVED: the assertion does not verify (BadChallengeException)"));
        lifecycle.approvals.pipeInput("r1", ApprovalEvents.approvedDigestWithPasskey("r1", extensionDigest, "bob", START, "ok",
                bobsKey.get(extensionChallenge)).toString());
        List<AuditEvent> approved = lifecycle.auditEvents();
        assertThat(approved).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.EXTEND_APPROVED,
                AuditEvent.Type.GRANT_EXTENDED);
        assertThat(approved.get(0).actor()).isEqualTo("bob");
        assertThat(approved.get(0).detail()).endsWith(" with passkey " + bobsKey.credentialIdB64());
    }

    @Test
    void aRemovedPasskeyNoLongerApproves() throws Exception {
        lifecycle.credentials.pipeInput(bobsKey.credentialIdB64(), CredentialEvent.removed(new PasskeyCredential(
                bobsKey.credentialIdB64(), "bob", "-", 0, START), "bob", START).toBytes());
        ObjectNode request = request("r1");
        approve(request, "bob", bobsKey.get(challenge(request, "bob")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::reason).containsExactly(null, "INVALID_ASSERTION");
    }

    @Test
    void theRequestRemembersThatItsApprovalsNeedAPasskey() {
        request("r1");
        RequestState state = RequestState.fromBytes(
                lifecycle.driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).get("r1"));
        assertThat(state.requirement().webAuthn()).isTrue();
        assertThat(state.requirement().approvers()).isEqualTo(1);
    }
}
