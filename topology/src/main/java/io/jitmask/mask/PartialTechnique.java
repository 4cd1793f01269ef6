package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import org.apache.avro.Schema;

/**
 * Keeps the first {@code keepFirst} and last {@code keepLast} (default 4) characters and replaces every other one
 * with {@code maskChar} (default {@code *}), so the length stays. A value too short to hide anything between the
 * kept ends is masked completely: partial masking must never reveal a whole value.
 */
final class PartialTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        int keepFirst = options.integer("keepFirst", 0, 0, 64);
        int keepLast = options.integer("keepLast", 4, 0, 64);
        char maskChar = options.character("maskChar", '*');
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        return (value, root) -> mask(value.toString(), keepFirst, keepLast, maskChar);
    }

    static String mask(String value, int keepFirst, int keepLast, char maskChar) {
        int n = value.codePointCount(0, value.length());
        boolean revealsAll = keepFirst + keepLast >= n;
        StringBuilder out = new StringBuilder(value.length());
        int index = 0;
        for (int i = 0; i < n; i++) {
            int codePoint = value.codePointAt(index);
            index += Character.charCount(codePoint);
            if (!revealsAll && (i < keepFirst || i >= n - keepLast)) {
                out.appendCodePoint(codePoint);
            } else {
                out.append(maskChar);
            }
        }
        return out.toString();
    }
}
