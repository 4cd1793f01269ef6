package io.jitmask.webauthn;

import java.time.Instant;

/**
 * A passkey registered to an approver: its id and attested credential data (both base64url, public material only),
 * the signature counter the authenticator reported at registration, and when.
 */
public record PasskeyCredential(String credentialId, String actor, String attestedCredentialData, long signCount,
                                Instant registeredAt) {
}
