package io.jitmask.serde;

import io.jitmask.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Producer-side serializer compatible with Confluent's KafkaAvroSerializer: registers the datum's schema under
 * {@code <topic>-key} or {@code <topic>-value} (TopicNameStrategy) and frames the Avro binary with its id.
 */
public final class ConfluentAvroSerializer implements Serializer<GenericContainer> {
    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final ThreadLocal<AvroCodec> codec;

    public ConfluentAvroSerializer(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
        this.codec = ThreadLocal.withInitial(() -> new AvroCodec(registry));
    }

    @Override
    public byte[] serialize(String topic, GenericContainer datum) {
        if (datum == null) {
            return null;
        }
        Schema schema = datum.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        int id = ids.computeIfAbsent(subject + "\u0000" + schema, k -> registry.register(subject, schema));
        return codec.get().encode(id, schema, datum);
    }
}
