package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import io.jitmask.testing.FormatSamples;
import io.jitmask.testing.LogCapture;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary leak test per format on a real broker, with the embedded registry over HTTP: a JSON Schema, a Protobuf
 * and a plain JSON dataset (the shipped samples' policy) get records with a canary in every sensitive field and one
 * undecodable record each. The masked records come out masked (the ticket still validates, the order parses with its
 * descriptor), the bad ones reach the DLQ, and the canary is in no output topic, key, header, log line or file.
 */
class FormatsCanaryIT {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final String TICKETS = "tickets_" + SUFFIX;
    static final String ORDERS = "orders_" + SUFFIX;
    static final String CLICKS = "clicks_" + SUFFIX;
    static final String CANARY = "CANARYfm27";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static EmbeddedSchemaRegistry registryServer;
    static HttpSchemaRegistryClient registry;
    static JitmaskApp app;
    static LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        logs = new LogCapture();
        registryServer = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0);
        registry = new HttpSchemaRegistryClient(registryServer.url());
        // The shipped policy, its sample datasets renamed so that this test has topics of its own.
        String policy = Files.readString(Path.of("../deploy/policy.yaml"))
                .replace("\n  tickets:\n", "\n  " + TICKETS + ":\n")
                .replace("\n  orders:\n", "\n  " + ORDERS + ":\n")
                .replace("\n  clicks:\n", "\n  " + CLICKS + ":\n");
        Files.writeString(dir.resolve("policy.yaml"), policy);
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
        JitmaskConfig config = JitmaskConfig.of(Map.of(
                JitmaskConfig.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers(),
                JitmaskConfig.REGISTRY_URL, registryServer.url(),
                JitmaskConfig.APPLICATION_ID, "formats-canary-it-" + SUFFIX,
                JitmaskConfig.STATE_DIR, dir.resolve("state").toString(),
                JitmaskConfig.DATASETS, String.join(",", TICKETS, ORDERS, CLICKS),
                JitmaskConfig.POLICY_FILE, dir.resolve("policy.yaml").toString(),
                JitmaskConfig.KEYRING_FILE, io.jitmask.testing.DemoActors.KEYRING.toString(),
                JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString()));
        app = JitmaskApp.start(config);
        app.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        app.close();
        registry.close();
        registryServer.close();
        logs.close();
    }

    @Test
    void everyFormatIsMaskedEndToEndAndLeaksNoCanary() throws Exception {
        int ticketsId = registry.registerTyped(Topics.raw(TICKETS) + "-value", FormatSamples.TICKETS_SCHEMA);
        int ordersId = registry.registerTyped(Topics.raw(ORDERS) + "-value", FormatSamples.ORDERS_SCHEMA);
        Descriptors.Descriptor order = FormatSamples.orderDescriptor();

        ObjectNode ticket = (ObjectNode) FormatSamples.ticket("T-1");
        ((ObjectNode) ticket.get("reporter")).put("name", CANARY).put("email", CANARY + "@example.org");
        ticket.put("description", CANARY).put("customerPhone", "+44 " + CANARY).put("internalNote", CANARY);
        Message o = FormatSamples.order(order, "O-1");
        Descriptors.FieldDescriptor buyerField = order.findFieldByName("buyer");
        Message canaryOrder = o.toBuilder().setField(buyerField, ((Message) o.getField(buyerField)).toBuilder()
                .setField(buyerField.getMessageType().findFieldByName("name"), CANARY).build()).build();
        String click = "{\"sessionId\":\"S-1\",\"user\":{\"email\":\"" + CANARY + "@example.org\",\"ip\":\"" + CANARY
                + "\",\"name\":\"" + CANARY + "\"},\"extra\":\"" + CANARY + "\"}";

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.raw(TICKETS), key("T-1"), JsonCodec.writeFramed(ticketsId, ticket)));
            producer.send(new ProducerRecord<>(Topics.raw(ORDERS), key("O-1"), ProtobufCodec.encode(ordersId, List.of(0), canaryOrder)));
            producer.send(new ProducerRecord<>(Topics.raw(CLICKS), key("S-1"), click.getBytes(StandardCharsets.UTF_8)));
            // Undecodable records carrying the canary: each must reach the DLQ without it.
            byte[] truncated = JsonCodec.writeFramed(ticketsId, ticket);
            producer.send(new ProducerRecord<>(Topics.raw(TICKETS), key("T-2"), Arrays.copyOf(truncated, truncated.length - 3)));
            byte[] badOrder = ProtobufCodec.encode(ordersId, List.of(7), canaryOrder);
            producer.send(new ProducerRecord<>(Topics.raw(ORDERS), key("O-2"), badOrder));
            producer.send(new ProducerRecord<>(Topics.raw(CLICKS), key("S-2"), ("{\"user\": \"" + CANARY).getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        List<ConsumerRecord<byte[], byte[]>> tickets = TopicReader.readAtLeast(Topics.masked(TICKETS), 1, Duration.ofSeconds(60));
        List<ConsumerRecord<byte[], byte[]>> orders = TopicReader.readAtLeast(Topics.masked(ORDERS), 1, Duration.ofSeconds(60));
        List<ConsumerRecord<byte[], byte[]>> clicks = TopicReader.readAtLeast(Topics.masked(CLICKS), 1, Duration.ofSeconds(60));
        assertThat(tickets).hasSize(1);
        assertThat(orders).hasSize(1);
        assertThat(clicks).hasSize(1);

        byte[] t = tickets.get(0).value();
        JsonNode maskedTicket = JSON.readTree(Arrays.copyOfRange(t, WireFormat.HEADER_SIZE, t.length));
        assertThat(maskedTicket.at("/reporter/name").asText()).startsWith("k1:").hasSize(25);
        assertThat(maskedTicket.at("/description").asText()).isEqualTo("REDACTED");
        assertThat(maskedTicket.at("/internalNote").asText()).isEqualTo("REDACTED");
        assertThat(maskedTicket.at("/subject").asText()).isEqualTo("Card declined");
        assertThat(FormatSamples.ticketViolations(maskedTicket)).isEmpty();
        assertThat(registry.typedSchemaById(WireFormat.schemaId(t)).type()).isEqualTo(io.jitmask.schema.SchemaType.JSON);
        assertThat(registry.subjects()).contains(Topics.masked(TICKETS) + "-value", Topics.masked(ORDERS) + "-value");

        byte[] b = orders.get(0).value();
        Message maskedOrder = ProtobufCodec.decode(b, WireFormat.schemaId(b), order.getFile()).message();
        Message buyer = (Message) maskedOrder.getField(buyerField);
        assertThat(buyer.getField(buyerField.getMessageType().findFieldByName("name")).toString()).startsWith("k1:");
        assertThat(buyer.getField(buyerField.getMessageType().findFieldByName("customer_id"))).isEqualTo("C-1");
        assertThat(maskedOrder.getField(order.findFieldByName("order_id"))).isEqualTo("O-1");

        assertThat(JSON.readTree(clicks.get(0).value()).at("/user/name").asText()).isEqualTo("REDACTED");
        assertThat(JSON.readTree(clicks.get(0).value()).at("/extra").asText()).isEqualTo("REDACTED");

        List<String> letters = TopicReader.readAll(Topics.DLQ).stream()
                .filter(r -> List.of(TICKETS, ORDERS, CLICKS).stream().anyMatch(d -> new String(r.key(), StandardCharsets.UTF_8).startsWith(Topics.raw(d) + "/")))
                .map(r -> JSON.valueToTree(parse(r.value())).get("message").asText()).sorted().toList();
        assertThat(letters).containsExactly(
                "Protobuf value for schema id " + ordersId + " names message index [7], which the schema does not have",
                "malformed JSON value (JsonEOFException)",
                "malformed JSON value for schema id " + ticketsId + " (JsonEOFException)");

        for (String topic : List.of(Topics.masked(TICKETS), Topics.masked(ORDERS), Topics.masked(CLICKS), Topics.DLQ, Topics.AUDIT)) {
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(topic)) {
                assertThat(contains(record.key())).as("key on " + topic).isFalse();
                assertThat(contains(record.value())).as("value on " + topic).isFalse();
                record.headers().forEach(h -> assertThat(contains(h.value())).as("header on " + topic).isFalse());
            }
        }
        assertThat(logs.lines()).noneMatch(line -> line.contains(CANARY));
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            assertThat(files.filter(Files::isRegularFile).filter(FormatsCanaryIT::fileContainsCanary).toList()).isEmpty();
        }
        System.out.println("FIGURES FormatsCanaryIT: 3 formats, 3 canary records masked, 3 undecodable records dead-lettered, leaks found 0");
    }

    static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    static Object parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static boolean contains(byte[] bytes) {
        return bytes != null && new String(bytes, StandardCharsets.ISO_8859_1).contains(CANARY);
    }

    static boolean fileContainsCanary(Path file) {
        try {
            return contains(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
