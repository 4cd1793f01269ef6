package io.jitmask.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.Rejection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration and assertion checks on a software authenticator: webauthn4j does the WebAuthn part. */
class PasskeysTest {
    static final String ORIGIN = "http://localhost:8080";
    static final String DIGEST = "a".repeat(64);
    final Passkeys passkeys = new Passkeys(new RelyingParty("localhost", "jitmask", List.of(ORIGIN)));
    final Instant now = Instant.parse("2026-11-25T12:00:00Z");
    SoftwareAuthenticator authenticator;
    PasskeyCredential credential;

    @BeforeEach
    void register() throws Exception {
        authenticator = new SoftwareAuthenticator(ORIGIN, "localhost");
        byte[] challenge = "registration-challenge-0123456789".getBytes();
        ObjectNode created = authenticator.create(challenge);
        credential = passkeys.register("bob", challenge, created.get("clientDataJSON").asText(),
                created.get("attestationObject").asText(), now);
    }

    @Test
    void registrationKeepsTheCredentialIdPublicKeyAndCounter() {
        assertThat(credential.credentialId()).isEqualTo(authenticator.credentialIdB64());
        assertThat(credential.actor()).isEqualTo("bob");
        assertThat(credential.signCount()).isZero();
        assertThat(credential.registeredAt()).isEqualTo(now);
        CredentialEvent event = CredentialEvent.fromBytes(CredentialEvent.registered(credential).toBytes());
        assertThat(event.credential()).isEqualTo(credential);
    }

    @Test
    void registrationForAnotherChallengeOrOriginIsRefused() throws Exception {
        byte[] challenge = "registration-challenge-0123456789".getBytes();
        ObjectNode created = new SoftwareAuthenticator(ORIGIN, "localhost").create(challenge);
        assertThatThrownBy(() -> passkeys.register("bob", "another-challenge".getBytes(),
                created.get("clientDataJSON").asText(), created.get("attestationObject").asText(), now))
                .isInstanceOf(Passkeys.RegistrationRefused.class)
                .hasMessage("the attestation does not verify (BadChallengeException)");
        ObjectNode elsewhere = new SoftwareAuthenticator("https://evil.example", "localhost").create(challenge);
        assertThatThrownBy(() -> passkeys.register("bob", challenge, elsewhere.get("clientDataJSON").asText(),
                elsewhere.get("attestationObject").asText(), now))
                .hasMessage("the attestation does not verify (BadOriginException)");
    }

    @Test
    void anAssertionOverTheApprovalChallengeVerifiesAndReturnsTheNewCounter() throws Exception {
        byte[] challenge = ApprovalChallenge.of("r1", DIGEST, "bob");
        assertThat(passkeys.verify(authenticator.get(challenge), credential, challenge, 0)).isEqualTo(1);
        assertThat(passkeys.verify(authenticator.get(challenge), credential, challenge, 1)).isEqualTo(2);
    }

    @Test
    void anAssertionForAnotherRequestDigestOrApproverIsRefused() throws Exception {
        ObjectNode forR1 = authenticator.get(ApprovalChallenge.of("r1", DIGEST, "bob"));
        for (byte[] other : List.of(ApprovalChallenge.of("r2", DIGEST, "bob"),
                ApprovalChallenge.of("r1", "b".repeat(64), "bob"), ApprovalChallenge.of("r1", DIGEST, "carol"))) {
            assertThatThrownBy(() -> passkeys.verify(forR1, credential, other, 0))
                    .isInstanceOfSatisfying(Rejection.class, r -> {
                        assertThat(r.reason()).isEqualTo(Rejection.Reason.INVALID_ASSERTION);
                        assertThat(r.detail()).isEqualTo("the assertion does not verify (BadChallengeException)");
                    });
        }
    }

    @Test
    void aReplayedAssertionWhoseCounterDoesNotIncreaseIsRefused() throws Exception {
        byte[] challenge = ApprovalChallenge.of("r1", DIGEST, "bob");
        ObjectNode assertion = authenticator.get(challenge);
        long counter = passkeys.verify(assertion, credential, challenge, 0);
        assertThatThrownBy(() -> passkeys.verify(assertion, credential, challenge, counter))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.REPLAY));
    }

    @Test
    void wrongOriginWrongRpIdMissingUserVerificationOrAnotherKeyAreRefused() throws Exception {
        byte[] challenge = ApprovalChallenge.of("r1", DIGEST, "bob");
        authenticator.origin = "https://phishing.example";
        assertRefused(authenticator.get(challenge), challenge, "BadOriginException");
        authenticator.origin = ORIGIN;
        authenticator.rpId = "example.com";
        assertRefused(authenticator.get(challenge), challenge, "BadRpIdException");
        authenticator.rpId = "localhost";
        authenticator.flags = (byte) com.webauthn4j.data.attestation.authenticator.AuthenticatorData.BIT_UP;
        assertRefused(authenticator.get(challenge), challenge, "UserNotVerifiedException");
        SoftwareAuthenticator impostor = new SoftwareAuthenticator(ORIGIN, "localhost");
        System.arraycopy(authenticator.credentialId, 0, impostor.credentialId, 0, 32);
        assertRefused(impostor.get(challenge), challenge, "BadSignatureException");
    }

    private void assertRefused(ObjectNode assertion, byte[] challenge, String check) {
        assertThatThrownBy(() -> passkeys.verify(assertion, credential, challenge, 0))
                .isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.reason()).isEqualTo(Rejection.Reason.INVALID_ASSERTION);
                    assertThat(r.detail()).isEqualTo("the assertion does not verify (" + check + ")");
                });
    }
}
