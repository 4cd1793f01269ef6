package io.jitmask.schema;

/**
 * A schema text that does not parse, resolve or validate. The message names what is wrong (a line and column, a
 * missing import, a type) and never quotes the schema text.
 */
public final class InvalidSchemaException extends RuntimeException {
    public InvalidSchemaException(String message) {
        super(message, null, false, false);
    }
}
