package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.ApprovalPoster;
import io.jitmask.config.Topics;
import io.jitmask.grants.RequestState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/requests}: list and read requests (pending ones with a preview of masked records), and create one.
 * Creating posts a signed REQUESTED event; the lifecycle validates it like any other and audits a refusal.
 */
final class RequestsHandler {
    static final int DEFAULT_LIMIT = 100;

    private final RequestStates states;
    private final ApiAccess access;
    private final MaskedPreview preview;
    private final EventSigner signer;
    private final ApprovalPoster poster;
    private final Clock clock;

    RequestsHandler(RequestStates states, ApiAccess access, MaskedPreview preview, EventSigner signer,
                    ApprovalPoster poster, Clock clock) {
        this.states = states;
        this.access = access;
        this.preview = preview;
        this.signer = signer;
        this.poster = poster;
        this.clock = clock;
    }

    /**
     * A page of the requests the caller may see, newest first; previews only for the page's pending ones. Read from
     * the lifecycle's listing index from the cursor on ({@link RequestPages}), never the whole store.
     */
    ApiResponse list(ApiRequest call) {
        RequestState.Status status = status(call.queryParam("status"));
        int limit = Paging.limit(call, DEFAULT_LIMIT);
        Instant now = clock.instant();
        Paging.Page<RequestState> page = states.page(Paging.decode(call.queryParam("cursor")), limit, status,
                state -> access.maySee(call.actor(), state));
        return ApiResponse.ok(page.body("requests", state -> withPreview(RequestView.of(state, now), state)));
    }

    ApiResponse get(ApiRequest call) {
        RequestState state = states.require(call.pathParam("id"));
        if (!access.maySee(call.actor(), state)) {
            throw ApiException.forbidden(call.actor().name() + " may not read request " + state.requestId());
        }
        ObjectNode view = withPreview(RequestView.of(state, clock.instant()), state);
        // What a caller who signs with their own key needs to approve exactly this request.
        view.put("digest", state.digest());
        view.set("requestEvent", state.request().deepCopy());
        return ApiResponse.ok(view);
    }

    ApiResponse create(ApiRequest call) {
        JsonNode body = call.body();
        ObjectNode event = signer.event(call, "REQUESTED", null, key -> {
            String requestId = body.hasNonNull("requestId") ? body.get("requestId").asText() : ApprovalEvents.newRequestId();
            if (!Topics.isValidName(requestId)) {
                throw ApiException.badRequest("'requestId' must match " + Topics.NAME.pattern());
            }
            return ApprovalEvents.requested(requestId, call.actor().name(), clock.instant(), call.actor().principal(),
                    call.requiredText("dataset"), strings(body, "fields", true), strings(body, "keys", false),
                    call.requiredText("justification"), durationSeconds(body), null, key);
        });
        if (!Topics.isValidName(event.path("requestId").asText())) {
            throw ApiException.badRequest("'event.requestId' must match " + Topics.NAME.pattern());
        }
        poster.post(event);
        return ApiResponse.accepted(ApiJson.object().put("requestId", event.get("requestId").asText())
                .put("posted", "REQUESTED").put("actor", call.actor().name()));
    }

    private ObjectNode withPreview(ObjectNode view, RequestState state) {
        if (state.status() == RequestState.Status.PENDING) {
            try {
                view.set("preview", ApiJson.MAPPER.valueToTree(preview.recent(state.dataset())));
            } catch (ApiException e) {
                view.put("previewError", e.getMessage());
            }
        }
        return view;
    }

    private static RequestState.Status status(String value) {
        if (value == null) {
            return null;
        }
        try {
            return RequestState.Status.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'status' must be one of " + List.of(RequestState.Status.values()));
        }
    }

    private static List<String> strings(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + field + "' is required (a non-empty array of strings)");
            }
            return null;
        }
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> {
                if (n.isTextual() && !n.asText().isBlank()) {
                    out.add(n.asText());
                }
            });
        }
        if (!node.isArray() || out.size() != node.size() || required && out.isEmpty()) {
            throw ApiException.badRequest("'" + field + "' must be a " + (required ? "non-empty " : "") + "array of strings");
        }
        return out;
    }

    private static long durationSeconds(JsonNode body) {
        JsonNode node = body.get("durationSeconds");
        if (node == null || !node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
            throw ApiException.badRequest("'durationSeconds' is required (a positive whole number)");
        }
        return node.asLong();
    }
}
