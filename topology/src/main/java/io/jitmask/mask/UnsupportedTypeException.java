package io.jitmask.mask;

/** A technique does not apply to a field's Avro type (as opposed to a bad option, which is wrong for every field). */
public class UnsupportedTypeException extends MaskingConfigException {
    public UnsupportedTypeException(String message) {
        super(message);
    }
}
