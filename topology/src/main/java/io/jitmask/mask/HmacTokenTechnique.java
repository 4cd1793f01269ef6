package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;

/**
 * Deterministic keyed tokens: HMAC-SHA256 of the value with the keyset's primary key, so equal values give equal
 * tokens across every topic and joins still work, while nobody without the key can compute or reverse them.
 *
 * <p>Strings become {@code <prefix><keyId>:<token>}: the key id lets a token be attributed to its key after a
 * rotation. {@code alphabet} is {@code base64url} (default), {@code hex} or {@code digits}; {@code length} (default
 * 22) is the number of token characters. A {@code uuid} string becomes a version-8 UUID made of the MAC (no key id:
 * the format has no room). Whole numbers (not dates) become a non-negative number of the same type;
 * bytes and fixed become the MAC bytes, cut or repeated to the original size.
 */
final class HmacTokenTechnique implements Technique {
    static final String PURPOSE = "jitmask/token/v1";

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        String prefix = options.string("prefix", "");
        String alphabet = options.oneOf("alphabet", "base64url", Set.of("base64url", "hex", "digits"));
        int length = options.integer("length", 22, 8, 64);
        Keyset.Key key = keyset.primary();
        ThreadLocal<Mac> mac = ThreadLocal.withInitial(() -> key.mac(PURPOSE));
        String head = prefix + key.id() + ":";
        if (leaf.getLogicalType() != null && !Technique.isUuid(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        if (Technique.isUuid(leaf)) {
            return (value, root) -> uuidToken(mac.get().doFinal(value.toString().getBytes(StandardCharsets.UTF_8)));
        }
        switch (leaf.getType()) {
            case STRING:
                return (value, root) -> head + token(mac.get().doFinal(value.toString().getBytes(StandardCharsets.UTF_8)), alphabet, length);
            case INT:
                return (value, root) -> (int) (ByteBuffer.wrap(mac.get().doFinal(bytesOf(value))).getInt() & 0x7fffffff);
            case LONG:
                return (value, root) -> ByteBuffer.wrap(mac.get().doFinal(bytesOf(value))).getLong() & Long.MAX_VALUE;
            case BYTES:
                return (value, root) -> {
                    ByteBuffer in = ((ByteBuffer) value).duplicate();
                    byte[] raw = new byte[in.remaining()];
                    in.get(raw);
                    return ByteBuffer.wrap(stretch(mac.get().doFinal(raw), raw.length));
                };
            case FIXED:
                return (value, root) -> new GenericData.Fixed(leaf,
                        stretch(mac.get().doFinal(((GenericFixed) value).bytes()), leaf.getFixedSize()));
            default:
                throw Technique.unsupported(options, leaf);
        }
    }

    /**
     * A UUID-shaped token for a {@code uuid} field: the MAC's first 16 bytes with the version set to 8 (RFC 9562,
     * custom) and the RFC variant, so it stays a valid UUID. It cannot carry the key id.
     */
    static String uuidToken(byte[] mac) {
        ByteBuffer bytes = ByteBuffer.wrap(mac, 0, 16);
        long high = (bytes.getLong() & ~0xF000L) | 0x8000L;
        long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(high, low).toString();
    }

    private static byte[] bytesOf(Object number) {
        return number.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String token(byte[] mac, String alphabet, int length) {
        String encoded = switch (alphabet) {
            case "hex" -> HexFormat.of().formatHex(mac);
            case "digits" -> new BigInteger(1, mac).toString();
            default -> Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
        };
        return encoded.substring(0, Math.min(length, encoded.length()));
    }

    private static byte[] stretch(byte[] mac, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i += mac.length) {
            System.arraycopy(mac, 0, out, i, Math.min(mac.length, size - i));
        }
        return size == 0 ? new byte[0] : Arrays.copyOf(out, size);
    }
}
