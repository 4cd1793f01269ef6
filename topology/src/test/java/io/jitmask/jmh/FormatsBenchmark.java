package io.jitmask.jmh;

import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.sample.FormatSampleRecords;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import io.jitmask.stream.MaskedSchemaIds;
import io.jitmask.stream.RecordValues;
import io.jitmask.testing.TestKeys;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Records per second per format, with the shipped policy (sample datasets customers, tickets, orders, clicks): a
 * pass-through copy of the bytes, decode + encode alone, and decode + mask + encode through the masking path's
 * dispatch ({@link RecordValues}). Each format's masking cost is its ratio to its own decode + encode.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FormatsBenchmark {
    @Param({"avro", "jsonSchema", "protobuf", "plainJson"})
    public String format;

    private String dataset;
    private byte[] raw;
    private RecordValues values;
    private AvroCodec avro;
    private com.google.protobuf.Descriptors.FileDescriptor proto;

    @Setup
    public void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET);
        avro = new AvroCodec(registry);
        FormatSampleRecords samples = new FormatSampleRecords(1);
        switch (format) {
            case "avro" -> {
                dataset = "customers";
                Schema schema = SampleSchemas.of("customers");
                raw = avro.encode(registry.register("raw.customers-value", schema), schema, new SampleRecords(1).customer());
            }
            case "jsonSchema" -> {
                dataset = "tickets";
                raw = samples.next("tickets", registry.registerTyped("raw.tickets-value", SampleSchemas.typed("tickets"))).value();
            }
            case "protobuf" -> {
                dataset = "orders";
                raw = samples.next("orders", registry.registerTyped("raw.orders-value", SampleSchemas.typed("orders"))).value();
                proto = FormatSampleRecords.orderDescriptorForBenchmarks();
            }
            default -> {
                dataset = "clicks";
                raw = samples.next("clicks", -1).value();
            }
        }
        values = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
    }

    @Benchmark
    public byte[] passThrough() {
        return Arrays.copyOf(raw, raw.length);
    }

    @Benchmark
    public byte[] decodeEncode() {
        switch (format) {
            case "avro": {
                AvroCodec.Decoded d = avro.decode(raw);
                return avro.encode(d.schemaId(), d.schema(), d.datum());
            }
            case "jsonSchema": {
                int id = WireFormat.schemaId(raw);
                return JsonCodec.writeFramed(id, JsonCodec.readFramed(raw, id));
            }
            case "protobuf": {
                ProtobufCodec.Decoded d = ProtobufCodec.decode(raw, WireFormat.schemaId(raw), proto);
                return ProtobufCodec.encode(d.schemaId(), d.indexes(), d.message());
            }
            default:
                return JsonCodec.writePlain(JsonCodec.readPlain(raw));
        }
    }

    @Benchmark
    public byte[] decodeMaskEncode() {
        return values.mask(dataset, values.decode(dataset, raw), Set.of());
    }

}
