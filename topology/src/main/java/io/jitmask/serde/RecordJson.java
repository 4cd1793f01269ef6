package io.jitmask.serde;

import io.jitmask.registry.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of a masked or grant topic as a JSON line ({@code partition}, {@code offset}, {@code key},
 * {@code value}), decoded with the registry. Used by {@code jitmask consume} and the API's masked preview.
 */
public final class RecordJson {
    private final ConfluentAvroDeserializer deserializer;

    public RecordJson(SchemaRegistryClient registry) {
        this.deserializer = new ConfluentAvroDeserializer(registry);
    }

    public String line(String topic, ConsumerRecord<byte[], byte[]> record) {
        String value = record.value() == null ? "null" : GenericData.get().toString(deserializer.deserialize(topic, record.value()));
        return "{\"partition\":" + record.partition() + ",\"offset\":" + record.offset()
                + ",\"key\":" + keyJson(topic, record.key()) + ",\"value\":" + value + "}";
    }

    private String keyJson(String topic, byte[] key) {
        if (key == null) {
            return "null";
        }
        if (WireFormat.isFramed(key)) {
            return GenericData.get().toString(deserializer.deserialize(topic, key));
        }
        return GenericData.get().toString(new String(key, StandardCharsets.UTF_8));
    }
}
