package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.grants.RequestState;
import io.jitmask.webauthn.ApprovalChallenge;
import io.jitmask.webauthn.CredentialEvent;
import io.jitmask.webauthn.CredentialPublisher;
import io.jitmask.webauthn.PasskeyCredential;
import io.jitmask.webauthn.PasskeyDirectory;
import io.jitmask.webauthn.Passkeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * {@code /api/passkeys}: an approver registers a passkey once (options with a fresh challenge, then the
 * authenticator's attestation, verified here), lists and removes their passkeys; and
 * {@code /api/requests/{id}/approval-challenge}: what the console asks the authenticator to sign to approve one
 * request. The server only ever sees public keys and signatures: it cannot make an assertion, so it cannot approve
 * a request that requires one on anybody's behalf.
 */
final class PasskeysHandler {
    /** How long a registration challenge may be answered. */
    static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private record Pending(byte[] challenge, Instant expires) {
    }

    private final Passkeys passkeys;
    private final CredentialPublisher publisher;
    private final KafkaStreams control;
    private final RequestStates states;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** One outstanding registration challenge per actor; used once. */
    private final Map<String, Pending> challenges = new ConcurrentHashMap<>();

    PasskeysHandler(Passkeys passkeys, CredentialPublisher publisher, KafkaStreams control, RequestStates states,
                    Clock clock) {
        this.passkeys = passkeys;
        this.publisher = publisher;
        this.control = control;
        this.states = states;
        this.clock = clock;
    }

    private PasskeyDirectory directory() {
        try {
            return new PasskeyDirectory(control.store(StoreQueryParameters.fromNameAndType(
                    JitmaskTopology.WEBAUTHN_CREDENTIALS_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())));
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "passkeys are not readable right now (jitmask is starting); retry");
        }
    }

    /** {@code POST /api/passkeys/options}: the PublicKeyCredentialCreationOptions for the caller (base64url values). */
    ApiResponse options(ApiRequest call) {
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        String actor = call.actor().name();
        challenges.put(actor, new Pending(challenge, clock.instant().plus(CHALLENGE_TTL)));
        ObjectNode options = ApiJson.object().put("challenge", B64URL.encodeToString(challenge))
                .put("timeout", CHALLENGE_TTL.toMillis()).put("attestation", "none");
        options.putObject("rp").put("id", passkeys.relyingParty().id()).put("name", passkeys.relyingParty().name());
        options.putObject("user").put("id", B64URL.encodeToString(actor.getBytes(StandardCharsets.UTF_8)))
                .put("name", actor).put("displayName", actor);
        ArrayNode params = options.putArray("pubKeyCredParams");
        Passkeys.ALGORITHMS.forEach(a -> params.addObject().put("type", "public-key").put("alg", a.getAlg().getValue()));
        options.putObject("authenticatorSelection").put("residentKey", "preferred").put("userVerification", "required");
        ArrayNode exclude = options.putArray("excludeCredentials");
        directory().of(actor).forEach(c -> exclude.addObject().put("type", "public-key").put("id", c.credentialId()));
        return ApiResponse.ok(options);
    }

    /** {@code POST /api/passkeys}: {@code {clientDataJSON, attestationObject}} answering the caller's open challenge. */
    ApiResponse register(ApiRequest call) {
        String actor = call.actor().name();
        Pending pending = challenges.remove(actor);
        if (pending == null || clock.instant().isAfter(pending.expires())) {
            throw ApiException.badRequest("no open registration challenge for " + actor
                    + ": ask POST /api/passkeys/options first (a challenge is good for one registration, "
                    + CHALLENGE_TTL.toMinutes() + " minutes)");
        }
        PasskeyCredential credential;
        try {
            credential = passkeys.register(actor, pending.challenge(), call.requiredText("clientDataJSON"),
                    call.requiredText("attestationObject"), clock.instant());
        } catch (Passkeys.RegistrationRefused e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (directory().find(credential.credentialId()).isPresent()) {
            throw ApiException.conflict("this passkey is already registered");
        }
        publisher.publish(CredentialEvent.registered(credential));
        return new ApiResponse(201, view(credential));
    }

    /** {@code GET /api/passkeys}: the caller's passkeys. */
    ApiResponse list(ApiRequest call) {
        ArrayNode items = ApiJson.MAPPER.createArrayNode();
        directory().of(call.actor().name()).forEach(c -> items.add(view(c)));
        return ApiResponse.ok(ApiJson.object().set("passkeys", items));
    }

    /** {@code DELETE /api/passkeys/{id}}: by its owner or an admin; audited as CREDENTIAL_REMOVED. */
    ApiResponse remove(ApiRequest call) {
        PasskeyCredential credential = directory().find(call.pathParam("id"))
                .orElseThrow(() -> ApiException.notFound("no passkey '" + call.pathParam("id") + "'"));
        String by = call.actor().name();
        if (!credential.actor().equals(by) && !call.actor().roles().contains(ApprovalValidator.ADMIN_ROLE)) {
            throw ApiException.forbidden(by + " may remove only their own passkeys (or be an admin)");
        }
        publisher.publish(CredentialEvent.removed(credential, by, clock.instant()));
        return ApiResponse.accepted(ApiJson.object().put("credentialId", credential.credentialId())
                .put("removed", true).put("by", by));
    }

    /**
     * {@code GET /api/requests/{id}/approval-challenge}: the PublicKeyCredentialRequestOptions for approving this
     * request as the caller. The challenge is derived, not stored: the lifecycle recomputes it from the request it
     * holds, so an assertion is good for this approval only.
     */
    ApiResponse approvalChallenge(ApiRequest call) {
        RequestState state = states.require(call.pathParam("id"));
        String actor = call.actor().name();
        if (!ApprovalValidator.mayReview(call.actor(), state)) {
            throw ApiException.forbidden(actor + " may not approve request " + state.requestId());
        }
        List<PasskeyCredential> mine = directory().of(actor);
        // While a live grant has an extension waiting, an approval decides that extension: its challenge is derived
        // from the extension's digest, so an assertion for the request can never approve an extension, or the reverse.
        String digest = state.status() == RequestState.Status.ACTIVE && state.pendingExtension() != null
                ? state.pendingExtension().digest() : state.digest();
        ObjectNode options = ApiJson.object()
                .put("challenge", ApprovalChallenge.base64Url(state.requestId(), digest, actor))
                .put("rpId", passkeys.relyingParty().id()).put("timeout", CHALLENGE_TTL.toMillis())
                .put("userVerification", "required").put("required", state.requirement().webAuthn())
                .put("requestDigest", digest);
        ArrayNode allow = options.putArray("allowCredentials");
        mine.forEach(c -> allow.addObject().put("type", "public-key").put("id", c.credentialId()));
        return ApiResponse.ok(options);
    }

    private static ObjectNode view(PasskeyCredential credential) {
        ObjectNode node = ApiJson.object().put("credentialId", credential.credentialId())
                .put("actor", credential.actor()).put("signCount", credential.signCount());
        ApiJson.putInstant(node, "registeredAt", credential.registeredAt());
        return node;
    }
}
