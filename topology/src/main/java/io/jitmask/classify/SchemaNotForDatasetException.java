package io.jitmask.classify;

/**
 * A record on {@code raw.<dataset>} is framed with a schema id that is not registered under the dataset's subject
 * (for example the id of another dataset's schema, chosen to avoid its tags). Dead-lettered, never masked with
 * a classification that is not the dataset's.
 */
public final class SchemaNotForDatasetException extends RuntimeException {
    public SchemaNotForDatasetException(String message) {
        super(message);
    }
}
