package io.jitmask.http;

import io.jitmask.approval.Keyring;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.Grant;
import io.jitmask.grants.RequestState;
import io.jitmask.policy.Policy;
import java.util.HashSet;
import java.util.Set;

/**
 * What an actor may see through the API. Reviewers (anyone holding a role that some policy rule lets approve,
 * {@code admin} or {@code auditor}) see every request, grant and the audit trail; everyone else sees their own
 * requests and grants only. Who may approve, deny or revoke a given request is decided by the lifecycle's own
 * rules ({@link ApprovalValidator#mayReview}, {@link ApprovalValidator#mayRevoke}); the API only refuses early.
 */
public final class ApiAccess {
    public static final String AUDITOR_ROLE = "auditor";

    private final Set<String> reviewerRoles = new HashSet<>();

    public ApiAccess(Policy policy) {
        reviewerRoles.add(ApprovalValidator.ADMIN_ROLE);
        reviewerRoles.add(AUDITOR_ROLE);
        policy.tags().values().stream().filter(t -> t.approval() != null)
                .forEach(t -> reviewerRoles.addAll(t.approval().roles()));
    }

    public boolean isReviewer(Keyring.Actor actor) {
        return actor.hasAnyRole(reviewerRoles);
    }

    public boolean maySee(Keyring.Actor actor, RequestState state) {
        return isReviewer(actor) || actor.name().equals(state.requester()) || actor.principal().equals(state.grantee());
    }

    public boolean maySee(Keyring.Actor actor, Grant grant) {
        return isReviewer(actor) || actor.name().equals(grant.requester()) || actor.principal().equals(grant.grantee());
    }

    public void requireReviewer(Keyring.Actor actor, String what) {
        if (!isReviewer(actor)) {
            throw ApiException.forbidden(actor.name() + " may not read " + what + " (needs an approver role, admin or auditor)");
        }
    }
}
