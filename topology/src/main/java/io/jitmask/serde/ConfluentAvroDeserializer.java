package io.jitmask.serde;

import io.jitmask.registry.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Deserializer;

/** Consumer-side deserializer for Confluent-framed Avro; returns the datum decoded with its writer schema. */
public final class ConfluentAvroDeserializer implements Deserializer<Object> {
    private final ThreadLocal<AvroCodec> codec;

    public ConfluentAvroDeserializer(SchemaRegistryClient registry) {
        this.codec = ThreadLocal.withInitial(() -> new AvroCodec(registry));
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        return data == null ? null : codec.get().decode(data).datum();
    }
}
