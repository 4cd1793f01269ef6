package io.jitmask.webauthn;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;
import io.jitmask.approval.Rejection;
import java.time.Instant;
import java.util.List;

/**
 * Registration and assertion checks for passkeys, by webauthn4j (CBOR, COSE keys, signatures, flags): nothing of
 * the WebAuthn encodings is parsed here. Both require user presence and user verification; attestation is not
 * required ({@code none} is accepted): a passkey is trusted because its approver registered it while signed in, and
 * the registration is audited. Thread-safe.
 */
public final class Passkeys {
    /** ES256 (every platform authenticator) and RS256 (Windows Hello): the algorithms a credential may use. */
    public static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private final RelyingParty rp;
    private final WebAuthnManager manager;
    private final AttestedCredentialDataConverter credentialData;

    public Passkeys(RelyingParty rp) {
        this.rp = rp;
        ObjectConverter converter = new ObjectConverter();
        this.manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
        this.credentialData = new AttestedCredentialDataConverter(converter);
    }

    public RelyingParty relyingParty() {
        return rp;
    }

    /** Thrown when a registration does not verify; the message names the check, never key material. */
    public static final class RegistrationRefused extends RuntimeException {
        RegistrationRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Verifies what {@code navigator.credentials.create} returned for {@code challenge} and returns the credential to
     * store for {@code actor}.
     */
    public PasskeyCredential register(String actor, byte[] challenge, String clientDataJSON, String attestationObject,
                                      Instant now) {
        RegistrationData data;
        try {
            RegistrationRequest request = new RegistrationRequest(decode(attestationObject, "attestationObject"),
                    decode(clientDataJSON, "clientDataJSON"));
            data = manager.verify(request, new RegistrationParameters(rp.serverProperty(challenge), ALGORITHMS, true, true));
        } catch (DataConversionException e) {
            throw new RegistrationRefused("the attestation cannot be read as WebAuthn data");
        } catch (VerificationException e) {
            throw new RegistrationRefused("the attestation does not verify (" + e.getClass().getSimpleName() + ")");
        }
        var authenticatorData = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = authenticatorData.getAttestedCredentialData();
        return new PasskeyCredential(CredentialEvent.B64URL.encodeToString(attested.getCredentialId()), actor,
                CredentialEvent.B64URL.encodeToString(credentialData.convert(attested)), authenticatorData.getSignCount(), now);
    }

    /**
     * Verifies an assertion (the {@code webauthn} object of an APPROVED event) made with {@code credential} over
     * {@code challenge}; returns the authenticator's new signature counter.
     *
     * @param lastSignCount the highest counter seen for this credential so far: the new one must be higher (when the
     *                      authenticator keeps one at all: passkeys synced between devices report 0 throughout)
     */
    public long verify(JsonNode assertion, PasskeyCredential credential, byte[] challenge, long lastSignCount) {
        AuthenticationRequest request;
        try {
            request = new AuthenticationRequest(decode(text(assertion, "credentialId"), "credentialId"),
                    assertion.hasNonNull("userHandle") ? decode(text(assertion, "userHandle"), "userHandle") : null,
                    decode(text(assertion, "authenticatorData"), "authenticatorData"),
                    decode(text(assertion, "clientDataJSON"), "clientDataJSON"), null,
                    decode(text(assertion, "signature"), "signature"));
        } catch (IllegalArgumentException e) {
            throw new Rejection(Rejection.Reason.INVALID_ASSERTION, e.getMessage());
        }
        AttestedCredentialData attested;
        try {
            attested = credentialData.convert(CredentialEvent.B64URL_DECODER.decode(credential.attestedCredentialData()));
        } catch (RuntimeException e) {
            throw new Rejection(Rejection.Reason.INVALID_ASSERTION, "the registered credential cannot be read");
        }
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null,
                lastSignCount, attested, null, null, null, null);
        try {
            AuthenticationData data = manager.verify(request, new AuthenticationParameters(rp.serverProperty(challenge),
                    record, List.of(attested.getCredentialId()), true, true));
            return data.getAuthenticatorData().getSignCount();
        } catch (MaliciousCounterValueException e) {
            throw new Rejection(Rejection.Reason.REPLAY, "the authenticator's signature counter did not increase"
                    + " (a replayed or cloned assertion)");
        } catch (DataConversionException e) {
            throw new Rejection(Rejection.Reason.INVALID_ASSERTION, "the assertion cannot be read as WebAuthn data");
        } catch (VerificationException e) {
            throw new Rejection(Rejection.Reason.INVALID_ASSERTION, "the assertion does not verify ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String text(JsonNode assertion, String name) {
        JsonNode value = assertion.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("'webauthn." + name + "' is missing or not a string");
        }
        return value.asText();
    }

    private static byte[] decode(String base64Url, String name) {
        if (base64Url == null) {
            throw new IllegalArgumentException("'" + name + "' is missing");
        }
        try {
            return CredentialEvent.B64URL_DECODER.decode(base64Url.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not base64url");
        }
    }
}
