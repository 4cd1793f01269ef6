package io.jitmask.serde;

import io.jitmask.registry.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Confluent-wire-format Avro as a Kafka {@link Serde}, subjects by topic name ({@code <topic>-key|value}). */
public final class ConfluentAvroSerde implements Serde<Object> {
    private final ConfluentAvroSerializer serializer;
    private final ConfluentAvroDeserializer deserializer;

    public ConfluentAvroSerde(SchemaRegistryClient registry, boolean isKey) {
        this.serializer = new ConfluentAvroSerializer(registry, isKey);
        this.deserializer = new ConfluentAvroDeserializer(registry);
    }

    @Override
    public Serializer<Object> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<Object> deserializer() {
        return deserializer;
    }
}
