package io.jitmask.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerializer;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jitmask as a separate OS process, killed with SIGKILL again and again while records keep arriving: with
 * read_committed, every raw record is in masked.* exactly once, none lost, none duplicated.
 */
class KillRestartIT {
    static final int KILLS = Integer.getInteger("jitmask.kills", 10);

    @TempDir
    Path dir;

    Process start(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.jitmask.cli.JitmaskCli", "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Test
    void sigkillAgainAndAgainLosesAndDuplicatesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = "kill_" + suffix;
        try (EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0);
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryServer.url())) {
            registry.register(Topics.raw(dataset) + "-value", SampleSchemas.of("customers"));
            SharedKafka.createTopics(3, Topics.raw(dataset), Topics.masked(dataset));
            Keyset.loadOrCreate(dir.resolve("keyset.json"));
            Path config = dir.resolve("app.properties");
            Files.writeString(config, String.join("\n",
                    "bootstrap.servers=" + SharedKafka.bootstrapServers(),
                    "schema.registry.url=" + registryServer.url(),
                    "application.id=kill-it-" + suffix,
                    "state.dir=" + dir.resolve("state"),
                    "jitmask.datasets=" + dataset,
                    "jitmask.policy.file=" + DemoActors.POLICY,
                    "jitmask.keyring.file=" + DemoActors.KEYRING,
                    "jitmask.keyset.file=" + dir.resolve("keyset.json"),
                    "consumer.auto.offset.reset=earliest",
                    "jitmask.http.port=0",
                    // A killed member leaves the group after its session times out; keep that short so each
                    // restart rebalances in seconds (the broker's minimum is 6 s).
                    "consumer.session.timeout.ms=6000",
                    "consumer.heartbeat.interval.ms=1500", ""));
            Path log = dir.resolve("jitmask.log");
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicInteger produced = new AtomicInteger();
            Thread load = new Thread(() -> {
                try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                        new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
                    while (producing.get()) {
                        String key = "K" + produced.get();
                        producer.send(new ProducerRecord<>(Topics.raw(dataset), key, TestCustomers.customer(key))).get();
                        produced.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "kill-it-load");
            load.start();
            for (int kill = 1; kill <= KILLS; kill++) {
                Process jitmask = start(config, log);
                int before = TopicReader.readAll(Topics.masked(dataset)).size();
                // Let it make progress, then kill it mid-flight (SIGKILL: no shutdown hook, no commit).
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> TopicReader.readAll(Topics.masked(dataset)).size() > before + 20);
                jitmask.destroyForcibly().waitFor();
            }
            producing.set(false);
            load.join();
            Process last = start(config, log);
            try {
                int total = produced.get();
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> TopicReader.readAll(Topics.masked(dataset)).size() >= total);
                List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAll(Topics.masked(dataset));
                Map<String, Integer> counts = new HashMap<>();
                masked.forEach(r -> counts.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
                assertThat(counts).as("every raw record once").hasSize(total);
                assertThat(counts.values()).as("no duplicates").allMatch(c -> c == 1);
                assertThat(masked).hasSize(total);
            } finally {
                last.destroyForcibly().waitFor();
            }
            assertThat(Files.readString(log)).as("no unmasked value in the killed processes' logs").doesNotContain("ada.canary@example.com");
        }
    }
}
