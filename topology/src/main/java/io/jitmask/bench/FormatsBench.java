package io.jitmask.bench;

import io.jitmask.keys.Keyset;
import io.jitmask.mask.JsonValidation;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.sample.FormatSampleRecords;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.stream.MaskedSchemaIds;
import io.jitmask.stream.RecordValues;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * {@code jitmask bench --formats}: the masking cost of each record format against that format's own pass-through
 * (copying the bytes) and decode + encode, in one process and one run, on distinct sample records of the shipped
 * datasets: {@code customers} (Avro), {@code tickets} (JSON Schema), {@code orders} (Protobuf), {@code clicks} (plain
 * JSON). Each figure is the CPU time of the measuring thread per record (not wall time: on a loaded machine the other
 * processes' share would swamp the differences), the median of the repetitions; the three stages of a format run
 * back to back in each repetition so their ratios are the least disturbed.
 */
final class FormatsBench {
    /** The format of each sample dataset measured, in report order. */
    static final Map<String, String> DATASETS = orderedDatasets();

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<String, List<byte[]>> raw = new LinkedHashMap<>();
    private final AvroCodec avro;
    private final RecordValues values;
    /**
     * The same masking with {@code jitmask.formats.json.validation=rewritten}: JSON Schema records measured in both
     * modes, interleaved in each repetition. Its decode does not validate, so it is also the decode + encode baseline.
     */
    private final RecordValues rewrittenOnly;

    FormatsBench(Policy policy, Keyset keyset, int distinctRecords) {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        avro = new AvroCodec(registry);
        values = new RecordValues(new PolicyMaskEngine(policy, keyset), registry, new MaskedSchemaIds(registry));
        rewrittenOnly = new RecordValues(new PolicyMaskEngine(policy, keyset, new io.jitmask.classify.ClassificationBook(),
                JsonValidation.REWRITTEN), registry, new MaskedSchemaIds(registry));
        Schema customers = SampleSchemas.of("customers");
        int customersId = registry.register("raw.customers-value", customers);
        int ticketsId = registry.registerTyped("raw.tickets-value", SampleSchemas.typed("tickets"));
        int ordersId = registry.registerTyped("raw.orders-value", SampleSchemas.typed("orders"));
        SampleRecords avroSamples = new SampleRecords(7);
        FormatSampleRecords samples = new FormatSampleRecords(7);
        DATASETS.keySet().forEach(d -> raw.put(d, new ArrayList<>()));
        for (int i = 0; i < distinctRecords; i++) {
            raw.get("customers").add(avro.encode(customersId, customers, avroSamples.customer()));
            raw.get("tickets").add(samples.next("tickets", ticketsId).value());
            raw.get("orders").add(samples.next("orders", ordersId).value());
            raw.get("clicks").add(samples.next("clicks", -1).value());
        }
    }

    /** Per dataset: CPU µs per record of each stage (medians) and the ratios of the masking path to the others. */
    Map<String, Object> run(int repetitions, int recordsPerRun, Consumer<String> progress) {
        for (String dataset : DATASETS.keySet()) {
            progress.accept("warm-up " + dataset + " (not measured)");
            measureAll(dataset, recordsPerRun);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        for (Map.Entry<String, String> dataset : DATASETS.entrySet()) {
            List<Double> pass = new ArrayList<>();
            List<Double> codec = new ArrayList<>();
            List<Double> mask = new ArrayList<>();
            List<Double> maskRewritten = new ArrayList<>();
            for (int rep = 1; rep <= repetitions; rep++) {
                progress.accept(dataset.getKey() + ", run " + rep + " of " + repetitions);
                double[] stages = measureAll(dataset.getKey(), recordsPerRun);
                pass.add(stages[0]);
                codec.add(stages[1]);
                mask.add(stages[2]);
                if (stages.length > 3) {
                    maskRewritten.add(stages[3]);
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("format", dataset.getValue());
            r.put("cpuMicrosPerRecord", Map.of("passThrough", BenchCommand.round(Stats.percentile(pass, 50)),
                    "decodeEncode", BenchCommand.round(Stats.percentile(codec, 50)),
                    "decodeMaskEncode", BenchCommand.round(Stats.percentile(mask, 50))));
            // As JMH's throughput ratio: records/s masking over records/s of the baseline (higher is cheaper masking).
            r.put("maskVsDecodeEncode", BenchCommand.round(Stats.pairedRatio(codec, mask)));
            r.put("maskVsPassThrough", BenchCommand.round(Stats.pairedRatio(pass, mask)));
            r.put("runs", Map.of("passThrough", pass, "decodeEncode", codec, "decodeMaskEncode", mask));
            report.put(dataset.getKey(), r);
            if (!maskRewritten.isEmpty()) {
                // The same records and repetitions, masked with jitmask.formats.json.validation=rewritten.
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("format", dataset.getValue() + "RewrittenOnly");
                w.put("cpuMicrosPerRecord", Map.of("decodeMaskEncode", BenchCommand.round(Stats.percentile(maskRewritten, 50))));
                w.put("maskVsDecodeEncode", BenchCommand.round(Stats.pairedRatio(codec, maskRewritten)));
                w.put("maskVsPassThrough", BenchCommand.round(Stats.pairedRatio(pass, maskRewritten)));
                w.put("fullVsRewrittenOnly", BenchCommand.round(Stats.pairedRatio(maskRewritten, mask)));
                w.put("runs", Map.of("decodeMaskEncode", maskRewritten));
                report.put(dataset.getKey() + "RewrittenOnly", w);
            }
        }
        return report;
    }

    private double[] measureAll(String dataset, int records) {
        List<byte[]> in = raw.get(dataset);
        double pass = cpuMicrosPerRecord(records, i -> {
            byte[] b = in.get(i % in.size());
            return Arrays.copyOf(b, b.length);
        });
        // Decoded without the full mode's validation of the raw record: the codec cost alone.
        double codec = cpuMicrosPerRecord(records, i -> reencode(rewrittenOnly.decode(dataset, in.get(i % in.size()))));
        double mask = cpuMicrosPerRecord(records, i -> values.mask(dataset, values.decode(dataset, in.get(i % in.size())), Set.of()));
        if (!"jsonSchema".equals(DATASETS.get(dataset))) {
            return new double[] {pass, codec, mask};
        }
        double rewritten = cpuMicrosPerRecord(records,
                i -> rewrittenOnly.mask(dataset, rewrittenOnly.decode(dataset, in.get(i % in.size())), Set.of()));
        return new double[] {pass, codec, mask, rewritten};
    }

    /** The decoded value encoded again as it is, with its own schema id: the format's codec cost alone. */
    private byte[] reencode(RecordValues.Value value) {
        if (value instanceof RecordValues.AvroValue a) {
            return avro.encode(a.decoded().schemaId(), a.decoded().schema(), a.decoded().datum());
        }
        if (value instanceof RecordValues.JsonValue j) {
            return j.schema() == null ? JsonCodec.writePlain(j.tree()) : JsonCodec.writeFramed(j.schemaId(), j.tree());
        }
        ProtobufCodec.Decoded d = ((RecordValues.ProtobufValue) value).decoded();
        return ProtobufCodec.encode(d.schemaId(), d.indexes(), d.message());
    }

    private static double cpuMicrosPerRecord(int records, java.util.function.IntFunction<byte[]> work) {
        long sink = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < records; i++) {
            sink += work.apply(i).length;
        }
        long used = THREADS.getCurrentThreadCpuTime() - start;
        if (sink == 0) {
            throw new IllegalStateException("no bytes produced");
        }
        return used / 1000.0 / records;
    }

    private static Map<String, String> orderedDatasets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("customers", "avro");
        m.put("tickets", "jsonSchema");
        m.put("orders", "protobuf");
        m.put("clicks", "plainJson");
        return m;
    }
}
