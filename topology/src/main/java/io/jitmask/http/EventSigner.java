package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.function.Function;

/**
 * Where the signature of an event posted through the API comes from. Either the caller signed it and posts it as
 * {@code {"event": {...}}} (the caller keeps the key: non-repudiation), and the server only checks it is theirs;
 * or the server signs with the actor's key from the operator's keys directory ({@code <actor>.key}), which means
 * the server can act for that person. See docs/ARCHITECTURE.md, "HTTP API".
 */
public final class EventSigner {
    private final Path keysDir;

    /** @param keysDir directory of per-actor private keys, or null when the server signs for nobody */
    public EventSigner(Path keysDir) {
        this.keysDir = keysDir;
    }

    /**
     * The event to post: the caller's own signed event when the body has one, else one built by {@code build}
     * with the actor's server-side key.
     *
     * @param requestId the request the route is about, or null for a new request
     */
    public ObjectNode event(ApiRequest call, String type, String requestId, Function<PrivateKey, ObjectNode> build) {
        JsonNode posted = call.body().get("event");
        if (posted != null) {
            return checked(posted, call.actor(), type, requestId);
        }
        return build.apply(serverKey(call.actor()));
    }

    private static ObjectNode checked(JsonNode posted, Keyring.Actor actor, String type, String requestId) {
        if (!posted.isObject()) {
            throw ApiException.badRequest("'event' must be a signed event object");
        }
        ObjectNode event = (ObjectNode) posted;
        if (!type.equals(event.path("type").asText())) {
            throw ApiException.badRequest("'event.type' must be " + type + " on this route");
        }
        if (!event.path("requestId").isTextual() || requestId != null && !requestId.equals(event.path("requestId").asText())) {
            throw ApiException.badRequest("'event.requestId' must be the request id of this route");
        }
        if (!actor.name().equals(event.path("actor").asText())) {
            throw ApiException.forbidden("the event's actor must be the authenticated actor " + actor.name());
        }
        if (!Ed25519.verify(event, actor.publicKey())) {
            throw ApiException.badRequest("the event's signature does not verify with " + actor.name() + "'s key");
        }
        return event;
    }

    private PrivateKey serverKey(Keyring.Actor actor) {
        Path file = keysDir == null ? null : keysDir.resolve(actor.name() + ".key");
        if (file == null || !Files.isRegularFile(file)) {
            throw ApiException.badRequest("the server holds no signing key for " + actor.name()
                    + ": sign the event with your own key and post it as {\"event\": {...}}");
        }
        try {
            return Ed25519.readPrivateKey(file);
        } catch (ConfigException e) {
            throw new ApiException(500, "the server's signing key for " + actor.name() + " is unusable");
        }
    }
}
