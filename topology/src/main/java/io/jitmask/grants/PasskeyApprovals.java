package io.jitmask.grants;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.approval.ApprovalEvent;
import io.jitmask.approval.Keyring;
import io.jitmask.approval.Rejection;
import io.jitmask.webauthn.ApprovalChallenge;
import io.jitmask.webauthn.PasskeyCredential;
import io.jitmask.webauthn.PasskeyDirectory;
import io.jitmask.webauthn.Passkeys;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The passkey check of an approval, in the lifecycle: an APPROVED event of a request whose policy requires WebAuthn
 * must carry an assertion ({@code webauthn}) by a passkey registered to the approver, over the request's approval
 * challenge ({@link ApprovalChallenge}), with user presence and verification, and a signature counter above every one
 * seen before for that credential. An assertion on an event that needs none is checked all the same: it is never
 * ignored. The counters live in the lifecycle's {@code webauthn-counters} store, written in the same transaction as
 * the approval.
 */
final class PasskeyApprovals {
    /** A verified assertion: which credential, and the counter to remember once the approval is saved. */
    record Verified(String credentialId, long signCount) {
    }

    private final Passkeys passkeys;
    private final PasskeyDirectory directory;
    private final KeyValueStore<String, Long> counters;

    PasskeyApprovals(Passkeys passkeys, PasskeyDirectory directory, KeyValueStore<String, Long> counters) {
        this.passkeys = passkeys;
        this.directory = directory;
        this.counters = counters;
    }

    /** The verified assertion of an approval of the request, or null when it carries none and the request needs none. */
    Verified check(ApprovalEvent event, Keyring.Actor approver, RequestState state) {
        return check(event, approver, state, state.digest());
    }

    /**
     * The verified assertion of an approval of the signed event of {@code digest} (the request, or its pending
     * extension): an extension of a grant whose policy requires WebAuthn needs a passkey approval just as the request
     * did, or the server could extend, on an approver's behalf, what it could not grant.
     */
    Verified check(ApprovalEvent event, Keyring.Actor approver, RequestState state, String digest) {
        JsonNode assertion = event.json().get("webauthn");
        if (assertion == null || assertion.isNull()) {
            if (state.requirement().webAuthn()) {
                throw new Rejection(Rejection.Reason.WEBAUTHN_REQUIRED, "the policy requires every approval of this"
                        + " request to carry a passkey assertion of its approver");
            }
            return null;
        }
        if (passkeys == null) {
            throw new Rejection(Rejection.Reason.INVALID_ASSERTION, "passkey approvals are not configured");
        }
        String credentialId = assertion.path("credentialId").asText("");
        PasskeyCredential credential = directory.find(credentialId)
                .filter(c -> c.actor().equals(approver.name()))
                .orElseThrow(() -> new Rejection(Rejection.Reason.INVALID_ASSERTION,
                        "the assertion's credential is not a passkey registered to " + approver.name()));
        Long seen = counters.get(credentialId);
        long last = Math.max(credential.signCount(), seen == null ? 0 : seen);
        long signCount = passkeys.verify(assertion, credential,
                ApprovalChallenge.of(state.requestId(), digest, approver.name()), last);
        return new Verified(credentialId, signCount);
    }

    void remember(Verified verified) {
        if (verified != null) {
            counters.put(verified.credentialId(), verified.signCount());
        }
    }
}
