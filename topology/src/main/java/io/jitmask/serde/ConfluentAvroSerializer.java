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
public final class ConfluentAvroSerializer implements Serializer<Object> {
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
    public byte[] serialize(String topic, Object datum) {
        if (datum == null) {
            return null;
        }
        Schema schema = schemaOf(datum);
        String subject = topic + (isKey ? "-key" : "-value");
        int id = ids.computeIfAbsent(subject + "\u0000" + schema, k -> registry.register(subject, schema));
        return codec.get().encode(id, schema, datum);
    }

    /** Records, enums and fixed carry their schema; primitives map to theirs, as Confluent's serializer does. */
    static Schema schemaOf(Object datum) {
        if (datum instanceof GenericContainer container) {
            return container.getSchema();
        }
        if (datum instanceof CharSequence) {
            return Schema.create(Schema.Type.STRING);
        }
        if (datum instanceof Integer) {
            return Schema.create(Schema.Type.INT);
        }
        if (datum instanceof Long) {
            return Schema.create(Schema.Type.LONG);
        }
        if (datum instanceof Boolean) {
            return Schema.create(Schema.Type.BOOLEAN);
        }
        if (datum instanceof Double) {
            return Schema.create(Schema.Type.DOUBLE);
        }
        if (datum instanceof Float) {
            return Schema.create(Schema.Type.FLOAT);
        }
        if (datum instanceof byte[] || datum instanceof java.nio.ByteBuffer) {
            return Schema.create(Schema.Type.BYTES);
        }
        throw new IllegalArgumentException("cannot serialize a " + datum.getClass().getName() + " as Avro");
    }
}
