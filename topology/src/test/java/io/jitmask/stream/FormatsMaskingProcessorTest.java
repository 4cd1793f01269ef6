package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantJson;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.registry.StoredSchema;
import io.jitmask.schema.SchemaType;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import io.jitmask.testing.FormatSamples;
import io.jitmask.testing.MaskingDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The masking path for the sample datasets of each non-Avro format, with the shipped policy: `tickets` (JSON
 * Schema), `orders` (Protobuf) and `clicks` (plain JSON): exact masked records on masked.*, grant copies with the
 * granted fields clear, malformed or foreign records dead-lettered.
 */
class FormatsMaskingProcessorTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    MaskingDriver app;
    InMemorySchemaRegistryClient registry;
    GrantIndex grants;
    TopologyTestDriver driver;
    @org.junit.jupiter.api.io.TempDir
    Path stateDir;
    TestInputTopic<byte[], byte[]> rawTickets;
    TestInputTopic<byte[], byte[]> rawOrders;
    TestInputTopic<byte[], byte[]> rawClicks;
    TestInputTopic<String, byte[]> grantsTopic;
    TestOutputTopic<byte[], byte[]> maskedTickets;
    TestOutputTopic<byte[], byte[]> maskedOrders;
    TestOutputTopic<byte[], byte[]> maskedClicks;
    TestOutputTopic<byte[], byte[]> dlq;
    int ticketsId;
    int ordersId;
    Descriptors.Descriptor order;

    @BeforeEach
    void setUp() {
        app = new MaskingDriver(PolicyLoader.load(Path.of("../deploy/policy.yaml")), List.of("tickets", "orders", "clicks"),
                "formats-test", NOW, stateDir, null);
        registry = app.registry();
        ticketsId = registry.registerTyped("raw.tickets-value", FormatSamples.TICKETS_SCHEMA);
        ordersId = registry.registerTyped("raw.orders-value", FormatSamples.ORDERS_SCHEMA);
        order = FormatSamples.orderDescriptor();
        grants = app.grants();
        driver = app.driver();
        rawTickets = app.input("raw.tickets");
        rawOrders = app.input("raw.orders");
        rawClicks = app.input("raw.clicks");
        grantsTopic = app.grantsInput();
        maskedTickets = app.output("masked.tickets");
        maskedOrders = app.output("masked.orders");
        maskedClicks = app.output("masked.clicks");
        dlq = app.output(Topics.DLQ);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonSchemaTicketIsMaskedTagByTagAndStillValidates() throws Exception {
        rawTickets.pipeInput(key("T-1"), JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-1")));

        byte[] bytes = maskedTickets.readValue();
        int maskedId = WireFormat.schemaId(bytes);
        assertThat(registry.subjectsOf(maskedId)).containsExactlyInAnyOrder("raw.tickets-value", "masked.tickets-value");
        JsonNode masked = JSON.readTree(java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
        assertThat(masked.toString()).isEqualTo(FormatSamples.MASKED_TICKET_T1);
        assertThat(FormatSamples.ticketViolations(masked)).isEmpty();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void protobufOrderIsMaskedTagByTagAndParsesWithTheSameDescriptor() throws Exception {
        rawOrders.pipeInput(key("O-1"), ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-1")));

        byte[] bytes = maskedOrders.readValue();
        ProtobufCodec.Decoded decoded = ProtobufCodec.decode(bytes, WireFormat.schemaId(bytes), order.getFile());
        assertThat(decoded.indexes()).isEqualTo(List.of(0));
        assertThat(com.google.protobuf.TextFormat.printer().emittingSingleLine(true).printToString(decoded.message()))
                .isEqualTo(FormatSamples.MASKED_ORDER_O1);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void plainJsonIsMaskedByPathRulesAndMalformedJsonIsDeadLettered() throws Exception {
        rawClicks.pipeInput(key("S-1"), FormatSamples.CLICK.getBytes(StandardCharsets.UTF_8));
        rawClicks.pipeInput(key("S-2"), "{\"user\": {\"email\": \"ada@example.org\"".getBytes(StandardCharsets.UTF_8));
        rawClicks.pipeInput(key("S-3"), "{\"a\": 1, \"a\": \"ada@example.org\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(maskedClicks.readValue(), StandardCharsets.UTF_8)).isEqualTo(FormatSamples.MASKED_CLICK);
        assertThat(maskedClicks.isEmpty()).isTrue();
        List<JsonNode> dead = deadLetters();
        assertThat(dead).extracting(d -> d.get("offset").asLong(), d -> d.get("errorClass").asText(), d -> d.get("message").asText())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "io.jitmask.serde.MalformedRecordException", "malformed JSON value (JsonEOFException)"),
                        org.assertj.core.groups.Tuple.tuple(2L, "io.jitmask.serde.MalformedRecordException", "malformed JSON value (JsonParseException)"));
        assertThat(dead.toString()).doesNotContain("ada@example.org");
    }

    @Test
    void grantCopiesCarryTheGrantedFieldsClearInEveryFormat() throws Exception {
        Grant tickets = grant("r-t", "tickets", List.of("reporter.email", "description"));
        Grant orders = grant("r-o", "orders", List.of("buyer", "payment.card_number"));
        Grant clicks = grant("r-c", "clicks", List.of("user.email"));
        for (Grant g : List.of(tickets, orders, clicks)) {
            grantsTopic.pipeInput(g.key(), GrantJson.toBytes(g));
        }
        TestOutputTopic<byte[], byte[]> ticketCopies = app.output(tickets.topic());
        TestOutputTopic<byte[], byte[]> orderCopies = app.output(orders.topic());
        TestOutputTopic<byte[], byte[]> clickCopies = app.output(clicks.topic());

        rawTickets.pipeInput(key("T-1"), JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-1")));
        rawOrders.pipeInput(key("O-1"), ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-1")));
        rawClicks.pipeInput(key("S-1"), FormatSamples.CLICK.getBytes(StandardCharsets.UTF_8));

        byte[] t = ticketCopies.readValue();
        JsonNode ticket = JSON.readTree(java.util.Arrays.copyOfRange(t, 5, t.length));
        JsonNode masked = JSON.readTree(FormatSamples.MASKED_TICKET_T1);
        assertThat(ticket.at("/reporter/email").asText()).isEqualTo("ada@example.org");
        assertThat(ticket.at("/description").asText()).isEqualTo(FormatSamples.ticket("T-1").get("description").asText());
        assertThat(ticket.at("/reporter/name")).isEqualTo(masked.at("/reporter/name"));
        assertThat(ticket.at("/customerPhone")).isEqualTo(masked.at("/customerPhone"));

        byte[] o = orderCopies.readValue();
        Message copy = ProtobufCodec.decode(o, WireFormat.schemaId(o), order.getFile()).message();
        Message raw = FormatSamples.order(order, "O-1");
        assertThat(copy.getField(order.findFieldByName("buyer"))).isEqualTo(raw.getField(order.findFieldByName("buyer")));
        Message payment = (Message) copy.getField(order.findFieldByName("payment"));
        assertThat(payment.getField(payment.getDescriptorForType().findFieldByName("card_number"))).isEqualTo("4111 1111 1111 1111");
        assertThat(payment.getField(payment.getDescriptorForType().findFieldByName("cardholder"))).isEqualTo("REDACTED");

        JsonNode click = JSON.readTree(clickCopies.readValue());
        assertThat(click.at("/user/email").asText()).isEqualTo("ada@example.org");
        assertThat(click.at("/user/ip")).isEqualTo(JSON.readTree(FormatSamples.MASKED_CLICK).at("/user/ip"));
    }

    @Test
    void byDefaultAJsonSchemaRecordThatBreaksItsSchemaOutsideTheMaskedFieldsIsDeadLetteredNamingWhereNotWhat() throws Exception {
        // jitmask.formats.json.validation=full (the default): the ticket's unmasked subject is a number; the record is
        // refused before masking, and its dead letter names the keyword and location, never a value of the record.
        com.fasterxml.jackson.databind.node.ObjectNode broken = (com.fasterxml.jackson.databind.node.ObjectNode) FormatSamples.ticket("T-1");
        broken.put("subject", 4111);
        rawTickets.pipeInput(key("T-1"), JsonCodec.writeFramed(ticketsId, broken));
        rawTickets.pipeInput(key("T-2"), JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-2")));

        List<JsonNode> dead = deadLetters();
        assertThat(dead).extracting(d -> d.get("offset").asLong(), d -> d.get("errorClass").asText(), d -> d.get("message").asText())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, "io.jitmask.serde.MalformedRecordException",
                        "the value does not follow its writer's JSON Schema id " + ticketsId
                                + " (type at /subject); the producer must write values the schema accepts"));
        assertThat(dead.toString()).doesNotContain("4111").doesNotContain("ada@example.org").doesNotContain("Ada Lovelace")
                .doesNotContain("7946").doesNotContain("VIP");
        List<byte[]> masked = maskedTickets.readValuesToList();
        assertThat(masked).hasSize(1);
        assertThat(FormatSamples.ticketViolations(JSON.readTree(java.util.Arrays.copyOfRange(masked.get(0), 5, masked.get(0).length)))).isEmpty();
    }

    @Test
    void aSchemaIdOfAnotherSubjectAndUnknownProtobufFieldsAreDeadLettered() throws Exception {
        int foreign = registry.registerTyped("raw.other-value", new StoredSchema(io.jitmask.schema.SchemaType.JSON, "{\"type\": \"object\"}", List.of(), Map.of()));
        rawTickets.pipeInput(key("T-9"), JsonCodec.writeFramed(foreign, JSON.readTree("{\"email\": \"ada@example.org\"}")));
        byte[] withUnknown = com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addLengthDelimited(
                        com.google.protobuf.ByteString.copyFromUtf8("ada@example.org")).build()).build().toByteArray();
        byte[] framed = ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-2"));
        byte[] hostile = new byte[framed.length + withUnknown.length];
        System.arraycopy(framed, 0, hostile, 0, framed.length);
        System.arraycopy(withUnknown, 0, hostile, framed.length, withUnknown.length);
        rawOrders.pipeInput(key("O-2"), hostile);

        List<JsonNode> dead = deadLetters();
        assertThat(dead).extracting(d -> d.get("errorClass").asText(), d -> d.get("message").asText()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("io.jitmask.classify.SchemaNotForDatasetException",
                        "tickets: schema id " + foreign + " is not registered under subject raw.tickets-value"),
                org.assertj.core.groups.Tuple.tuple("io.jitmask.serde.MalformedRecordException", "Protobuf value for schema id " + ordersId
                        + " has fields numbered [99] that message io.jitmask.sample.Order does not declare"));
        assertThat(maskedTickets.isEmpty()).isTrue();
        assertThat(maskedOrders.isEmpty()).isTrue();
    }

    @Test
    void requestableFieldsComeFromEachFormatsCurrentSchema() {
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")),
                Keyset.fromJson(io.jitmask.testing.TestKeys.JSON));
        assertThat(RecordValues.sensitiveFields(engine, registry, "tickets")).containsEntry("reporter.email", java.util.Set.of("PII", "EMAIL"))
                .containsEntry("description", java.util.Set.of("PII", "FREE_TEXT")).containsEntry("attachments.uploadedBy", java.util.Set.of("PII", "EMAIL"))
                .doesNotContainKey("subject");
        assertThat(RecordValues.sensitiveFields(engine, registry, "orders")).containsEntry("buyer.email", java.util.Set.of("PII", "EMAIL"))
                .containsEntry("payment.card_number", java.util.Set.of("PCI", "PAN")).containsEntry("notes", java.util.Set.of("PII", "FREE_TEXT"))
                .doesNotContainKey("order_id");
        assertThat(RecordValues.sensitiveFields(engine, registry, "clicks")).containsOnly(
                Map.entry("user.email", java.util.Set.of("PII", "EMAIL")), Map.entry("user.ip", java.util.Set.of("PII")));
    }

    static final StoredSchema TICKET_KEY_SCHEMA = new StoredSchema(io.jitmask.schema.SchemaType.JSON, "{\"type\": \"object\", \"properties\": {"
            + "\"ticketId\": {\"type\": \"string\"}, \"reporter\": {\"type\": \"object\", \"properties\": "
            + "{\"email\": {\"type\": \"string\"}}}}}", List.of(), Map.of());
    static final StoredSchema ORDER_KEY_SCHEMA = new StoredSchema(io.jitmask.schema.SchemaType.PROTOBUF, "syntax = \"proto3\";\n"
            + "package io.jitmask.sample;\nmessage OrderKey {\n  string order_id = 1;\n  Buyer buyer = 2;\n"
            + "  message Buyer {\n    string email = 1;\n  }\n}\n", List.of(), Map.of());
    static final String TICKET_KEY = "{\"ticketId\":\"T-1\",\"reporter\":{\"email\":\"ada@example.org\"}}";
    static final String ORDER_KEY = "{\"order_id\":\"O-1\",\"buyer\":{\"email\":\"ada@example.org\"}}";

    Message orderKey(Descriptors.Descriptor type, String id, String email) {
        Descriptors.Descriptor buyer = type.findFieldByName("buyer").getMessageType();
        return DynamicMessage.newBuilder(type).setField(type.findFieldByName("order_id"), id)
                .setField(type.findFieldByName("buyer"), DynamicMessage.newBuilder(buyer)
                        .setField(buyer.findFieldByName("email"), email).build()).build();
    }

    List<JsonNode> deadLetters() {
        return dlq.readValuesToList().stream().map(v -> {
            try {
                return JSON.readTree(v);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void jsonSchemaKeyIsMaskedByTheDatasetsClassificationAndMatchesAKeysGrantByItsJson() throws Exception {
        int keyId = registry.registerTyped("raw.tickets-key", TICKET_KEY_SCHEMA);
        Grant byKey = new Grant("r-k", "tickets", "User:alice", List.of("reporter.email"), new GrantFilter.Keys(List.of(TICKET_KEY)),
                Topics.grant("tickets", "r-k"), "alice", List.of("bob"), "INC-1 test", NOW.minusSeconds(60), NOW.plusSeconds(3600), Grant.ACTIVE);
        grantsTopic.pipeInput(byKey.key(), GrantJson.toBytes(byKey));
        TestOutputTopic<byte[], byte[]> copies = app.output(byKey.topic());
        byte[] rawKey = JsonCodec.writeFramed(keyId, JSON.readTree(TICKET_KEY));
        byte[] otherKey = JsonCodec.writeFramed(keyId, JSON.readTree(TICKET_KEY.replace("T-1", "T-2")));

        rawTickets.pipeInput(rawKey, JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-1")));
        rawTickets.pipeInput(otherKey, JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-2")));

        List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> masked = maskedTickets.readRecordsToList();
        assertThat(masked).hasSize(2);
        byte[] maskedKey = masked.get(0).key();
        assertThat(registry.subjectsOf(WireFormat.schemaId(maskedKey))).containsExactlyInAnyOrder("raw.tickets-key", "masked.tickets-key");
        assertThat(new String(maskedKey, 5, maskedKey.length - 5, StandardCharsets.UTF_8)).isEqualTo("{\"ticketId\":\"T-1\",\"reporter\":{\"email\":\"tok_k1:ifOyeeitDG1l-yweMvR14B\"}}");
        List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> copied = copies.readRecordsToList();
        assertThat(copied).hasSize(1);
        assertThat(copied.get(0).key()).isEqualTo(rawKey);
        byte[] copy = copied.get(0).value();
        assertThat(JSON.readTree(java.util.Arrays.copyOfRange(copy, 5, copy.length)).at("/ticketId").asText()).isEqualTo("T-1");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void protobufKeyIsMaskedByTheDatasetsClassificationAndMatchesAKeysGrantByItsJson() throws Exception {
        int keyId = registry.registerTyped("raw.orders-key", ORDER_KEY_SCHEMA);
        Descriptors.Descriptor keyType = ProtoSchemas.parse(keyId, ORDER_KEY_SCHEMA).file().findMessageTypeByName("OrderKey");
        Grant byKey = new Grant("r-k", "orders", "User:alice", List.of("buyer"), new GrantFilter.Keys(List.of(ORDER_KEY)),
                Topics.grant("orders", "r-k"), "alice", List.of("bob"), "INC-1 test", NOW.minusSeconds(60), NOW.plusSeconds(3600), Grant.ACTIVE);
        grantsTopic.pipeInput(byKey.key(), GrantJson.toBytes(byKey));
        TestOutputTopic<byte[], byte[]> copies = app.output(byKey.topic());
        byte[] rawKey = ProtobufCodec.encode(keyId, List.of(0), orderKey(keyType, "O-1", "ada@example.org"));

        rawOrders.pipeInput(rawKey, ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-1")));
        rawOrders.pipeInput(ProtobufCodec.encode(keyId, List.of(0), orderKey(keyType, "O-2", "ada@example.org")),
                ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-2")));

        List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> masked = maskedOrders.readRecordsToList();
        assertThat(masked).hasSize(2);
        byte[] maskedKey = masked.get(0).key();
        assertThat(registry.subjectsOf(WireFormat.schemaId(maskedKey))).containsExactlyInAnyOrder("raw.orders-key", "masked.orders-key");
        ProtobufCodec.Decoded decoded = ProtobufCodec.decode(maskedKey, WireFormat.schemaId(maskedKey), keyType.getFile());
        assertThat(com.google.protobuf.TextFormat.printer().emittingSingleLine(true).printToString(decoded.message()))
                .isEqualTo("order_id: \"O-1\" buyer { email: \"tok_k1:ifOyeeitDG1l-yweMvR14B\" }");
        List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> copied = copies.readRecordsToList();
        assertThat(copied).hasSize(1);
        assertThat(copied.get(0).key()).isEqualTo(rawKey);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void hostileOrForeignFramedKeysAreDeadLetteredInEveryFormat() throws Exception {
        int ticketKeyId = registry.registerTyped("raw.tickets-key", TICKET_KEY_SCHEMA);
        int orderKeyId = registry.registerTyped("raw.orders-key", ORDER_KEY_SCHEMA);
        byte[] ticket = JsonCodec.writeFramed(ticketsId, FormatSamples.ticket("T-1"));
        byte[] orderValue = ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-1"));
        // A value schema used as a key, a truncated JSON key, a Protobuf key whose message bytes are cut mid-string.
        rawTickets.pipeInput(JsonCodec.writeFramed(ticketsId, JSON.readTree(TICKET_KEY)), ticket);
        byte[] truncated = JsonCodec.writeFramed(ticketKeyId, JSON.readTree(TICKET_KEY));
        rawTickets.pipeInput(java.util.Arrays.copyOf(truncated, truncated.length - 3), ticket);
        Descriptors.Descriptor keyType = ProtoSchemas.parse(orderKeyId, ORDER_KEY_SCHEMA).file().findMessageTypeByName("OrderKey");
        byte[] protoKey = ProtobufCodec.encode(orderKeyId, List.of(0), orderKey(keyType, "O-1", "ada@example.org"));
        rawOrders.pipeInput(java.util.Arrays.copyOf(protoKey, protoKey.length - 4), orderValue);
        rawOrders.pipeInput(ProtobufCodec.encode(ordersId, List.of(0), FormatSamples.order(order, "O-3")), orderValue);

        List<JsonNode> dead = deadLetters();
        assertThat(dead).extracting(d -> d.get("errorClass").asText(), d -> d.get("message").asText()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("io.jitmask.classify.SchemaNotForDatasetException",
                        "tickets: record key schema id " + ticketsId + " is not registered under subject raw.tickets-key"),
                org.assertj.core.groups.Tuple.tuple("io.jitmask.serde.MalformedRecordException",
                        "record key: malformed JSON value for schema id " + ticketKeyId + " (JsonEOFException)"),
                org.assertj.core.groups.Tuple.tuple("io.jitmask.serde.MalformedRecordException",
                        "record key: truncated or corrupt Protobuf message for schema id " + orderKeyId + " (InvalidProtocolBufferException)"),
                org.assertj.core.groups.Tuple.tuple("io.jitmask.classify.SchemaNotForDatasetException",
                        "orders: record key schema id " + ordersId + " is not registered under subject raw.orders-key"));
        assertThat(dead.toString()).doesNotContain("ada@example.org");
        assertThat(maskedTickets.isEmpty()).isTrue();
        assertThat(maskedOrders.isEmpty()).isTrue();
    }

    static Grant grant(String requestId, String dataset, List<String> fields) {
        return new Grant(requestId, dataset, "User:alice", fields, new GrantFilter.All(), Topics.grant(dataset, requestId),
                "alice", List.of("bob"), "INC-1 test", NOW.minusSeconds(60), NOW.plusSeconds(3600), Grant.ACTIVE);
    }
}
