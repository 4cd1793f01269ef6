package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * {@code /api/grants}: the live grants, from this instance's view of the global {@code grants-global} store (the
 * {@link GrantIndex} its updater keeps), with the seconds each has left.
 */
final class GrantsHandler {
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
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        grants.all().stream().filter(g -> g.isLiveAt(now) && access.maySee(call.actor(), g))
                .sorted(Comparator.comparing(Grant::expiresAt).thenComparing(Grant::requestId))
                .forEach(g -> {
                    ObjectNode json = ApiJson.MAPPER.valueToTree(g);
                    json.put("secondsLeft", Duration.between(now, g.expiresAt()).toSeconds());
                    out.add(json);
                });
        ObjectNode body = ApiJson.object();
        body.set("grants", out);
        return ApiResponse.ok(body);
    }
}
