package io.jitmask.registry;

/** A schema registry call failed. Messages name subjects and ids, never schema payloads' data. */
public class RegistryException extends RuntimeException {
    private final int errorCode;

    public RegistryException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public RegistryException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** Confluent error code (e.g. 40401, 40403, 409, 42201), or an HTTP status when the server gave none. */
    public int errorCode() {
        return errorCode;
    }
}
