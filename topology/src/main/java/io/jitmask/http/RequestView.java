package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.grants.RequestState;
import java.time.Duration;
import java.time.Instant;

/** A request as the API shows it: what is asked, by whom, why, who approved, and where it is in its life. */
final class RequestView {
    private RequestView() {
    }

    static ObjectNode of(RequestState state, Instant now) {
        ObjectNode json = ApiJson.object().put("requestId", state.requestId()).put("status", state.status().name())
                .put("requester", state.requester()).put("grantee", state.grantee()).put("dataset", state.dataset());
        json.set("fields", ApiJson.strings(state.fields()));
        json.set("filter", state.filter() == null ? ApiJson.object() : state.filter().deepCopy());
        json.put("justification", state.justification()).put("durationSeconds", state.durationSeconds());
        ApiJson.putInstant(json, "requestedAt", state.requestedAt());
        json.put("approvalsNeeded", state.requirement().approvers()).put("sensitivity", state.requirement().sensitivity())
                .put("requiresPasskey", state.requirement().webAuthn());
        ObjectNode roles = json.putObject("approverRoles");
        state.requirement().rolesByTag().forEach((tag, r) -> roles.set(tag, ApiJson.strings(r)));
        approvals(json.putArray("approvals"), state.approvals());
        ArrayNode extensions = json.putArray("extensions");
        for (RequestState.Extension extension : state.extensions()) {
            ObjectNode e = extensions.addObject().put("extensionId", extension.extensionId())
                    .put("actor", extension.actor()).put("extendSeconds", extension.seconds())
                    .put("justification", extension.justification()).put("status", extension.status().name())
                    .put("digest", extension.digest());
            ApiJson.putInstant(e, "requestedAt", extension.requestedAt());
            ApiJson.putInstant(e, "decidedAt", extension.decidedAt());
            approvals(e.putArray("approvals"), extension.approvals());
        }
        ApiJson.putInstant(json, "activatedAt", state.activatedAt());
        ApiJson.putInstant(json, "expiresAt", state.expiresAt());
        if (state.status() == RequestState.Status.ACTIVE && state.expiresAt() != null) {
            json.put("secondsLeft", Math.max(0, Duration.between(now, state.expiresAt()).toSeconds()));
        }
        ApiJson.putInstant(json, "endedAt", state.endedAt());
        if (state.endReason() != null) {
            json.put("endReason", state.endReason());
        }
        return json;
    }

    private static void approvals(ArrayNode out, java.util.List<RequestState.Approval> approvals) {
        for (RequestState.Approval approval : approvals) {
            ObjectNode a = out.addObject().put("actor", approval.actor());
            ApiJson.putInstant(a, "at", approval.at());
            if (approval.comment() != null) {
                a.put("comment", approval.comment());
            }
            a.put("auto", approval.auto());
        }
    }
}
