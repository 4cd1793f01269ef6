package io.jitmask.mask;

/** A value cannot be masked as the policy says (fail closed: the record goes to the DLQ). Never quotes the value. */
public class MaskingException extends RuntimeException {
    public MaskingException(String message) {
        super(message);
    }
}
