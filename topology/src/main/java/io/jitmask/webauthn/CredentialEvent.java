package io.jitmask.webauthn;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jitmask.approval.Keyring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;

/**
 * One record of {@code jit.credentials} (key = credential id): a passkey registered to an approver, or its
 * removal. Only the public part is here: the credential id, the attested credential data (AAGUID, credential id and
 * COSE public key, as the authenticator encoded them) and the signature counter at registration. The private key
 * never leaves the approver's authenticator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialEvent(@JsonProperty("type") Type type,
                              @JsonProperty("credentialId") String credentialId,
                              @JsonProperty("actor") String actor,
                              @JsonProperty("at") Instant at,
                              @JsonProperty("attestedCredentialData") String attestedCredentialData,
                              @JsonProperty("signCount") Long signCount,
                              @JsonProperty("by") String by) {
    public enum Type { CREDENTIAL_REGISTERED, CREDENTIAL_REMOVED }

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    public static CredentialEvent registered(PasskeyCredential credential) {
        return new CredentialEvent(Type.CREDENTIAL_REGISTERED, credential.credentialId(), credential.actor(),
                credential.registeredAt(), credential.attestedCredentialData(), credential.signCount(), credential.actor());
    }

    /** @param by who removed it: the approver, or an admin */
    public static CredentialEvent removed(PasskeyCredential credential, String by, Instant at) {
        return new CredentialEvent(Type.CREDENTIAL_REMOVED, credential.credentialId(), credential.actor(), at, null,
                null, by);
    }

    /** The registered credential this event describes, or null for a removal or an event that does not hold together. */
    public PasskeyCredential credential() {
        if (type != Type.CREDENTIAL_REGISTERED || credentialId == null || attestedCredentialData == null
                || actor == null || !Keyring.ACTOR_NAME.matcher(actor).matches() || signCount == null || signCount < 0) {
            return null;
        }
        return new PasskeyCredential(credentialId, actor, attestedCredentialData, signCount, at);
    }

    public byte[] toBytes() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event, or null when the bytes are not one (the store ignores them; nothing in them is trusted). */
    public static CredentialEvent fromBytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            CredentialEvent event = MAPPER.readValue(bytes, CredentialEvent.class);
            return event.type() == null || event.credentialId() == null ? null : event;
        } catch (IOException e) {
            return null;
        }
    }
}
