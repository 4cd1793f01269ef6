package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.audit.AuditEvent;
import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.ClassificationDiff;
import io.jitmask.config.Topics;
import io.jitmask.grants.GrantIndex;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.registry.StoredSchema;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The classification history of JSON Schema and Protobuf datasets, as Avro's (ClassificationProcessorTest): a
 * version that drops the tags still masks every field any version tagged, with the same technique, at every depth;
 * the learnt paths go to jit.classification, the new version is announced once by SCHEMA_CHANGED, and a restart
 * remembers through the classification topic. Exact outputs, exact audit.
 */
class TypedClassificationProcessorTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              EMAIL: {technique: {type: hmac, prefix: "tok_"}}
              PII: {technique: {type: redact}}
            datasets:
              tickets: {}
              orders: {}
            """);

    static final String TICKET_V1 = """
            {"type":"object","properties":{
              "id":{"type":"string"},
              "email":{"type":"string","confluent:tags":["PII","EMAIL"]},
              "reporter":{"type":"object","properties":{
                 "name":{"type":"string","confluent:tags":["PII"]},"team":{"type":"string"}}},
              "notes":{"type":"array","items":{"type":"object","properties":{
                 "text":{"type":"string","confluent:tags":["PII"]}}}}}}""";
    static final String TICKET_V2 = TICKET_V1.replaceAll(",\"confluent:tags\":\\[[^]]*]", "");

    static final String ORDER_V1 = """
            syntax = "proto3";
            package shop;
            import "confluent/meta.proto";
            message Order {
              string id = 1;
              string email = 2 [(confluent.field_meta) = {tags: ["PII", "EMAIL"]}];
              Buyer buyer = 3;
              repeated Line lines = 4;
            }
            message Buyer {
              string name = 1 [(confluent.field_meta) = {tags: ["PII"]}];
              string team = 2;
            }
            message Line {
              string text = 1 [(confluent.field_meta) = {tags: ["PII"]}];
            }
            """;
    static final String ORDER_V2 = ORDER_V1.replaceAll(" \\[\\(confluent.field_meta\\) = \\{tags: \\[[^]]*]}]", "");

    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    List<TopologyTestDriver> drivers = new ArrayList<>();
    TopologyTestDriver driver;
    ClassificationBook book;

    @BeforeEach
    void setUp() {
        start();
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /** A fresh application instance (new engine, new classification book), as after a restart. */
    void start() {
        book = new ClassificationBook();
        PolicyMaskEngine engine = new PolicyMaskEngine(POLICY, Keyset.fromJson(io.jitmask.testing.TestKeys.JSON), book);
        Topology topology = JitmaskTopology.masking(new Topology(), new JitmaskTopology.MaskingDeps(List.of("tickets", "orders"),
                engine, registry, new GrantIndex(), List.of(), Duration.ofSeconds(1)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "typed-classification-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props, NOW);
        drivers.add(driver);
    }

    static StoredSchema json(String text) {
        return new StoredSchema(io.jitmask.schema.SchemaType.JSON, text, List.of(), Map.of());
    }

    static StoredSchema proto(String text) {
        return new StoredSchema(io.jitmask.schema.SchemaType.PROTOBUF, text, List.of(), Map.of());
    }

    static JsonNode ticket(String secret) throws Exception {
        return JSON.readTree("{\"id\":\"T1\",\"email\":\"" + secret + "@example.com\",\"reporter\":{\"name\":\"" + secret
                + " name\",\"team\":\"ops\"},\"notes\":[{\"text\":\"" + secret + " note\"}]}");
    }

    static DynamicMessage order(int id, String secret) {
        Descriptors.FileDescriptor file = ProtoSchemas.parse(id, proto(ORDER_V2)).file();
        Descriptors.Descriptor order = file.findMessageTypeByName("Order");
        Descriptors.Descriptor buyer = file.findMessageTypeByName("Buyer");
        Descriptors.Descriptor line = file.findMessageTypeByName("Line");
        return DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("id"), "O1")
                .setField(order.findFieldByName("email"), secret + "@example.com")
                .setField(order.findFieldByName("buyer"), DynamicMessage.newBuilder(buyer)
                        .setField(buyer.findFieldByName("name"), secret + " name")
                        .setField(buyer.findFieldByName("team"), "ops").build())
                .addRepeatedField(order.findFieldByName("lines"), DynamicMessage.newBuilder(line)
                        .setField(line.findFieldByName("text"), secret + " note").build())
                .build();
    }

    void produce(String dataset, byte[] value) {
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.raw(dataset), new ByteArraySerializer(), new ByteArraySerializer());
        raw.pipeInput("K1".getBytes(StandardCharsets.UTF_8), value);
    }

    List<byte[]> masked(String dataset) {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.masked(dataset), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readValuesToList();
    }

    List<byte[]> dlq() {
        return driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readValuesToList();
    }

    List<AuditEvent> audit() {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.AUDIT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
    }

    List<KeyValue<String, String>> classificationRecords() {
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.CLASSIFICATION, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return out.readKeyValuesToList().stream().map(kv -> KeyValue.pair(new String(kv.key, StandardCharsets.UTF_8),
                new String(kv.value, StandardCharsets.UTF_8))).toList();
    }

    static JsonNode maskedTicket(byte[] bytes) {
        return JsonCodec.readFramed(bytes, io.jitmask.serde.WireFormat.schemaId(bytes));
    }

    DynamicMessage maskedOrder(byte[] bytes, int writerId) {
        Descriptors.Descriptor type = ProtoSchemas.parse(writerId, proto(ORDER_V2)).file().findMessageTypeByName("Order");
        return (DynamicMessage) ProtobufCodec.decode(bytes, io.jitmask.serde.WireFormat.schemaId(bytes), type.getFile()).message();
    }

    static Object field(com.google.protobuf.Message m, String name) {
        return m.getField(m.getDescriptorForType().findFieldByName(name));
    }

    /** The announcement of v2 after v1 tagged email, reporter/buyer name and the notes' texts; v2 tags nothing. */
    static void assertV2Announced(AuditEvent changed, String subject, int v2, String name, String text) {
        assertThat(changed.type()).isEqualTo(AuditEvent.Type.SCHEMA_CHANGED);
        assertThat(changed.requestId()).isEqualTo("schema/" + subject + "/2");
        assertThat(changed.schema().subject()).isEqualTo(subject);
        assertThat(changed.schema().version()).isEqualTo(2);
        assertThat(changed.schema().id()).isEqualTo(v2);
        ClassificationDiff diff = changed.schema().changes();
        assertThat(diff.fieldsAdded()).isEmpty();
        assertThat(diff.fieldsRemoved()).isEmpty();
        assertThat(diff.tagsAdded()).isEmpty();
        assertThat(diff.tagsRemoved()).isEqualTo(Map.of("email", List.of("PII", "EMAIL"), name, List.of("PII"), text, List.of("PII")));
        assertThat(diff.keptSensitive()).containsExactly("email", name, text);
    }

    @Test
    void jsonSchemaTagsRemovedInANewVersionKeepEveryFieldMasked() throws Exception {
        registry.registerTyped("raw.tickets-value", json(TICKET_V1));
        int v2 = registry.registerTyped("raw.tickets-value", json(TICKET_V2));

        produce("tickets", JsonCodec.writeFramed(v2, ticket("CANARY")));

        List<byte[]> out = masked("tickets");
        assertThat(dlq()).isEmpty();
        assertThat(out).hasSize(1);
        JsonNode masked = maskedTicket(out.get(0));
        assertThat(masked.get("id").asText()).isEqualTo("T1");
        assertThat(masked.get("email").asText()).startsWith("tok_k1:").doesNotContain("CANARY");
        assertThat(masked.at("/reporter/name").asText()).isEqualTo("REDACTED");
        assertThat(masked.at("/reporter/team").asText()).isEqualTo("ops");
        assertThat(masked.at("/notes/0/text").asText()).isEqualTo("REDACTED");
        assertThat(new String(out.get(0), StandardCharsets.UTF_8)).doesNotContain("CANARY");

        List<AuditEvent> events = audit();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).dataset()).isEqualTo("tickets");
        assertV2Announced(events.get(0), "raw.tickets-value", v2, "reporter.name", "notes.text");
        assertThat(classificationRecords()).extracting(kv -> kv.key).containsExactly(
                "field/tickets/email/tag/PII", "field/tickets/email/tag/EMAIL", "field/tickets/reporter.name/tag/PII",
                "field/tickets/notes.text/tag/PII", "version/raw.tickets-value/2");
    }

    @Test
    void protobufTagsRemovedInANewVersionKeepEveryFieldMasked() {
        registry.registerTyped("raw.orders-value", proto(ORDER_V1));
        int v2 = registry.registerTyped("raw.orders-value", proto(ORDER_V2));

        produce("orders", ProtobufCodec.encode(v2, List.of(0), order(v2, "CANARY")));

        List<byte[]> out = masked("orders");
        assertThat(dlq()).isEmpty();
        assertThat(out).hasSize(1);
        DynamicMessage masked = maskedOrder(out.get(0), v2);
        assertThat(field(masked, "id")).isEqualTo("O1");
        assertThat(field(masked, "email").toString()).startsWith("tok_k1:").doesNotContain("CANARY");
        com.google.protobuf.Message buyer = (com.google.protobuf.Message) field(masked, "buyer");
        assertThat(field(buyer, "name")).isEqualTo("REDACTED");
        assertThat(field(buyer, "team")).isEqualTo("ops");
        com.google.protobuf.Message line = (com.google.protobuf.Message) ((List<?>) field(masked, "lines")).get(0);
        assertThat(field(line, "text")).isEqualTo("REDACTED");
        assertThat(new String(out.get(0), StandardCharsets.ISO_8859_1)).doesNotContain("CANARY");

        List<AuditEvent> events = audit();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).dataset()).isEqualTo("orders");
        assertV2Announced(events.get(0), "raw.orders-value", v2, "buyer.name", "lines.text");
        assertThat(classificationRecords()).extracting(kv -> kv.key).containsExactly(
                "field/orders/email/tag/PII", "field/orders/email/tag/EMAIL", "field/orders/buyer.name/tag/PII",
                "field/orders/lines.text/tag/PII", "version/raw.orders-value/2");
    }

    @Test
    void jsonSchemaRestartRemembersAPermanentlyDeletedVersionThroughTheClassificationTopic() throws Exception {
        int v1 = registry.registerTyped("raw.tickets-value", json(TICKET_V1));
        produce("tickets", JsonCodec.writeFramed(v1, ticket("FIRST")));
        List<KeyValue<String, String>> written = classificationRecords();
        assertThat(written).extracting(kv -> kv.key).containsExactly(
                "field/tickets/email/tag/PII", "field/tickets/email/tag/EMAIL", "field/tickets/reporter.name/tag/PII",
                "field/tickets/notes.text/tag/PII", "version/raw.tickets-value/1");

        start();
        registry.deletePermanently("raw.tickets-value", 1);
        int v2 = registry.registerTyped("raw.tickets-value", json(TICKET_V2));
        TestInputTopic<String, String> topic = driver.createInputTopic(Topics.CLASSIFICATION, new StringSerializer(), new StringSerializer());
        written.forEach(kv -> topic.pipeInput(kv.key, kv.value));
        assertThat(book.fields("tickets")).containsOnlyKeys("email", "reporter.name", "notes.text");

        produce("tickets", JsonCodec.writeFramed(v2, ticket("SECOND")));

        JsonNode masked = maskedTicket(masked("tickets").get(0));
        assertThat(masked.get("email").asText()).startsWith("tok_k1:");
        assertThat(masked.at("/reporter/name").asText()).isEqualTo("REDACTED");
        assertThat(masked.at("/notes/0/text").asText()).isEqualTo("REDACTED");
        assertThat(classificationRecords()).extracting(kv -> kv.key).containsExactly("version/raw.tickets-value/2");
        List<AuditEvent> events = audit();
        assertThat(events).extracting(AuditEvent::requestId).containsExactly("schema/raw.tickets-value/2");
        assertThat(events.get(0).schema().changes().keptSensitive()).containsExactly("email", "reporter.name", "notes.text");
    }

    @Test
    void protobufVersionAnnouncedBeforeARestartIsNotAnnouncedAgainAndStillMasks() {
        registry.registerTyped("raw.orders-value", proto(ORDER_V1));
        int v2 = registry.registerTyped("raw.orders-value", proto(ORDER_V2));
        produce("orders", ProtobufCodec.encode(v2, List.of(0), order(v2, "FIRST")));
        List<KeyValue<String, String>> written = classificationRecords();
        assertThat(audit()).hasSize(1);

        start();
        TestInputTopic<String, String> topic = driver.createInputTopic(Topics.CLASSIFICATION, new StringSerializer(), new StringSerializer());
        written.forEach(kv -> topic.pipeInput(kv.key, kv.value));
        produce("orders", ProtobufCodec.encode(v2, List.of(0), order(v2, "AGAIN")));

        DynamicMessage masked = maskedOrder(masked("orders").get(0), v2);
        assertThat(field(masked, "email").toString()).startsWith("tok_k1:");
        assertThat(field((com.google.protobuf.Message) field(masked, "buyer"), "name")).isEqualTo("REDACTED");
        assertThat(audit()).isEmpty();
        assertThat(classificationRecords()).isEmpty();
    }
}
