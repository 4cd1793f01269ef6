package io.jitmask.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API that jitmask needs. Implementations: HTTP (any
 * Confluent-compatible registry, including jitmask's embedded one) and in-memory (unit tests).
 *
 * <p>Errors: {@link SchemaNotFoundException} when the registry says the thing does not exist (fail
 * closed), {@link RegistryUnavailableException} when it cannot be reached (retry), {@link
 * RegistryException} for every other refusal (for example 409 incompatible).
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers (or finds) the schema under the subject and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The id of a schema already registered under the subject. */
    int idOf(String subject, Schema schema);

    RegisteredSchema latest(String subject);

    RegisteredSchema version(String subject, int version);

    List<String> subjects();

    List<Integer> versions(String subject);

    /**
     * Every version of the subject that the registry still knows, soft-deleted ones included (Confluent's
     * {@code ?deleted=true}); permanently deleted versions are gone. {@link SchemaNotFoundException} when the
     * subject has never existed or is permanently deleted.
     */
    List<RegisteredSchema> history(String subject);

    @Override
    default void close() {
    }
}
