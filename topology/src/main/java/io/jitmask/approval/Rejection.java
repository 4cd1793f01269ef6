package io.jitmask.approval;

/** An event that is refused: the reason (machine-readable) and a detail (for people), never a field value. */
public final class Rejection extends RuntimeException {
    public enum Reason {
        MALFORMED, UNKNOWN_ACTOR, BAD_SIGNATURE, CLOCK_SKEW, REPLAY, DUPLICATE_REQUEST_ID, UNKNOWN_DATASET,
        UNKNOWN_FIELD, NOT_GRANTABLE, GRANTEE_NOT_REQUESTER, DURATION_TOO_LONG, JUSTIFICATION_MISMATCH,
        LOOKBACK_TOO_LONG, SCHEMA_UNAVAILABLE, UNKNOWN_REQUEST, NOT_PENDING, DIGEST_MISMATCH, SELF_APPROVAL,
        MISSING_ROLE, DUPLICATE_APPROVER, NOT_AUTHORIZED_TO_DENY, NOT_AUTHORIZED_TO_REVOKE, NOT_ACTIVE, STALE, TOO_MANY_PENDING,
        // An event for a request still waiting for admission, beyond the few held for it.
        ADMISSION_PENDING,
        // Extensions of a live grant.
        NOT_AUTHORIZED_TO_EXTEND, EXTENSION_PENDING, DUPLICATE_EXTENSION_ID, EXTENSION_TOO_LONG,
        // Passkey approvals.
        WEBAUTHN_REQUIRED, INVALID_ASSERTION
    }

    private final Reason reason;

    public Rejection(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
