package io.jitmask.stream;

import io.jitmask.config.Topics;
import io.jitmask.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Registers each writer schema seen on {@code raw.<dataset>} under {@code masked.<dataset>-value} (or
 * {@code -key}) once, so consumers of the masked topic resolve it by the usual subject naming. The masked subject
 * carries the raw schema's data-contract metadata (owner, sensitivity tags, ...), so catalogues and rules see the
 * same contract on both topics. Confluent registries return the same id for the same schema and metadata; the id
 * the registry returns is the one written, in case another registry does not.
 */
public final class MaskedSchemaIds {
    private final SchemaRegistryClient registry;
    private record Key(String dataset, int rawId, boolean isKey) {
    }

    private final Map<Key, Integer> ids = new ConcurrentHashMap<>();

    public MaskedSchemaIds(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public int valueId(String dataset, int rawId, Schema schema) {
        return ids.computeIfAbsent(new Key(dataset, rawId, false),
                k -> registry.register(Topics.masked(dataset) + "-value", schema, registry.metadataOf(rawId).orElse(null)));
    }

    /** Same for a JSON Schema or Protobuf writer schema: registered with its type and references. */
    public int typedValueId(String dataset, int rawId, io.jitmask.registry.StoredSchema schema) {
        return typedId(dataset, rawId, schema, false);
    }

    /** The id of a JSON Schema or Protobuf schema under {@code masked.<dataset>-key} or {@code -value}. */
    public int typedId(String dataset, int rawId, io.jitmask.registry.StoredSchema schema, boolean isKey) {
        // With the raw schema's metadata, as for Avro: the masked subject carries the same contract (sensitivity tags).
        return ids.computeIfAbsent(new Key(dataset, rawId, isKey),
                k -> registry.registerTyped(Topics.masked(dataset) + (isKey ? "-key" : "-value"),
                        new io.jitmask.registry.StoredSchema(schema.type(), schema.schema(), schema.references(),
                                registry.metadataOf(rawId).orElse(null), null, schema.resolved())));
    }

    public int keyId(String dataset, int rawId, Schema schema) {
        return ids.computeIfAbsent(new Key(dataset, rawId, true),
                k -> registry.register(Topics.masked(dataset) + "-key", schema, registry.metadataOf(rawId).orElse(null)));
    }
}
