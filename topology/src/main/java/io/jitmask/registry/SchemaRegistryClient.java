package io.jitmask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
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
     * The schema with this id whatever its type, with the texts of the schemas it references. Registries that hold
     * only Avro answer with the Avro schema.
     */
    default StoredSchema typedSchemaById(int id) {
        return StoredSchema.of(io.jitmask.schema.SchemaType.AVRO, schemaById(id).toString());
    }

    /**
     * Registers (or finds) a schema of any type under the subject and returns its global id: the masking path's
     * registration (cached by the HTTP client; {@code resolved} is not sent, the references are).
     */
    default int registerTyped(String subject, StoredSchema schema) {
        if (schema.type() != io.jitmask.schema.SchemaType.AVRO || !schema.references().isEmpty()) {
            throw new RegistryException(42201, "this registry client registers only Avro schemas without references");
        }
        return register(subject, new Schema.Parser().parse(schema.schema()));
    }

    /** The id of the subject's latest version, whatever its type. */
    default int latestId(String subject) {
        return latest(subject).id();
    }

    /** The subjects a schema id is registered under, soft-deleted versions included. */
    default List<String> subjectsOf(int id) {
        throw new RegistryException(40403, "this registry client cannot list the subjects of schema " + id);
    }

    /**
     * Every version of the subject that the registry still knows, soft-deleted ones included (Confluent's
     * {@code ?deleted=true}); permanently deleted versions are gone. {@link SchemaNotFoundException} when the
     * subject has never existed or is permanently deleted.
     *
     * <p>The default lists the live versions only, for clients of registries without {@code ?deleted=true}; the HTTP
     * and in-memory clients include soft-deleted versions.
     */
    default List<RegisteredSchema> history(String subject) {
        return versions(subject).stream().map(v -> version(subject, v)).toList();
    }

    /**
     * Like {@link #history} for a subject of any schema type: every version with its id, soft-deleted ones included;
     * the {@code schema} of a version that is not Avro is null (read it with {@link #typedSchemaById}).
     */
    default List<RegisteredSchema> historyIds(String subject) {
        return history(subject);
    }

    /**
     * Registers the schema with a data-contract {@code metadata} ({@code properties}, {@code tags},
     * {@code sensitive}, as Confluent 7.4+); null registers it without. The same text with other metadata is
     * another version (and id) in a Confluent registry.
     */
    default int register(String subject, Schema schema, JsonNode metadata) {
        if (metadata != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no metadata");
        }
        return register(subject, schema);
    }

    /** The data-contract metadata registered with this id, empty when it has none. */
    default Optional<JsonNode> metadataOf(int id) {
        return Optional.empty();
    }

    /**
     * Registers a schema of any type with its references and data contract (Confluent's full request) and returns
     * its id.
     */
    default int register(String subject, StoredSchema schema) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps Avro schemas only");
    }

    /** The schema with this id, of any type, with its references and data contract. */
    default StoredSchema storedSchema(int id) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps Avro schemas only");
    }

    @Override
    default void close() {
    }
}
