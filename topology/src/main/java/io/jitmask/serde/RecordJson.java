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
    private final SchemaRegistryClient registry;
    private final java.util.Map<Integer, io.jitmask.registry.StoredSchema> typed = new java.util.HashMap<>();

    public RecordJson(SchemaRegistryClient registry) {
        this.deserializer = new ConfluentAvroDeserializer(registry);
        this.registry = registry;
    }

    public String line(String topic, ConsumerRecord<byte[], byte[]> record) {
        String value = record.value() == null ? "null" : value(topic, record.value());
        return "{\"partition\":" + record.partition() + ",\"offset\":" + record.offset()
                + ",\"key\":" + keyJson(topic, record.key()) + ",\"value\":" + value + "}";
    }

    /** Avro, JSON Schema or Protobuf by the registry's type of the schema id; an unframed value is plain JSON. */
    private String value(String topic, byte[] bytes) {
        if (!WireFormat.isFramed(bytes)) {
            return JsonCodec.readPlain(bytes).toString();
        }
        int id = WireFormat.schemaId(bytes);
        io.jitmask.registry.StoredSchema schema = typed.computeIfAbsent(id, registry::typedSchemaById);
        return switch (schema.type()) {
            case JSON -> JsonCodec.readFramed(bytes, id).toString();
            case PROTOBUF -> {
                java.util.List<io.jitmask.schema.SchemaReference> refs = schema.references();
                com.google.protobuf.Descriptors.FileDescriptor file = ((io.jitmask.schema.ProtobufParsedSchema) io.jitmask.schema.SchemaParser
                        .parse(io.jitmask.schema.SchemaType.PROTOBUF, schema.schema(), refs, schema.resolved())).fileDescriptor();
                yield ProtobufJson.of(ProtobufCodec.decode(bytes, id, file).message()).toString();
            }
            default -> GenericData.get().toString(deserializer.deserialize(topic, bytes));
        };
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
