package io.jitmask.webauthn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.CollectedClientDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.ClientDataType;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A software authenticator for tests: a P-256 key, a credential id and a signature counter; it answers
 * {@code create} (attestation "none") and {@code get} as a browser's authenticator would, with webauthn4j's own
 * encoders (no hand-written CBOR). Settable origin, rp id and flags, to make the assertions a real one would not.
 */
public final class SoftwareAuthenticator {
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public final KeyPair keys;
    public final byte[] credentialId = new byte[32];
    public long counter;
    public String origin;
    public String rpId;
    public byte flags = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV);

    public SoftwareAuthenticator(String origin, String rpId) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        keys = generator.generateKeyPair();
        new SecureRandom().nextBytes(credentialId);
        this.origin = origin;
        this.rpId = rpId;
    }

    public String credentialIdB64() {
        return B64.encodeToString(credentialId);
    }

    /** What navigator.credentials.create returns: {clientDataJSON, attestationObject}, base64url. */
    public ObjectNode create(byte[] challenge) throws Exception {
        AttestedCredentialData attested = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput> data =
                new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                        (byte) (flags | AuthenticatorData.BIT_AT), counter, attested);
        byte[] attestationObject = new AttestationObjectConverter(CONVERTER)
                .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
        return JsonNodeFactory.instance.objectNode()
                .put("clientDataJSON", B64.encodeToString(clientData(ClientDataType.WEBAUTHN_CREATE, challenge)))
                .put("attestationObject", B64.encodeToString(attestationObject));
    }

    /** What navigator.credentials.get returns, as an APPROVED event carries it. The counter goes up by one. */
    public ObjectNode get(byte[] challenge) throws Exception {
        counter++;
        return getWithCounter(challenge, counter);
    }

    public ObjectNode getWithCounter(byte[] challenge, long signCount) throws Exception {
        byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER).convert(
                new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)), flags, signCount));
        byte[] clientData = clientData(ClientDataType.WEBAUTHN_GET, challenge);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(authenticatorData);
        signer.update(sha256(clientData));
        return JsonNodeFactory.instance.objectNode()
                .put("credentialId", credentialIdB64())
                .put("authenticatorData", B64.encodeToString(authenticatorData))
                .put("clientDataJSON", B64.encodeToString(clientData))
                .put("signature", B64.encodeToString(signer.sign()));
    }

    private byte[] clientData(ClientDataType type, byte[] challenge) {
        return new CollectedClientDataConverter(CONVERTER).convertToBytes(
                new CollectedClientData(type, new DefaultChallenge(challenge), new Origin(origin), null));
    }

    static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
