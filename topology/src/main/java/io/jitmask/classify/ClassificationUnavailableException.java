package io.jitmask.classify;

/**
 * The registry answered, but the dataset's schema history could not be read (refused, malformed): the record's
 * classification cannot be established, so it is dead-lettered rather than masked with less than its history.
 * An unreachable registry is not this: it is retried.
 */
public final class ClassificationUnavailableException extends RuntimeException {
    public ClassificationUnavailableException(String message) {
        super(message);
    }
}
