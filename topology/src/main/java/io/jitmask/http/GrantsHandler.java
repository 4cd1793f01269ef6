package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/grants}: the live grants, from this instance's view of the global {@code grants-global} store (the
 * {@link GrantIndex} its updater keeps), with the seconds each has left; a page at a time, soonest to end first.
 */
final class GrantsHandler {
    static final int DEFAULT_LIMIT = 100;

    private final GrantIndex grants;
    private final ApiAccess access;
    private final Clock clock;

    GrantsHandler(GrantIndex grants, ApiAccess access, Clock clock) {
        this.grants = grants;
        this.access = access;
        this.clock = clock;
    }

    ApiResponse list(ApiRequest call) {
        Instant now = clock.instant();
        List<Grant> visible = grants.all().stream().filter(g -> g.isLiveAt(now) && access.maySee(call.actor(), g)).toList();
        Paging.Page<Grant> page = Paging.forward(visible, GrantsHandler::position, call.queryParam("cursor"),
                Paging.limit(call, DEFAULT_LIMIT));
        return ApiResponse.ok(page.body("grants", g -> {
            ObjectNode json = ApiJson.MAPPER.valueToTree(g);
            json.put("secondsLeft", Duration.between(now, g.expiresAt()).toSeconds());
            return json;
        }));
    }

    /** Soonest to end first. */
    private static String position(Grant grant) {
        return Paging.pad(grant.expiresAt().toEpochMilli()) + "/" + grant.requestId();
    }
}
