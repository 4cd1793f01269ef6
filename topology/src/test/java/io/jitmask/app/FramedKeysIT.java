package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.Techniques;
import io.jitmask.policy.TechniqueSpec;
import io.jitmask.registry.StoredSchema;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import io.jitmask.testing.FormatSamples;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Record keys in the Confluent wire format on the real broker and registry, in every format: JSON Schema and Protobuf
 * keys registered under {@code raw.<dataset>-key} have their sensitive fields masked on {@code masked.*} (exact keys,
 * framed with the {@code masked.<dataset>-key} id), a grant filtered by key copies only that key's records, and keys
 * of a foreign schema or malformed bytes, and an Avro key written with the value's schema, reach {@code jit.dlq} with
 * the exact reason.
 */
class FramedKeysIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("framedkeys").partitions(1)
            .dataset("fktickets", "tickets").dataset("fkorders", "orders").dataset("fkcust", "customers").build();
    static final String TICKETS = STACK.dataset("fktickets");
    static final String ORDERS = STACK.dataset("fkorders");
    static final String CUSTOMERS = STACK.dataset("fkcust");
    static final Duration AWAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Keys that carry an e-mail address, tagged as the values' e-mail fields are. */
    static final StoredSchema TICKET_KEY_SCHEMA = new StoredSchema(SchemaType.JSON, "{\"type\": \"object\", \"properties\": {"
            + "\"ticketId\": {\"type\": \"string\"}, \"reporter\": {\"type\": \"object\", \"properties\": "
            + "{\"email\": {\"type\": \"string\", \"confluent:tags\": [\"PII\", \"EMAIL\"]}}}}}", List.of(), Map.of());
    static final StoredSchema ORDER_KEY_SCHEMA = new StoredSchema(SchemaType.PROTOBUF, "syntax = \"proto3\";\n"
            + "package io.jitmask.sample;\nimport \"confluent/meta.proto\";\nmessage OrderKey {\n  string order_id = 1;\n  Buyer buyer = 2;\n"
            + "  message Buyer {\n    string email = 1 [(confluent.field_meta) = {tags: [\"PII\", \"EMAIL\"]}];\n  }\n}\n",
            List.of(), Map.of());
    static final String EMAIL = "ada@example.org";

    static KafkaProducer<byte[], byte[]> producer;
    static GrantRequests requests;

    @BeforeAll
    static void start() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        requests = new GrantRequests();
    }

    @AfterAll
    static void stop() {
        producer.close();
        requests.close();
    }

    static void send(String dataset, byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.raw(dataset), key, value)).get();
    }

    /** The EMAIL tag's technique (hmac, prefix tok_) with the stack's keyset: what the masked key must carry. */
    static String token(String value) {
        Keyset keyset = Keyset.load(STACK.dir().resolve("keyset.json"));
        return Techniques.compile(TechniqueSpec.of("hmac", Map.of("prefix", "tok_")), Schema.create(Schema.Type.STRING), keyset,
                "test").mask(value, null).toString();
    }

    static String awaitActiveGrant(String dataset, List<String> fields, String key) {
        String id = requests.grant(dataset, fields, List.of(key), 600);
        GrantRequests.await(id, AuditEvent.Type.ACTIVATED, AWAIT);
        Awaitility.await().atMost(AWAIT).until(() -> STACK.app().grants().contains(Topics.grantKey(dataset, id)));
        return id;
    }

    static List<String> deadLetters(String dataset, int atLeast) {
        Awaitility.await().atMost(AWAIT).pollInterval(Duration.ofMillis(250)).until(() -> letters(dataset).size() >= atLeast);
        return letters(dataset);
    }

    static List<String> letters(String dataset) {
        return TopicReader.readAll(Topics.DLQ).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(Topics.raw(dataset) + "/"))
                .map(r -> json(r.value()).get("errorClass").asText() + ": " + json(r.value()).get("message").asText()).toList();
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void jsonSchemaKeysAreMaskedMatchedByGrantsAndRefusedWhenForeignOrMalformed() throws Exception {
        int keyId = STACK.registry().registerTyped(Topics.raw(TICKETS) + "-key", TICKET_KEY_SCHEMA);
        int valueId = STACK.registry().latestId(Topics.raw(TICKETS) + "-value");
        String keyT1 = "{\"ticketId\":\"T-1\",\"reporter\":{\"email\":\"" + EMAIL + "\"}}";
        String grant = awaitActiveGrant(TICKETS, List.of("reporter.email"), keyT1);
        byte[] rawKey = JsonCodec.writeFramed(keyId, JSON.readTree(keyT1));

        send(TICKETS, rawKey, JsonCodec.writeFramed(valueId, FormatSamples.ticket("T-1")));
        send(TICKETS, JsonCodec.writeFramed(keyId, JSON.readTree(keyT1.replace("T-1", "T-2"))), JsonCodec.writeFramed(valueId, FormatSamples.ticket("T-2")));
        // A value schema used as a key, and a key cut short.
        send(TICKETS, JsonCodec.writeFramed(valueId, JSON.readTree(keyT1)), JsonCodec.writeFramed(valueId, FormatSamples.ticket("T-3")));
        send(TICKETS, Arrays.copyOf(rawKey, rawKey.length - 3), JsonCodec.writeFramed(valueId, FormatSamples.ticket("T-4")));

        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAtLeast(Topics.masked(TICKETS), 2, AWAIT);
        assertThat(masked).hasSize(2);
        String tok = token(EMAIL);
        assertThat(masked).extracting(r -> new String(r.key(), WireFormat.HEADER_SIZE, r.key().length - WireFormat.HEADER_SIZE, StandardCharsets.UTF_8))
                .containsExactly("{\"ticketId\":\"T-1\",\"reporter\":{\"email\":\"" + tok + "\"}}",
                        "{\"ticketId\":\"T-2\",\"reporter\":{\"email\":\"" + tok + "\"}}");
        assertThat(STACK.registry().subjectsOf(WireFormat.schemaId(masked.get(0).key())))
                .containsExactlyInAnyOrder(Topics.raw(TICKETS) + "-key", Topics.masked(TICKETS) + "-key");
        // The masked values still validate against their schema (its format: date field redacted to a date).
        for (ConsumerRecord<byte[], byte[]> record : masked) {
            byte[] v = record.value();
            assertThat(FormatSamples.ticketViolations(JSON.readTree(Arrays.copyOfRange(v, WireFormat.HEADER_SIZE, v.length)))).isEmpty();
        }

        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(Topics.grant(TICKETS, grant), 1, AWAIT);
        assertThat(copies).hasSize(1);
        assertThat(copies.get(0).key()).isEqualTo(rawKey);
        byte[] copy = copies.get(0).value();
        JsonNode copied = JSON.readTree(Arrays.copyOfRange(copy, WireFormat.HEADER_SIZE, copy.length));
        assertThat(copied.at("/ticketId").asText()).isEqualTo("T-1");
        assertThat(copied.at("/reporter/email").asText()).isEqualTo(EMAIL);

        // The two letters are keyed by their records' coordinates, so they may lie on different partitions of
        // jit.dlq: exactly these two, in whichever order a reader meets them.
        assertThat(deadLetters(TICKETS, 2)).containsExactlyInAnyOrder(
                "io.jitmask.classify.SchemaNotForDatasetException: " + TICKETS + ": record key schema id " + valueId
                        + " is not registered under subject " + Topics.raw(TICKETS) + "-key",
                "io.jitmask.serde.MalformedRecordException: record key: malformed JSON value for schema id " + keyId + " (JsonEOFException)");
    }

    @Test
    void protobufKeysAreMaskedMatchedByGrantsAndRefusedWhenForeignOrMalformed() throws Exception {
        int keyId = STACK.registry().registerTyped(Topics.raw(ORDERS) + "-key", ORDER_KEY_SCHEMA);
        int valueId = STACK.registry().latestId(Topics.raw(ORDERS) + "-value");
        Descriptors.Descriptor keyType = ((ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, ORDER_KEY_SCHEMA.schema()))
                .fileDescriptor().findMessageTypeByName("OrderKey");
        Descriptors.Descriptor order = FormatSamples.orderDescriptor();
        String grant = awaitActiveGrant(ORDERS, List.of("buyer.email"), "{\"order_id\":\"O-1\",\"buyer\":{\"email\":\"" + EMAIL + "\"}}");
        byte[] rawKey = ProtobufCodec.encode(keyId, List.of(0), orderKey(keyType, "O-1"));

        send(ORDERS, rawKey, ProtobufCodec.encode(valueId, List.of(0), FormatSamples.order(order, "O-1")));
        send(ORDERS, ProtobufCodec.encode(keyId, List.of(0), orderKey(keyType, "O-2")), ProtobufCodec.encode(valueId, List.of(0), FormatSamples.order(order, "O-2")));
        send(ORDERS, ProtobufCodec.encode(valueId, List.of(0), FormatSamples.order(order, "O-3")), ProtobufCodec.encode(valueId, List.of(0), FormatSamples.order(order, "O-3")));
        send(ORDERS, Arrays.copyOf(rawKey, rawKey.length - 4), ProtobufCodec.encode(valueId, List.of(0), FormatSamples.order(order, "O-4")));

        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAtLeast(Topics.masked(ORDERS), 2, AWAIT);
        assertThat(masked).hasSize(2);
        String tok = token(EMAIL);
        assertThat(masked).extracting(r -> TextFormat.printer().emittingSingleLine(true).printToString(
                        ProtobufCodec.decode(r.key(), WireFormat.schemaId(r.key()), keyType.getFile()).message()))
                .containsExactly("order_id: \"O-1\" buyer { email: \"" + tok + "\" }", "order_id: \"O-2\" buyer { email: \"" + tok + "\" }");
        assertThat(STACK.registry().subjectsOf(WireFormat.schemaId(masked.get(0).key())))
                .containsExactlyInAnyOrder(Topics.raw(ORDERS) + "-key", Topics.masked(ORDERS) + "-key");

        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(Topics.grant(ORDERS, grant), 1, AWAIT);
        assertThat(copies).hasSize(1);
        assertThat(copies.get(0).key()).isEqualTo(rawKey);
        byte[] copy = copies.get(0).value();
        Message copied = ProtobufCodec.decode(copy, WireFormat.schemaId(copy), order.getFile()).message();
        assertThat(copied.getField(order.findFieldByName("order_id"))).isEqualTo("O-1");
        Message buyer = (Message) copied.getField(order.findFieldByName("buyer"));
        assertThat(buyer.getField(buyer.getDescriptorForType().findFieldByName("email"))).isEqualTo(
                ((Message) FormatSamples.order(order, "O-1").getField(order.findFieldByName("buyer"))).getField(
                        buyer.getDescriptorForType().findFieldByName("email")));

        // The two letters are keyed by their records' coordinates, so they may lie on different partitions of
        // jit.dlq: exactly these two, in whichever order a reader meets them.
        assertThat(deadLetters(ORDERS, 2)).containsExactlyInAnyOrder(
                "io.jitmask.classify.SchemaNotForDatasetException: " + ORDERS + ": record key schema id " + valueId
                        + " is not registered under subject " + Topics.raw(ORDERS) + "-key",
                "io.jitmask.serde.MalformedRecordException: record key: truncated or corrupt Protobuf message for schema id " + keyId
                        + " (InvalidProtocolBufferException)");
    }

    @Test
    void anAvroKeyWrittenWithAnotherSubjectsSchemaIsDeadLettered() throws Exception {
        Schema keySchema = Schema.create(Schema.Type.STRING);
        int keyId = STACK.registry().register(Topics.raw(CUSTOMERS) + "-key", keySchema);
        int valueId = STACK.registry().latestId(Topics.raw(CUSTOMERS) + "-value");
        Schema customers = STACK.registry().schemaById(valueId);
        AvroCodec codec = new AvroCodec(STACK.registry());
        byte[] value = codec.encode(valueId, customers, io.jitmask.testing.TestCustomers.customer("C1"));

        send(CUSTOMERS, codec.encode(valueId, customers, io.jitmask.testing.TestCustomers.customer("C9")), value);
        send(CUSTOMERS, codec.encode(keyId, keySchema, "C1"), value);

        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAtLeast(Topics.masked(CUSTOMERS), 1, AWAIT);
        assertThat(masked).hasSize(1);
        assertThat(codec.decode(masked.get(0).key()).datum()).hasToString("C1");
        assertThat(deadLetters(CUSTOMERS, 1)).containsExactly("io.jitmask.classify.SchemaNotForDatasetException: " + CUSTOMERS
                + ": record key schema id " + valueId + " is not registered under subject " + Topics.raw(CUSTOMERS) + "-key");
    }

    static Message orderKey(Descriptors.Descriptor type, String id) {
        Descriptors.Descriptor buyer = type.findFieldByName("buyer").getMessageType();
        return DynamicMessage.newBuilder(type).setField(type.findFieldByName("order_id"), id)
                .setField(type.findFieldByName("buyer"), DynamicMessage.newBuilder(buyer)
                        .setField(buyer.findFieldByName("email"), EMAIL).build()).build();
    }
}
