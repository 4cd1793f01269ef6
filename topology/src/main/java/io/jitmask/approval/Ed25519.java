package io.jitmask.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Ed25519 keys and signatures over events, with the JDK's own provider. Keys travel as base64 X.509 / PKCS#8. */
public final class Ed25519 {
    private Ed25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encode(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key");
        }
    }

    public static PrivateKey privateKey(String base64) {
        try {
            String body = base64.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 PKCS#8 Ed25519 private key");
        }
    }

    /** A private key file (from {@code jitmask keygen}); a clear error naming the file when it cannot be used. */
    public static PrivateKey readPrivateKey(java.nio.file.Path file) {
        try {
            return privateKey(java.nio.file.Files.readString(file));
        } catch (java.io.IOException e) {
            throw new io.jitmask.config.ConfigException("cannot read private key file " + file);
        } catch (IllegalArgumentException e) {
            throw new io.jitmask.config.ConfigException("private key file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Keys in Bouncy Castle's form, per JDK key. Signatures and verification use Bouncy Castle's RFC 8032
     * implementation: the JDK 17 provider's took about 9 times as long per verification (measured on these
     * machines), and verification is most of the lifecycle's cost per event. Ed25519 is deterministic, so both
     * produce the same signatures and accept the same ones.
     */
    private static final java.util.Map<java.security.Key, org.bouncycastle.crypto.params.AsymmetricKeyParameter> BC_KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Keys are few (the keyring's, the CLI's own); the cache is emptied rather than grown past this. */
    private static final int MAX_CACHED_KEYS = 10_000;

    private static org.bouncycastle.crypto.params.AsymmetricKeyParameter bc(java.security.Key key) {
        if (BC_KEYS.size() > MAX_CACHED_KEYS) {
            BC_KEYS.clear();
        }
        return BC_KEYS.computeIfAbsent(key, k -> {
            try {
                return k instanceof PublicKey
                        ? org.bouncycastle.crypto.util.PublicKeyFactory.createKey(k.getEncoded())
                        : org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(k.getEncoded());
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("not an Ed25519 key");
            }
        });
    }

    /** Signs the event (without its signature) and sets {@code signature}. */
    public static ObjectNode sign(ObjectNode event, PrivateKey key) {
        if (!(bc(key) instanceof org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters privateKey)) {
            throw new IllegalStateException("cannot sign: not an Ed25519 private key");
        }
        byte[] message = CanonicalJson.signedBytes(event);
        org.bouncycastle.crypto.signers.Ed25519Signer signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        event.put("signature", Base64.getEncoder().encodeToString(signer.generateSignature()));
        return event;
    }

    public static boolean verify(ObjectNode event, PublicKey key) {
        String signature = event.path("signature").asText(null);
        if (signature == null) {
            return false;
        }
        try {
            if (!(bc(key) instanceof org.bouncycastle.crypto.params.Ed25519PublicKeyParameters publicKey)) {
                return false;
            }
            byte[] message = CanonicalJson.signedBytes(event);
            org.bouncycastle.crypto.signers.Ed25519Signer verifier = new org.bouncycastle.crypto.signers.Ed25519Signer();
            verifier.init(false, publicKey);
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
