package io.jitmask.mask;

/** A field is marked sensitive by the schema but the policy gives no technique for it: fail closed. */
public class UncoveredFieldException extends RuntimeException {
    public UncoveredFieldException(String message) {
        super(message);
    }
}
