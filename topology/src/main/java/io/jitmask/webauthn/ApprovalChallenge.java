package io.jitmask.webauthn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The WebAuthn challenge of an approval: SHA-256 of a canonical string naming the decision, the request, the digest
 * of the signed request and the approver. An assertion over it approves exactly one request, as it was signed, by one
 * approver, and nothing else: not another request, not a denial, not the same request changed.
 */
public final class ApprovalChallenge {
    static final String DOMAIN = "jitmask/webauthn-approval/v1";

    private ApprovalChallenge() {
    }

    public static byte[] of(String requestId, String requestDigest, String actor) {
        String canonical = String.join("\n", DOMAIN, "APPROVED", requestId, requestDigest, actor);
        try {
            return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The challenge as the console passes it to {@code navigator.credentials.get} (base64url, no padding). */
    public static String base64Url(String requestId, String requestDigest, String actor) {
        return CredentialEvent.B64URL.encodeToString(of(requestId, requestDigest, actor));
    }
}
