package io.jitmask.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
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

    /** Signs the event (without its signature) and sets {@code signature}. */
    public static ObjectNode sign(ObjectNode event, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(CanonicalJson.signedBytes(event));
            event.put("signature", Base64.getEncoder().encodeToString(signer.sign()));
            return event;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }

    public static boolean verify(ObjectNode event, PublicKey key) {
        String signature = event.path("signature").asText(null);
        if (signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(CanonicalJson.signedBytes(event));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
