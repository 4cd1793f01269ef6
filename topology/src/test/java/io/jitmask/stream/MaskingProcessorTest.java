package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantJson;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.testing.MaskingDriver;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MaskingProcessorTest {
    static final String KEYSET = io.jitmask.testing.TestKeys.JSON;
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    static final Policy POLICY = PolicyLoader.load(Path.of("../deploy/policy.yaml"));

    MaskingDriver app;
    InMemorySchemaRegistryClient registry;
    AvroCodec codec;
    GrantIndex grants;
    TopologyTestDriver driver;
    @org.junit.jupiter.api.io.TempDir
    Path stateDir;
    TestInputTopic<byte[], byte[]> rawCustomers;
    TestInputTopic<byte[], byte[]> rawPatients;
    TestInputTopic<String, byte[]> grantsTopic;
    TestOutputTopic<byte[], byte[]> maskedCustomers;
    TestOutputTopic<byte[], byte[]> maskedPatients;
    TestOutputTopic<byte[], byte[]> dlq;
    Schema customers;
    int customersId;

    @BeforeEach
    void setUp() {
        // Its own state directory (the ledger store): other builds on this machine run the same test at once.
        app = new MaskingDriver(POLICY, List.of("customers", "patients"), "masking-test", NOW, stateDir, null);
        registry = app.registry();
        codec = new AvroCodec(registry);
        customers = SampleSchemas.of("customers");
        customersId = registry.register("raw.customers-value", customers);
        grants = app.grants();
        driver = app.driver();
        rawCustomers = app.input("raw.customers");
        rawPatients = app.input("raw.patients");
        grantsTopic = app.grantsInput();
        maskedCustomers = app.output("masked.customers");
        maskedPatients = app.output("masked.patients");
        dlq = app.output(Topics.DLQ);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    static GenericRecord customer(String id) {
        return io.jitmask.testing.TestCustomers.customer(id);
    }

    byte[] encode(GenericRecord record) {
        return codec.encode(customersId, customers, record);
    }

    GenericRecord decode(byte[] bytes) {
        return (GenericRecord) codec.decode(bytes).datum();
    }

    @Test
    void masksEveryTaggedFieldAndKeepsTheRest() {
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));

        TestRecord<byte[], byte[]> out = maskedCustomers.readRecord();
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("C1");
        GenericRecord masked = decode(out.value());
        assertThat(masked.get("customerId")).hasToString("C1");
        assertThat(masked.get("nationalId")).hasToString("REDACTED");
        assertThat(masked.get("phone")).hasToString("*************67");
        assertThat(masked.get("dateOfBirth")).isEqualTo(0);
        assertThat(masked.get("bio")).hasToString("REDACTED");
        assertThat(masked.get("name").toString()).startsWith("k1:").doesNotContain("Ada");
        assertThat(masked.get("email").toString()).startsWith("tok_k1:");
        GenericRecord address = (GenericRecord) masked.get("address");
        assertThat(address.get("city")).hasToString("Springfield");
        assertThat(address.get("country")).hasToString("US");
        assertThat(address.get("street").toString()).startsWith("k1:");
        assertThat(masked.get("segment")).hasToString("PREMIUM");
        assertThat(masked.get("createdAt")).isEqualTo(1_700_000_000_000L);
        assertThat(masked.get("loyaltyPoints")).isEqualTo(420);
        assertThat(masked.get("marketingOptIn")).isEqualTo(true);
        assertThat(masked.get("riskScore")).isEqualTo(0.25);
        assertThat(masked.get("accountManager")).hasToString("Bob Manager");
        assertThat(maskedCustomers.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void tokensAreDeterministic() {
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));
        rawCustomers.pipeInput("C2".getBytes(StandardCharsets.UTF_8), encode(customer("C2")));
        GenericRecord first = decode(maskedCustomers.readValue());
        GenericRecord second = decode(maskedCustomers.readValue());
        assertThat(first.get("email")).isEqualTo(second.get("email"));
        assertThat(first.get("name")).isEqualTo(second.get("name"));
    }

    @Test
    void passesOnlyAllowListedHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        headers.add("x-user-email", "ada.canary@example.com".getBytes(StandardCharsets.UTF_8));
        rawCustomers.pipeInput(new TestRecord<>("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")), headers, NOW));

        TestRecord<byte[], byte[]> out = maskedCustomers.readRecord();
        assertThat(Arrays.stream(out.headers().toArray()).map(h -> h.key())).containsExactly("traceparent");
        assertThat(out.headers().lastHeader("traceparent").value()).asString(StandardCharsets.UTF_8).isEqualTo("00-abc-def-01");
    }

    @Test
    void masksSensitiveStringKeys() {
        Schema patients = SampleSchemas.of("patients");
        int id = registry.register("raw.patients-value", patients);
        GenericRecord p = new GenericData.Record(patients);
        p.put("patientId", "PT1234567");
        p.put("recordNumber", "MRN-00000001");
        p.put("name", "Ada Canary");
        p.put("dateOfBirth", 1000);
        p.put("diagnosisCodes", List.of("J45.0"));
        p.put("note", "stable");
        p.put("ward", "W3");
        p.put("admittedAt", 1L);
        rawPatients.pipeInput("PT1234567".getBytes(StandardCharsets.UTF_8), codec.encode(id, patients, p));

        TestRecord<byte[], byte[]> out = maskedPatients.readRecord();
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).startsWith("pt_").doesNotContain("1234567");
        GenericRecord masked = decode(out.value());
        assertThat(masked.get("ward")).hasToString("W3");
        assertThat(masked.get("recordNumber").toString()).startsWith("mrn_");
    }

    @Test
    void tombstonesPassWithMaskedKey() {
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), (byte[]) null);
        TestRecord<byte[], byte[]> out = maskedCustomers.readRecord();
        assertThat(out.value()).isNull();
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("C1");
    }

    JsonNode onlyDeadLetter() throws Exception {
        assertThat(maskedCustomers.isEmpty()).as("nothing forwarded to masked.customers").isTrue();
        TestRecord<byte[], byte[]> letter = dlq.readRecord();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("raw.customers/0/0");
        JsonNode json = JSON.readTree(letter.value());
        assertThat(json.get("topic").asText()).isEqualTo("raw.customers");
        assertThat(json.get("partition").asInt()).isZero();
        assertThat(json.get("offset").asLong()).isZero();
        assertThat(json.get("dataset").asText()).isEqualTo("customers");
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).doesNotContain("Canary").doesNotContain("123-45");
        assertThat(letter.headers().toArray()).isEmpty();
        return json;
    }

    @Test
    void anAvroKeyMustBeRegisteredUnderTheDatasetsKeySubject() throws Exception {
        Schema keySchema = Schema.create(Schema.Type.STRING);
        int keyId = registry.register("raw.customers-key", keySchema);
        // Written with the value schema: not a key of this dataset, whatever it decodes to.
        rawCustomers.pipeInput(encode(customer("C9")), encode(customer("C1")));
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("errorClass").asText()).isEqualTo("io.jitmask.classify.SchemaNotForDatasetException");
        assertThat(json.get("message").asText()).isEqualTo("customers: record key schema id " + customersId
                + " is not registered under subject raw.customers-key");

        rawCustomers.pipeInput(codec.encode(keyId, keySchema, "C1"), encode(customer("C1")));
        TestRecord<byte[], byte[]> out = maskedCustomers.readRecord();
        // customers' keys are not sensitive: the key keeps its value, framed with the masked key subject's id.
        assertThat(registry.subjectsOf(io.jitmask.serde.WireFormat.schemaId(out.key())))
                .containsExactlyInAnyOrder("raw.customers-key", "masked.customers-key");
        assertThat(codec.decode(out.key()).datum()).hasToString("C1");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void wrongMagicByteGoesToTheDlq() throws Exception {
        byte[] payload = encode(customer("C1"));
        payload[0] = 7;
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), payload);
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("errorClass").asText()).isEqualTo("io.jitmask.serde.MalformedRecordException");
        assertThat(json.get("message").asText()).isEqualTo("unknown magic byte 7: expected 0 (Confluent wire format)");
    }

    @Test
    void unknownSchemaIdGoesToTheDlq() throws Exception {
        byte[] payload = encode(customer("C1"));
        ByteBuffer.wrap(payload).put(1, (byte) 0).putInt(1, 4242);
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), payload);
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("errorClass").asText()).isEqualTo("io.jitmask.registry.SchemaNotFoundException");
        assertThat(json.get("message").asText()).contains("4242");
    }

    @Test
    void truncatedAvroGoesToTheDlq() throws Exception {
        byte[] payload = encode(customer("C1"));
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(payload, 20));
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("errorClass").asText()).isEqualTo("io.jitmask.serde.MalformedRecordException");
        assertThat(json.get("message").asText()).startsWith("truncated or corrupt Avro datum for schema id " + customersId);
    }

    @Test
    void emptyPayloadGoesToTheDlq() throws Exception {
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), new byte[0]);
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("message").asText()).isEqualTo("empty payload: expected Confluent wire format");
    }

    @Test
    void tagThePolicyDoesNotCoverGoesToTheDlq() throws Exception {
        Schema evolved = new Schema.Parser().parse(customers.toString().replace(
                "{\"name\":\"accountManager\",\"type\":\"string\"}",
                "{\"name\":\"accountManager\",\"type\":\"string\",\"confluent:tags\":[\"BIOMETRIC\"]}"));
        assertThat(evolved.toString()).contains("BIOMETRIC");
        int id = registry.register("raw.customers-value", evolved);
        GenericRecord record = customer("C1");
        GenericRecord evolvedRecord = new GenericData.Record(evolved);
        for (Schema.Field field : customers.getFields()) {
            evolvedRecord.put(field.name(), record.get(field.name()));
        }
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), codec.encode(id, evolved, evolvedRecord));
        JsonNode json = onlyDeadLetter();
        assertThat(json.get("errorClass").asText()).isEqualTo("io.jitmask.mask.UncoveredFieldException");
        assertThat(json.get("message").asText()).contains("accountManager");
    }

    static Grant grant(String requestId, List<String> fields, GrantFilter filter, Instant expiresAt) {
        return new Grant(requestId, "customers", "User:alice", fields, filter, Topics.grant("customers", requestId),
                "alice", List.of("bob"), "INC-1 test", NOW.minusSeconds(60), expiresAt, Grant.ACTIVE);
    }

    static Grant withLookback(Grant grant, long seconds) {
        return new Grant(grant.requestId(), grant.dataset(), grant.grantee(), grant.fields(), grant.filter(), grant.topic(),
                grant.requester(), grant.approvers(), grant.justification(), grant.activatedAt(), grant.expiresAt(),
                grant.status(), seconds);
    }

    static long sourceOffset(TestRecord<byte[], byte[]> copy) {
        return ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER).value()).getLong();
    }

    @Test
    void copiesMatchingRecordsWithOnlyTheGrantedFieldsClear() {
        Grant grant = grant("r1", List.of("email", "address.street"), new GrantFilter.Keys(List.of("C1")), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = app.output(grant.topic());

        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));
        rawCustomers.pipeInput("C2".getBytes(StandardCharsets.UTF_8), encode(customer("C2")));

        TestRecord<byte[], byte[]> copy = copies.readRecord();
        assertThat(copies.isEmpty()).as("only the record whose key the grant names").isTrue();
        assertThat(new String(copy.key(), StandardCharsets.UTF_8)).isEqualTo("C1");
        GenericRecord clear = decode(copy.value());
        assertThat(clear.get("email")).hasToString("ada.canary@example.com");
        assertThat(((GenericRecord) clear.get("address")).get("street")).hasToString("12 Canary Street");
        assertThat(clear.get("nationalId")).hasToString("REDACTED");
        assertThat(clear.get("name").toString()).startsWith("k1:");
        assertThat(ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER).value()).getLong()).isZero();
        assertThat(ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_PARTITION_HEADER).value()).getInt()).isZero();
        assertThat(maskedCustomers.readRecordsToList()).hasSize(2);
    }

    @Test
    void noCopyAfterExpiryEvenBeforeTheTombstone() {
        Grant grant = grant("r2", List.of("email"), new GrantFilter.All(), NOW.plusSeconds(30));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = app.output(grant.topic());

        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));
        assertThat(copies.readRecordsToList()).hasSize(1);

        driver.advanceWallClockTime(Duration.ofMillis(28_900));
        rawCustomers.pipeInput("C2".getBytes(StandardCharsets.UTF_8), encode(customer("C2")));
        assertThat(copies.readRecordsToList()).as("still more than the 1 s cutoff before expiresAt").hasSize(1);
        driver.advanceWallClockTime(Duration.ofMillis(200));
        rawCustomers.pipeInput("C3".getBytes(StandardCharsets.UTF_8), encode(customer("C3")));
        assertThat(copies.isEmpty()).as("within the cutoff: no copy, so none can land after expiresAt").isTrue();
        assertThat(maskedCustomers.readRecordsToList()).hasSize(3);
    }

    List<io.jitmask.grants.GrantResult> ledgerResults() {
        return driver.createOutputTopic(Topics.GRANT_RESULTS, new org.apache.kafka.common.serialization.StringDeserializer(),
                new ByteArrayDeserializer()).readValuesToList().stream().map(io.jitmask.grants.GrantResult::fromBytes).toList();
    }

    @Test
    void theLedgerCountsEveryCopyAndClosesOnceWhenTheGrantEnds() {
        Grant grant = grant("r4", List.of("email"), new GrantFilter.All(), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = app.output(grant.topic());
        for (int i = 0; i < 3; i++) {
            rawCustomers.pipeInput(("C" + i).getBytes(StandardCharsets.UTF_8), encode(customer("C" + i)), NOW.minusSeconds(30 - i));
        }
        assertThat(copies.readRecordsToList()).hasSize(3);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ledgerResults()).as("nothing is reported while the grant lives").isEmpty();

        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant.ending()));
        rawCustomers.pipeInput("C9".getBytes(StandardCharsets.UTF_8), encode(customer("C9")), NOW);
        assertThat(copies.isEmpty()).as("an ENDING grant gets no copy").isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Instant closedAt = NOW.plusSeconds(2);
        assertThat(ledgerResults()).containsExactly(io.jitmask.grants.GrantResult.ledgerClosed("r4", closedAt, 0,
                new io.jitmask.grants.LedgerEntry(3, 0L, 2L, NOW.minusSeconds(30), NOW.minusSeconds(28), true, closedAt)));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ledgerResults()).as("closed once").isEmpty();

        // An instance whose global store lags may still see the grant ACTIVE: the closed ledger stops the copy.
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        rawCustomers.pipeInput("C10".getBytes(StandardCharsets.UTF_8), encode(customer("C10")), NOW);
        assertThat(copies.isEmpty()).isTrue();
        assertThat(maskedCustomers.readRecordsToList()).hasSize(5);
        var ledger = driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_LEDGER_STORE);
        assertThat(new String(ledger.get("r4/0"), StandardCharsets.UTF_8)).doesNotContain("canary");
    }

    @Test
    void tombstoneOnGrantsEndsCopies() {
        Grant grant = grant("r3", List.of("email"), new GrantFilter.All(), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        assertThat(grants.contains(grant.key())).isTrue();
        grantsTopic.pipeInput(grant.key(), (byte[]) null);
        assertThat(grants.contains(grant.key())).isFalse();
        TestOutputTopic<byte[], byte[]> copies = app.output(grant.topic());
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));
        assertThat(copies.isEmpty()).isTrue();
    }

    @Test
    void wireFormatHeaderIsKeptWithTheRawSchemaId() {
        rawCustomers.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1")));
        byte[] value = maskedCustomers.readValue();
        assertThat(WireFormat.schemaId(value)).isEqualTo(registry.idOf("masked.customers-value", customers));
        assertThat(registry.idOf("masked.customers-value", customers)).isEqualTo(customersId);
    }

    @Test
    void anUnreachableRegistryIsRetriedNotDeadLettered() {
        app.close();
        io.jitmask.registry.SchemaRegistryClient down = new io.jitmask.registry.SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }

            @Override
            public Schema schemaById(int id) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }

            @Override
            public int idOf(String subject, Schema schema) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }

            @Override
            public io.jitmask.registry.RegisteredSchema latest(String subject) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }

            @Override
            public io.jitmask.registry.RegisteredSchema version(String subject, int version) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }

            @Override
            public List<String> subjects() {
                return List.of();
            }

            @Override
            public List<Integer> versions(String subject) {
                return List.of();
            }

            @Override
            public List<io.jitmask.registry.RegisteredSchema> history(String subject) {
                throw new io.jitmask.registry.RegistryUnavailableException("registry down", null);
            }
        };
        app = new MaskingDriver(POLICY, List.of("customers"), "masking-test-down", NOW, stateDir.resolve("down"), down);
        TestInputTopic<byte[], byte[]> in = app.input("raw.customers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> in.pipeInput("C1".getBytes(StandardCharsets.UTF_8), encode(customer("C1"))))
                .as("the stream thread fails (and is replaced, reprocessing from the last commit) instead of dropping the record")
                .hasRootCauseInstanceOf(io.jitmask.registry.RegistryUnavailableException.class);
        assertThat(app.output(Topics.DLQ).isEmpty()).isTrue();
        assertThat(app.output("masked.customers").isEmpty()).isTrue();
    }
}
