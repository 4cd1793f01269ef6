package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.ApprovalPoster;
import io.jitmask.approval.Keyring;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.RequestState;
import java.time.Clock;

/**
 * {@code /api/requests/{id}/approve|deny|revoke|extend}: signed decisions about one request. Each needs a comment or
 * reason for the audit trail. While a live grant has an extension waiting, approve and deny decide that extension. The API refuses early what the lifecycle would refuse (wrong state, missing role,
 * self-approval), with the same rules; the lifecycle still checks everything when the event arrives.
 */
final class DecisionsHandler {
    private final RequestStates states;
    private final EventSigner signer;
    private final ApprovalPoster poster;
    private final Clock clock;

    DecisionsHandler(RequestStates states, EventSigner signer, ApprovalPoster poster, Clock clock) {
        this.states = states;
        this.signer = signer;
        this.poster = poster;
        this.clock = clock;
    }

    /**
     * With {@code webauthn} in the body (the console's passkey assertion over the request's approval challenge), the
     * event carries it; the lifecycle verifies it against the approver's registered passkey.
     */
    ApiResponse approve(ApiRequest call) {
        RequestState state = pendingReviewable(call, "approve");
        RequestState.Extension extension = state.status() == RequestState.Status.ACTIVE ? state.pendingExtension() : null;
        JsonNode webauthn = call.body().get("webauthn");
        if (webauthn != null) {
            if (!webauthn.isObject() || !webauthn.path("signature").isTextual()) {
                throw ApiException.badRequest("'webauthn' must be the passkey assertion object");
            }
            // Signed by the passkey alone: the server's Ed25519 key for the approver, if it holds one, is not used. A
            // waiting extension is approved over its own digest, as its approval challenge was derived from it.
            return post(call, ApprovalEvents.approvedDigestWithPasskey(state.requestId(),
                    extension == null ? state.digest() : extension.digest(), call.actor().name(), clock.instant(),
                    call.requiredText("comment"), (ObjectNode) webauthn));
        }
        ObjectNode event = signer.event(call, "APPROVED", state.requestId(), key -> extension == null
                ? ApprovalEvents.approved(state.request(), call.actor().name(), clock.instant(), call.requiredText("comment"), key)
                : ApprovalEvents.approvedDigest(state.requestId(), extension.digest(), call.actor().name(), clock.instant(),
                        call.requiredText("comment"), key));
        return post(call, event);
    }

    /** The requester asks for more time on their live grant; reviewers then approve or deny it as a request. */
    ApiResponse extend(ApiRequest call) {
        RequestState state = states.require(call.pathParam("id"));
        Keyring.Actor actor = call.actor();
        if (!actor.name().equals(state.requester())) {
            throw ApiException.forbidden("only the requester " + state.requester() + " may extend request " + state.requestId());
        }
        if (state.status() != RequestState.Status.ACTIVE) {
            throw ApiException.conflict("request " + state.requestId() + " is " + state.status()
                    + "; only a live grant can be extended");
        }
        if (state.pendingExtension() != null) {
            throw ApiException.conflict("extension " + state.pendingExtension().extensionId() + " of request "
                    + state.requestId() + " is still waiting for a decision");
        }
        JsonNode seconds = call.body().get("extendSeconds");
        if (seconds == null || !seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.asLong() <= 0) {
            throw ApiException.badRequest("'extendSeconds' is required (a positive whole number)");
        }
        ObjectNode event = signer.event(call, "EXTEND_REQUESTED", state.requestId(), key ->
                ApprovalEvents.extendRequested(state.requestId(), ApprovalEvents.newExtensionId(), actor.name(),
                        clock.instant(), call.requiredText("justification"), seconds.asLong(), key));
        poster.post(event);
        return ApiResponse.accepted(ApiJson.object().put("requestId", state.requestId())
                .put("posted", "EXTEND_REQUESTED").put("actor", actor.name())
                .put("extensionId", event.path("extensionId").asText()));
    }

    ApiResponse deny(ApiRequest call) {
        RequestState state = pendingReviewable(call, "deny");
        ObjectNode event = signer.event(call, "DENIED", state.requestId(), key ->
                ApprovalEvents.denied(state.requestId(), call.actor().name(), clock.instant(), call.requiredText("reason"), key));
        return post(call, event);
    }

    ApiResponse revoke(ApiRequest call) {
        RequestState state = states.require(call.pathParam("id"));
        Keyring.Actor actor = call.actor();
        if (!ApprovalValidator.mayRevoke(actor, state)) {
            throw ApiException.forbidden(actor.name() + " is neither the requester, a reviewer nor an admin of request "
                    + state.requestId());
        }
        // ADMITTING: the lifecycle holds the withdrawal and applies it once the request is admitted.
        if (state.status() != RequestState.Status.ACTIVE && state.status() != RequestState.Status.PENDING
                && state.status() != RequestState.Status.ADMITTING) {
            throw ApiException.conflict("request " + state.requestId() + " is " + state.status() + ", nothing to revoke");
        }
        ObjectNode event = signer.event(call, "REVOKED", state.requestId(), key ->
                ApprovalEvents.revoked(state.requestId(), actor.name(), clock.instant(), call.requiredText("reason"), key));
        return post(call, event);
    }

    private RequestState pendingReviewable(ApiRequest call, String verb) {
        RequestState state = states.require(call.pathParam("id"));
        Keyring.Actor actor = call.actor();
        if (actor.name().equals(state.requester())) {
            throw ApiException.forbidden("the requester cannot " + verb + " their own request");
        }
        if (!ApprovalValidator.mayReview(actor, state)) {
            throw ApiException.forbidden(actor.name() + " lacks a role to " + verb + " this request (needs one of each of "
                    + state.requirement().rolesByTag() + ")");
        }
        boolean extensionWaiting = state.status() == RequestState.Status.ACTIVE && state.pendingExtension() != null;
        // ADMITTING (checked, waiting a moment for the per-requester limit): the lifecycle holds the decision and
        // applies it once the request is admitted (refused, it is audited UNKNOWN_REQUEST).
        if (state.status() != RequestState.Status.PENDING && state.status() != RequestState.Status.ADMITTING
                && !extensionWaiting) {
            throw ApiException.conflict("request " + state.requestId() + " is " + state.status() + ", not pending");
        }
        return state;
    }

    private ApiResponse post(ApiRequest call, ObjectNode event) {
        poster.post(event);
        return ApiResponse.accepted(ApiJson.object().put("requestId", event.get("requestId").asText())
                .put("posted", event.get("type").asText()).put("actor", call.actor().name()));
    }
}
