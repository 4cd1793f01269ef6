package io.jitmask.schema;

/**
 * A schema text that does not parse, resolve or validate. The message names what is wrong (a line and column, a
 * missing import, a type) and never quotes the schema text.
 */
public final class InvalidSchemaException extends RuntimeException {
    public InvalidSchemaException(String message) {
        super(message, null, false, false);
    }

    /**
     * A parser's or registry's message without any quoted schema text: Avro and Confluent quote a piece of the
     * schema after the reason ({@code No type: {...}}, {@code details: [{oldSchema: ...}]}), which may hold default
     * values, so everything from the first brace or bracket on is cut; at most {@code maxChars} are kept.
     */
    public static String withoutSchemaText(String message, int maxChars) {
        String text = String.valueOf(message);
        int cut = text.length();
        for (char c : new char[] {'{', '['}) {
            int at = text.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        String kept = text.substring(0, cut).strip();
        return kept.length() > maxChars ? kept.substring(0, maxChars) + "..." : kept;
    }
}
