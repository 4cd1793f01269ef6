package io.jitmask.notify;

import io.jitmask.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code webhook-signature: v1,<base64 of
 * HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>}, the secret given as {@code whsec_<base64>}.
 * A receiver checks the signature and rejects timestamps too far from its clock (replays).
 */
public final class WebhookSignature {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private final byte[] key;

    public WebhookSignature(byte[] key) {
        if (key.length < 24) {
            throw new ConfigException("the webhook secret must be at least 24 bytes (192 bits), got " + key.length);
        }
        this.key = key.clone();
    }

    /** Reads {@code whsec_<base64>} (or plain base64) from a file; the secret is never logged or echoed. */
    public static WebhookSignature load(Path file) {
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new ConfigException("cannot read the webhook secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return new WebhookSignature(decode(text, file));
    }

    static byte[] decode(String secret, Object where) {
        String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the webhook secret in " + where + " is not whsec_<base64>");
        }
    }

    /** A fresh random secret in the {@code whsec_} form. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    public String sign(String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether a {@code webhook-signature} header (space-separated {@code v1,...} entries) holds a valid signature. */
    public boolean verify(String id, long timestampSeconds, byte[] body, String header) {
        byte[] expected = sign(id, timestampSeconds, body).getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String candidate : header.trim().split(" ")) {
            ok |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }
}
