package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Keeps an international phone number's {@code +} (or {@code 00}) and its ITU-T E.164 country code, masks every
 * other digit and letter, and keeps separators, so the number's country and layout stay visible. The country
 * code's length follows from its first digits (codes are prefix-free: 1 and 7 are one digit, a fixed list is two,
 * every other is three), so {@code +15551234567} keeps {@code +1}, not {@code +155}. A number without an
 * international prefix keeps nothing. {@code keepLast} (default 0) keeps the last N digits too.
 */
final class PhoneTechnique implements Technique {
    /** Two-digit E.164 country codes; every code starting with 1 or 7 is one digit, every other code three. */
    static final Set<String> TWO_DIGIT_CODES = Set.of(
            "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
            "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
            "86", "90", "91", "92", "93", "94", "95", "98");

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        char maskChar = options.character("maskChar", '*');
        int keepLast = options.integer("keepLast", 0, 0, 8);
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        return (value, root) -> mask(value.toString(), maskChar, keepLast);
    }

    static String mask(String phone, char maskChar, int keepLast) {
        char[] chars = phone.toCharArray();
        int start = 0;
        while (start < chars.length && chars[start] == ' ') {
            start++;
        }
        int keepFirst = 0;
        if (start < chars.length && chars[start] == '+') {
            start++;
        } else if (start + 1 < chars.length && chars[start] == '0' && chars[start + 1] == '0') {
            start += 2;
        } else {
            start = 0;
        }
        String digits = digitsFrom(chars, start);
        if (start > 0) {
            keepFirst = countryCodeLength(digits);
        }
        int total = digits.length();
        if (total <= keepFirst + keepLast) {
            // Nothing would be hidden: hide it all rather than reveal a whole (short or odd) number.
            keepFirst = 0;
            keepLast = 0;
        }
        int seen = 0;
        for (int i = start; i < chars.length; i++) {
            if (Character.isDigit(chars[i])) {
                seen++;
                if (seen > keepFirst && seen <= total - keepLast) {
                    chars[i] = maskChar;
                }
            } else if (Character.isLetter(chars[i])) {
                chars[i] = maskChar;
            }
        }
        return new String(chars);
    }

    static int countryCodeLength(String digits) {
        if (digits.isEmpty()) {
            return 0;
        }
        if (digits.charAt(0) == '1' || digits.charAt(0) == '7') {
            return 1;
        }
        if (digits.length() >= 2 && TWO_DIGIT_CODES.contains(digits.substring(0, 2))) {
            return 2;
        }
        return Math.min(3, digits.length());
    }

    private static String digitsFrom(char[] chars, int start) {
        StringBuilder digits = new StringBuilder();
        for (int i = start; i < chars.length; i++) {
            if (Character.isDigit(chars[i])) {
                digits.append(chars[i]);
            }
        }
        return digits.toString();
    }
}
