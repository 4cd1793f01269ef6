package io.jitmask.jmh;

import io.jitmask.mask.MaskPlan;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import io.jitmask.testing.TestKeys;
import java.nio.file.Path;
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
 * Records per second for one customers record: decode + encode alone (the baseline) against decode + mask +
 * encode, with the shipped policy and with every string field masked by one technique. Ratios against the
 * baseline of the same run are what matter; absolute numbers depend on the machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    @Param({"shipped", "redact", "partial", "hmac", "ff1", "email", "freeText"})
    public String policy;

    private AvroCodec codec;
    private byte[] raw;
    private MaskPlan plan;

    static Policy policyFor(String technique) {
        if (technique.equals("shipped")) {
            return PolicyLoader.load(Path.of("../deploy/policy.yaml"));
        }
        String spec = technique.equals("ff1") ? "{type: ff1, alphabet: alphanumeric}" : "{type: " + technique + "}";
        return PolicyLoader.parse("version: 1\ntags:\n"
                + "  DOB: {technique: {type: generalizeDate}}\n"
                + "  PII: {technique: " + spec + "}\n"
                + "  EMAIL: {technique: " + spec + "}\n  PHONE: {technique: " + spec + "}\n"
                + "  NATIONAL_ID: {technique: " + spec + "}\n  FREE_TEXT: {technique: " + spec + "}\n");
    }

    @Setup
    public void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Schema schema = SampleSchemas.of("customers");
        int id = registry.register("raw.customers-value", schema);
        codec = new AvroCodec(registry);
        raw = codec.encode(id, schema, new SampleRecords(1).customer());
        plan = new PolicyMaskEngine(policyFor(policy), TestKeys.KEYSET).valuePlan("customers", id, schema, Set.of());
    }

    @Benchmark
    public byte[] decodeEncode() {
        AvroCodec.Decoded decoded = codec.decode(raw);
        return codec.encode(decoded.schemaId(), decoded.schema(), decoded.datum());
    }

    @Benchmark
    public byte[] decodeMaskEncode() {
        AvroCodec.Decoded decoded = codec.decode(raw);
        return codec.encode(decoded.schemaId(), decoded.schema(), plan.apply(decoded.datum()));
    }
}
