package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import org.apache.avro.Schema;

/**
 * Keeps an international phone number's {@code +} and country code (the digits before the first separator, at
 * most three) and masks every other digit, keeping separators, so the number's country and layout stay visible.
 * {@code keepLast} (default 0) keeps the last N digits too.
 */
final class PhoneTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        char maskChar = options.character("maskChar", '*');
        int keepLast = options.integer("keepLast", 0, 0, 8);
        if (leaf.getType() != Schema.Type.STRING) {
            throw Technique.unsupported(options, leaf);
        }
        return (value, root) -> mask(value.toString(), maskChar, keepLast);
    }

    static String mask(String phone, char maskChar, int keepLast) {
        char[] chars = phone.toCharArray();
        int start = 0;
        if (chars.length > 0 && chars[0] == '+') {
            start = 1;
            while (start < chars.length && start <= 3 && Character.isDigit(chars[start])) {
                start++;
            }
        }
        int digitsAfter = 0;
        for (int i = start; i < chars.length; i++) {
            if (Character.isDigit(chars[i])) {
                digitsAfter++;
            }
        }
        int seen = 0;
        for (int i = start; i < chars.length; i++) {
            if (Character.isDigit(chars[i])) {
                seen++;
                if (seen <= digitsAfter - keepLast || digitsAfter <= keepLast) {
                    chars[i] = maskChar;
                }
            } else if (Character.isLetter(chars[i])) {
                chars[i] = maskChar;
            }
        }
        return new String(chars);
    }
}
