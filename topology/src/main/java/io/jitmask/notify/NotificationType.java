package io.jitmask.notify;

/** What a notification is about; {@link #ceType()} is its CloudEvents {@code type}. */
public enum NotificationType {
    /** A request waits for a decision: to the approvers who may decide it. */
    REQUEST_CREATED("io.jitmask.request.created"),
    /** Approved (by a person or automatically), denied, refused or expired undecided: to the requester. */
    REQUEST_DECIDED("io.jitmask.request.decided"),
    /** The grant is live: to the grantee. */
    GRANT_ACTIVATED("io.jitmask.grant.activated"),
    /** The grant ends soon ({@code jitmask.notify.reminder.lead.seconds} before expiresAt): to the grantee. */
    GRANT_EXPIRING("io.jitmask.grant.expiring"),
    /** The grant expired or was revoked and its topic is gone: to the grantee. */
    GRANT_ENDED("io.jitmask.grant.ended"),
    /** The lifecycle could not do something it must (activation failed, ACL not enforced, a copy run stopped): to admins. */
    LIFECYCLE_FAILED("io.jitmask.lifecycle.failed");

    private final String ceType;

    NotificationType(String ceType) {
        this.ceType = ceType;
    }

    public String ceType() {
        return ceType;
    }
}
