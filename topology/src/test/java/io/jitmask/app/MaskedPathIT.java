package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.serde.ConfluentAvroSerializer;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.LogCapture;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The masked path on a real broker, with the registry over HTTP: records produced through the serde come out of
 * {@code masked.<dataset>} masked, bad records go to the DLQ, and a canary in every sensitive field shows up in
 * no output topic and no log line.
 */
class MaskedPathIT {
    static final String CANARY = "CANARYzq81";
    /** Made before the stack starts, so it sees every line the application logs. */
    static final LogCapture logs = new LogCapture();
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("masked-path").dataset("cust", "customers").build();
    static final String DATASET = STACK.dataset();

    @AfterAll
    static void stop() {
        logs.close();
    }

    static GenericRecord customer(String id, String secret) {
        return io.jitmask.testing.TestCustomers.withSecret(id, secret);
    }

    @Test
    void masksRecordsEndToEndAndLeaksNoCanary() throws Exception {
        String raw = Topics.raw(DATASET);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new ConfluentAvroSerializer(STACK.registry(), false));
             KafkaProducer<byte[], byte[]> badProducer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(raw, "C" + i, customer("C" + i, CANARY + i)));
            }
            // Bad bytes whose text carries the canary: they must reach the DLQ without it.
            badProducer.send(new ProducerRecord<>(raw, ("K" + CANARY).getBytes(StandardCharsets.UTF_8),
                    ("\u0007" + CANARY).getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            badProducer.flush();
        }

        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAtLeast(Topics.masked(DATASET), 5, Duration.ofSeconds(60));
        assertThat(masked).hasSize(5);
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer(STACK.registry());
        for (ConsumerRecord<byte[], byte[]> record : masked) {
            GenericRecord value = (GenericRecord) deserializer.deserialize(record.topic(), record.value());
            String id = value.get("customerId").toString();
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(value.get("nationalId")).hasToString("REDACTED");
            assertThat(value.get("dateOfBirth")).isEqualTo(0);
            assertThat(value.get("phone").toString()).matches("\\*+[A-Za-z0-9]{2}");
            assertThat(value.get("bio")).hasToString("REDACTED");
            assertThat(value.get("email").toString()).startsWith("tok_");
            assertThat(((GenericRecord) value.get("address")).get("city")).hasToString("Springfield");
            assertThat(value.get("accountManager")).hasToString("Bob Manager");
            assertThat(value.get("loyaltyPoints")).isEqualTo(420);
            assertThat(value.toString()).doesNotContain(CANARY);
        }
        // The masked topic's schema is registered under the usual subject, so any consumer resolves it.
        assertThat(STACK.registry().subjects()).contains(Topics.masked(DATASET) + "-value");

        List<ConsumerRecord<byte[], byte[]>> letters = TopicReader.readAll(Topics.DLQ).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(raw + "/")).toList();
        assertThat(letters).hasSize(1);
        String letter = new String(letters.get(0).value(), StandardCharsets.UTF_8);
        assertThat(letter).contains("\"errorClass\":\"io.jitmask.serde.MalformedRecordException\"")
                .contains("\"message\":\"unknown magic byte 7: expected 0 (Confluent wire format)\"")
                .contains("\"topic\":\"" + raw + "\"");

        for (String topic : List.of(Topics.masked(DATASET), Topics.DLQ)) {
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(topic)) {
                assertThat(bytesContain(record.key())).as("key on " + topic).isFalse();
                assertThat(bytesContain(record.value())).as("value on " + topic).isFalse();
                record.headers().forEach(h -> assertThat(bytesContain(h.value())).as("header on " + topic).isFalse());
            }
        }
        assertThat(logs.lines()).noneMatch(line -> line.contains(CANARY));
        try (Stream<Path> files = Files.walk(STACK.dir())) {
            assertThat(files.filter(Files::isRegularFile).filter(MaskedPathIT::fileContainsCanary).toList()).isEmpty();
        }
    }

    static boolean bytesContain(byte[] bytes) {
        return bytes != null && new String(bytes, StandardCharsets.ISO_8859_1).contains(CANARY);
    }

    static boolean fileContainsCanary(Path file) {
        try {
            return bytesContain(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
