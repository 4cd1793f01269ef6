package io.jitmask.registry;

/** The registry could not be reached or failed with a 5xx: transient, retry with backoff, never drop data. */
public class RegistryUnavailableException extends RegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(50001, message, cause);
    }
}
