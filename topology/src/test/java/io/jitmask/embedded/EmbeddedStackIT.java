package io.jitmask.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jitmask up}'s stack: a restart on the same data dir keeps every topic, schema, key and record. */
class EmbeddedStackIT {
    @TempDir
    Path dataDir;

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    EmbeddedStack.Settings settings(int kafka, int controller, int registry) {
        return new EmbeddedStack.Settings(dataDir, "localhost", kafka, controller, registry, null, null,
                Map.of(io.jitmask.config.JitmaskConfig.HTTP_PORT, "0"));
    }

    @Test
    void restartKeepsTopicsSchemasKeysAndRecords() throws Exception {
        EmbeddedStack.Settings settings = settings(freePort(), freePort(), freePort());
        List<String> tokensBefore;
        int schemaId;
        try (EmbeddedStack stack = EmbeddedStack.start(settings)) {
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("keyset.json")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(apiMe(stack, "alice")).isEqualTo("{\"actor\":\"alice\",\"principal\":\"User:alice\",\"roles\":[\"requester\"],\"reviewer\":false}");
            produce(stack, 3);
            tokensBefore = maskedEmails(stack, 3);
            try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registryUrl())) {
                schemaId = registry.latest("raw.customers-value").id();
            }
        }
        try (EmbeddedStack stack = EmbeddedStack.start(settings)) {
            try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registryUrl())) {
                assertThat(registry.latest("raw.customers-value").id()).isEqualTo(schemaId);
                assertThat(registry.subjects()).contains("raw.customers-value", "masked.customers-value",
                        "raw.payments-value", "raw.patients-value");
            }
            produce(stack, 3);
            List<String> tokensAfter = maskedEmails(stack, 6);
            assertThat(tokensAfter.subList(0, 3)).isEqualTo(tokensBefore);
            // Same seed, same keyset after the restart: the new records get the very same tokens.
            assertThat(tokensAfter.subList(3, 6)).isEqualTo(tokensBefore);
        }
    }

    static void produce(EmbeddedStack stack, int count) {
        SampleRecords samples = new SampleRecords(42);
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registryUrl());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                     new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
            for (int i = 0; i < count; i++) {
                GenericRecord record = samples.customer();
                // One partition key so the order on masked.customers is the order produced.
                producer.send(new ProducerRecord<>(Topics.raw("customers"), 0, "same-key", record));
            }
            producer.flush();
        }
    }

    static List<String> maskedEmails(EmbeddedStack stack, int count) {
        List<String> emails = new ArrayList<>();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registryUrl());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer(registry);
            consumer.subscribe(List.of(Topics.masked("customers")));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    emails.add(((GenericRecord) deserializer.deserialize(record.topic(), record.value())).get("email").toString());
                }
                return emails.size() >= count;
            });
        }
        assertThat(emails).hasSize(count);
        return emails;
    }

    /** {@code up} serves the console and API with a seeded demo token per actor (mode 0600). */
    static String apiMe(EmbeddedStack stack, String actor) throws Exception {
        Path clear = stack.config().httpTokensFile().resolveSibling(io.jitmask.http.DemoTokens.CLEAR);
        assertThat(Files.getPosixFilePermissions(clear))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String token = Files.readAllLines(clear).stream().filter(l -> l.startsWith(actor + " ")).findFirst().orElseThrow()
                .split(" ")[1];
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.api().url() + "/api/me")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void refusesAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThat(io.jitmask.cli.JitmaskCli.run("up", "--data-dir", dataDir.toString(),
                    "--kafka-port", Integer.toString(taken.getLocalPort()))).isEqualTo(2);
        }
    }

    @Test
    void refusesADataDirThatCannotBeCreated() throws Exception {
        Path file = Files.writeString(dataDir.resolve("a-file"), "not a directory");
        assertThat(io.jitmask.cli.JitmaskCli.run("up", "--data-dir", file.resolve("data").toString())).isEqualTo(2);
    }

    @Test
    void refusesABadFlag() {
        assertThat(io.jitmask.cli.JitmaskCli.run("up", "--kafka-port", "not-a-number")).isEqualTo(2);
        assertThat(io.jitmask.cli.JitmaskCli.run("up", "--no-such-flag")).isEqualTo(2);
    }
}
