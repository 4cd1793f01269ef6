package io.jitmask.serde;

import io.jitmask.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Decodes and encodes Confluent-framed Avro with readers and writers cached per schema id. Not
 * thread-safe: each stream task owns one, which keeps the hot path free of locks.
 */
public final class AvroCodec {
    /** A decoded datum with the writer schema it was written with. */
    public record Decoded(int schemaId, Schema schema, Object datum) {
    }

    private final SchemaRegistryClient registry;
    private final Map<Integer, GenericDatumReader<Object>> readers = new HashMap<>();
    private final Map<Schema, GenericDatumWriter<Object>> writers = new HashMap<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private BinaryDecoder decoder;
    private BinaryEncoder encoder;

    public AvroCodec(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /**
     * @throws MalformedRecordException bad framing or corrupt Avro (permanent)
     * @throws io.jitmask.registry.SchemaNotFoundException unknown schema id (permanent)
     * @throws io.jitmask.registry.RegistryUnavailableException registry unreachable (transient)
     */
    public Decoded decode(byte[] bytes) {
        int id = WireFormat.schemaId(bytes);
        GenericDatumReader<Object> reader = readers.get(id);
        if (reader == null) {
            Schema schema = registry.schemaById(id);
            reader = new GenericDatumReader<>(schema, schema, GenericData.get());
            readers.put(id, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                bytes.length - WireFormat.HEADER_SIZE, decoder);
        try {
            Object datum = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedRecordException("Avro datum for schema id " + id + " has trailing bytes");
            }
            return new Decoded(id, reader.getSchema(), datum);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException e) {
            // The cause may quote data; keep only its type.
            throw new MalformedRecordException("truncated or corrupt Avro datum for schema id " + id
                    + " (" + e.getClass().getSimpleName() + ")");
        } catch (OutOfMemoryError e) {
            throw new MalformedRecordException("Avro datum for schema id " + id + " declares a size too large to decode");
        }
    }

    public byte[] encode(int schemaId, Schema schema, Object datum) {
        GenericDatumWriter<Object> writer = writers.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
        buffer.reset();
        buffer.writeBytes(WireFormat.header(schemaId));
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode datum for schema id " + schemaId, e);
        }
        return buffer.toByteArray();
    }
}
