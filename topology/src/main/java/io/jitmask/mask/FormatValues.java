package io.jitmask.mask;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.Set;

/**
 * A value of a JSON Schema {@code format} made from a technique's output, for a masked string the format would
 * otherwise refuse (an hmac token in an {@code email} field). Built from a keyed digest of the output, so the same
 * masked value gives the same formatted value (joins still work) and nothing of the original is in it; a constant
 * output (redact) gives the format's own constant, as Avro's redact gives the epoch or the nil UUID.
 *
 * <p>Values never name a real party: e-mail addresses are at {@code example.com} (RFC 2606: the validator wants a
 * known top-level domain), host names end in {@code .invalid} (RFC 6761), IPv4 addresses are in the reserved
 * 240.0.0.0/4, IPv6 addresses in the documentation prefix 2001:db8::/32, URIs are {@code urn:jitmask:} names.
 */
final class FormatValues {
    static final Set<String> KNOWN = Set.of("email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri",
            "uri-reference", "iri", "iri-reference", "uuid", "date", "date-time", "time", "duration");
    static final String EMAIL_DOMAIN = "example.com";
    private static final int MAX_LOCAL_PART = 64;
    private static final long DAYS_IN_CENTURY = 36_525;
    private static final long SECONDS_IN_CENTURY = DAYS_IN_CENTURY * 86_400;

    private FormatValues() {
    }

    /**
     * The value of {@code format} for a masked {@code output}: {@code digest} is the keyed digest of the output,
     * {@code constant} true for a technique that gives one value for every input (its output holds no token).
     */
    static String of(String format, String output, byte[] digest, boolean constant, String keyId) {
        long number = ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
        String hex = HexFormat.of().formatHex(digest, 0, 8);
        return switch (format) {
            // The masked text itself becomes the local part, so an hmac token stays readable as that token.
            case "email", "idn-email" -> localPart(output) + "@" + EMAIL_DOMAIN;
            case "hostname", "idn-hostname" -> (constant ? "redacted" : "h" + hex) + ".invalid";
            case "ipv4" -> constant ? "0.0.0.0" : "240." + (digest[0] & 0x0f) + "." + (digest[1] & 0xff) + "." + (digest[2] & 0xff);
            case "ipv6" -> constant ? "::" : "2001:db8:" + group(digest, 0) + ":" + group(digest, 2) + ":" + group(digest, 4) + ":"
                    + group(digest, 6) + ":" + group(digest, 8) + ":" + group(digest, 10);
            case "uri", "uri-reference", "iri", "iri-reference" -> constant ? "urn:jitmask:redacted" : "urn:jitmask:" + keyId + ":" + hex;
            case "uuid" -> constant ? RedactTechnique.NIL_UUID : HmacTokenTechnique.uuidToken(digest);
            case "date" -> (constant ? LocalDate.EPOCH : LocalDate.EPOCH.plusDays(number % DAYS_IN_CENTURY)).toString();
            case "date-time" -> (constant ? Instant.EPOCH : Instant.ofEpochSecond(number % SECONDS_IN_CENTURY)).toString();
            case "time" -> (constant ? LocalTime.MIDNIGHT : LocalTime.ofSecondOfDay(number % 86_400))
                    .format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")) + "Z";
            case "duration" -> "P" + (constant ? 0 : number % DAYS_IN_CENTURY) + "D";
            default -> throw new IllegalArgumentException("format " + format);
        };
    }

    private static String group(byte[] digest, int at) {
        return Integer.toHexString(((digest[at] & 0xff) << 8) | (digest[at + 1] & 0xff));
    }

    /** A dot-atom local part: characters an address may not carry become dots, dots never lead, trail or repeat. */
    private static String localPart(String output) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < output.length() && out.length() < MAX_LOCAL_PART; i++) {
            char c = output.charAt(i);
            boolean atext = c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0);
            if (atext) {
                out.append(c);
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != '.') {
                out.append('.');
            }
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '.') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? "masked" : out.toString();
    }
}
