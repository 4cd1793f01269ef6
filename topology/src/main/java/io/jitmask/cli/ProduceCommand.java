package io.jitmask.cli;

import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask produce}: realistic fake records to {@code raw.<dataset>}, as any Confluent producer would. */
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Write fake sample records to raw.<dataset>.")
public final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--dataset", required = true, description = "customers, payments or patients (Avro), tickets (JSON Schema), orders (Protobuf) or clicks (plain JSON).")
    String dataset;

    @Option(names = "--count", defaultValue = "10", description = "How many records (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "-1", description = "Random seed for reproducible records (default: random).")
    long seed;

    @Override
    public Integer call() {
        if (io.jitmask.sample.FormatSampleRecords.DATASETS.contains(dataset)) {
            return produceOtherFormat();
        }
        SampleRecords samples = new SampleRecords(seed < 0 ? System.nanoTime() : seed);
        samples.next(dataset); // rejects an unknown dataset before anything connects
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(cluster.registryUrl(), cluster.registryUserInfo());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(cluster.kafka(Map.of(
                     ProducerConfig.ACKS_CONFIG, "all")),
                     new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
            for (int i = 0; i < count; i++) {
                GenericRecord record = samples.next(dataset);
                producer.send(new ProducerRecord<>(Topics.raw(dataset), SampleRecords.keyOf(dataset, record), record));
            }
            producer.flush();
        }
        spec.commandLine().getOut().println("produced " + count + " records to " + Topics.raw(dataset));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** JSON Schema and Protobuf records framed with the id of the sample schema (registered if absent), plain JSON as is. */
    private Integer produceOtherFormat() {
        io.jitmask.sample.FormatSampleRecords samples = new io.jitmask.sample.FormatSampleRecords(seed < 0 ? System.nanoTime() : seed);
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(cluster.registryUrl(), cluster.registryUserInfo());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cluster.kafka(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                     new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            int schemaId = io.jitmask.sample.SampleSchemas.TYPED.containsKey(dataset)
                    ? registry.registerTyped(Topics.raw(dataset) + "-value", io.jitmask.sample.SampleSchemas.typed(dataset)) : -1;
            for (int i = 0; i < count; i++) {
                io.jitmask.sample.FormatSampleRecords.Sample sample = samples.next(dataset, schemaId);
                producer.send(new ProducerRecord<>(Topics.raw(dataset), sample.key(), sample.value()));
            }
            producer.flush();
        }
        spec.commandLine().getOut().println("produced " + count + " records to " + Topics.raw(dataset));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
