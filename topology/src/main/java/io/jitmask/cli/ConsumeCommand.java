package io.jitmask.cli;

import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.security.DemoPrincipals;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.serde.WireFormat;
import io.jitmask.serde.RecordJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask consume}: decoded records of a masked or grant topic, one JSON object per line. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print records of a topic (e.g. masked.customers) as JSON lines, decoded with the registry.")
public final class ConsumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--topic", description = "Topic to read, e.g. masked.customers.")
        String topic;

        @Option(names = "--grant", description = "Request id of a grant: reads its grant topic (needs --dataset).")
        String grant;
    }

    @Option(names = "--dataset", description = "Dataset of the grant (with --grant).")
    String dataset;

    @Option(names = "--max", defaultValue = "2147483647", description = "Stop after this many records.")
    int max;

    @Option(names = "--timeout", defaultValue = "PT10S", description = "Stop after this long without a record (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        String topic = target.topic != null ? target.topic : io.jitmask.config.Topics.grant(requireDataset(), target.grant);
        PrintWriter out = spec.commandLine().getOut();
        int seen = 0;
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(cluster.registryUrl(), cluster.registryUserInfo());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.kafka(Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, DemoPrincipals.CONSUME_GROUP_PREFIX + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            RecordJson json = new RecordJson(registry);
            consumer.subscribe(List.of(topic));
            long idleSince = System.nanoTime();
            while (seen < max && System.nanoTime() - idleSince < timeout.toNanos()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    idleSince = System.nanoTime();
                    out.println(json.line(topic, record));
                    out.flush();
                    if (++seen >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }

    private String requireDataset() {
        if (dataset == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--grant needs --dataset");
        }
        return dataset;
    }
}
