package io.jitmask.registry;

/** The registry answered, and the schema, subject or version does not exist: permanent, fail closed. */
public class SchemaNotFoundException extends RegistryException {
    public SchemaNotFoundException(int errorCode, String message) {
        super(errorCode, message);
    }
}
