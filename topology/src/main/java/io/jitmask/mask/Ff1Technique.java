package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Format-preserving encryption (NIST SP 800-38G FF1, AES-256 with a key derived from the keyset's primary key).
 * Symbols of the alphabet ({@code digits}, {@code upperAlphanumeric}, {@code lowerAlphanumeric} or {@code alphanumeric})
 * are encrypted; spaces and punctuation stay where they are, so length and layout are preserved; any other letter or
 * digit fails closed rather than pass in clear. {@code keepLast} leaves the last N symbols in
 * clear (e.g. the last four of a card number); {@code luhn: true} then rewrites the last encrypted digit so the
 * whole number passes the Luhn check, which makes that one digit irreversible. A value with fewer than
 * log_radix(1,000,000) encrypted symbols cannot be encrypted safely and fails closed.
 */
final class Ff1Technique implements Technique {
    static final String PURPOSE = "jitmask/ff1/v1";
    private static final Map<String, String> ALPHABETS = Map.of(
            "digits", "0123456789",
            "upperAlphanumeric", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "lowerAlphanumeric", "0123456789abcdefghijklmnopqrstuvwxyz",
            "alphanumeric", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        String alphabet = ALPHABETS.get(options.oneOf("alphabet", "digits", ALPHABETS.keySet()));
        int keepLast = options.integer("keepLast", 0, 0, 16);
        boolean luhn = options.bool("luhn", false);
        String tweak = options.string("tweak", "");
        if (luhn && !alphabet.equals(ALPHABETS.get("digits"))) {
            throw options.error("option 'luhn' needs alphabet 'digits'");
        }
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        Ff1Cipher cipher = new Ff1Cipher(Arrays.copyOf(keyset.primary().derive(PURPOSE), 32), alphabet,
                tweak.getBytes(StandardCharsets.UTF_8));
        String where = options.where();
        return (value, root) -> {
            try {
                return encrypt(value.toString(), alphabet, cipher, keepLast, luhn);
            } catch (MaskingException e) {
                throw new MaskingException(where + ": " + e.getMessage());
            }
        };
    }

    static String encrypt(String value, String alphabet, Ff1Cipher cipher, int keepLast, boolean luhn) {
        char[] chars = value.toCharArray();
        int[] positions = new int[chars.length];
        int count = 0;
        for (int i = 0; i < chars.length; i++) {
            if (alphabet.indexOf(chars[i]) >= 0) {
                positions[count++] = i;
            } else if (Character.isLetterOrDigit(chars[i])) {
                // Only punctuation and spaces pass as separators; a letter or digit the alphabet cannot encrypt would
                // otherwise stay in clear.
                throw new MaskingException("value has a letter or digit outside the FF1 alphabet at position " + i);
            }
        }
        int encrypted = count - keepLast;
        if (encrypted <= 0) {
            throw new MaskingException("value has " + count + " symbols, no more than the " + keepLast + " kept in clear");
        }
        StringBuilder symbols = new StringBuilder(encrypted);
        for (int i = 0; i < encrypted; i++) {
            symbols.append(chars[positions[i]]);
        }
        String out = cipher.encrypt(symbols.toString());
        for (int i = 0; i < encrypted; i++) {
            chars[positions[i]] = out.charAt(i);
        }
        if (luhn) {
            int fix = positions[encrypted - 1];
            for (char d = '0'; d <= '9'; d++) {
                chars[fix] = d;
                if (Luhn.isValid(digitsOf(chars))) {
                    break;
                }
            }
        }
        return new String(chars);
    }

    private static String digitsOf(char[] chars) {
        StringBuilder digits = new StringBuilder(chars.length);
        for (char c : chars) {
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    static Set<String> alphabets() {
        return ALPHABETS.keySet();
    }
}
