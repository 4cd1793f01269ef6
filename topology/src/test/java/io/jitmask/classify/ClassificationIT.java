package io.jitmask.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.app.JitmaskApp;
import io.jitmask.audit.AuditEvent;
import io.jitmask.cli.JitmaskCli;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.RegisteredSchema;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.scan.LeakScanner;
import io.jitmask.serde.AvroCodec;
import io.jitmask.testing.LogCapture;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack on the real broker and the embedded registry: a producer registers the dataset's schema
 * without its tags, soft-deletes and then permanently deletes the tagged version, jitmask restarts between the
 * versions, and a record arrives framed with another subject's schema id. Every sensitive field stays masked, the
 * foreign record is dead-lettered, each version is announced once, and no canary is anywhere but {@code raw.*}.
 */
class ClassificationIT {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A broker of its own: the leak scans read every topic it holds. Datasets without a registered schema. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("cls").dataset("cls", null).dataset("shop", null)
            .dataset("vault", null).ownBroker().withoutApp().build();

    final Path dir = STACK.dir();
    final String suffix = UUID.randomUUID().toString().substring(0, 6);
    String dataset = STACK.dataset("cls");
    final String subject = Topics.raw(dataset) + "-value";

    JitmaskApp start(String state) {
        return STACK.startApp(Map.of(JitmaskConfig.DATASETS, dataset, JitmaskConfig.STATE_DIR, dir.resolve(state).toString(),
                JitmaskConfig.HTTP_ENABLED, "false"));
    }

    /** The record in another version of its schema: fields by name or alias, a field the source lacks gets its default. */
    static GenericRecord as(Schema schema, GenericRecord from) {
        GenericRecord out = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Schema.Field source = from.getSchema().getField(field.name());
            for (String alias : field.aliases()) {
                source = source != null ? source : from.getSchema().getField(alias);
            }
            out.put(field.pos(), source == null ? GenericData.get().getDefaultValue(field)
                    : GenericData.get().deepCopy(field.schema(), from.get(source.pos())));
        }
        return out;
    }

    @Test
    void sensitiveFieldsStayMaskedWhateverSchemaTheProducerRegisters() throws Exception {
        Schema tagged = SampleSchemas.of("customers");
        Schema untagged = new Schema.Parser().parse(tagged.toString().replaceAll(",\"confluent:tags\":\\[[^]]*]", ""));
        List<String> canaries = List.of("CLSONE" + suffix, "CLSTWO" + suffix, "CLSTHREE" + suffix, "CLSFOREIGN" + suffix);
        String bootstrap = STACK.bootstrapServers();
        String registryUrl = STACK.registryServer().url();
        HttpSchemaRegistryClient registry = STACK.registry();
        try (LogCapture logs = new LogCapture();
             KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            AvroCodec codec = new AvroCodec(registry);
            int v1 = registry.register(subject, tagged);

            // Version 1, tagged, while jitmask runs.
            try (JitmaskApp app = start("state-a")) {
                send(producer, codec, "C1", v1, tagged, TestCustomers.withSecret("C1", canaries.get(0)));
                TopicReader.readAtLeast(bootstrap, Topics.masked(dataset), 1, Duration.ofSeconds(60));

                // Version 2 without any tag; version 1 soft-deleted (still in the subject's history).
                int v2 = registry.register(subject, untagged);
                delete(registryUrl, "/subjects/" + subject + "/versions/1");
                send(producer, codec, "C2", v2, untagged, as(untagged, TestCustomers.withSecret("C2", canaries.get(1))));
                TopicReader.readAtLeast(bootstrap, Topics.masked(dataset), 2, Duration.ofSeconds(60));
                assertThat(app.context().sensitiveFields(dataset)).as("requestable on the untagged version too")
                        .containsKeys("email", "name", "address.street");
            }

            // Restart with version 1 permanently deleted: only jit.classification still knows what it tagged.
            delete(registryUrl, "/subjects/" + subject + "/versions/1?permanent=true");
            assertThat(registry.history(subject)).extracting(RegisteredSchema::version).containsExactly(2);
            Schema v3Schema = new Schema.Parser().parse(untagged.toString().replace("{\"name\":\"segment\"",
                    "{\"name\":\"nickname\",\"type\":\"string\",\"default\":\"\"},{\"name\":\"segment\""));
            int v3 = registry.register(subject, v3Schema);
            int foreign = registry.register(Topics.raw("other_" + suffix) + "-value", new Schema.Parser().parse(
                    untagged.toString().replace("\"name\":\"Customer\"", "\"name\":\"Other\"")));
            try (JitmaskApp app = start("state-b")) {
                GenericRecord third = as(v3Schema, TestCustomers.withSecret("C3", canaries.get(2)));
                third.put("nickname", "nick");
                send(producer, codec, "C3", v3, v3Schema, third);
                Schema other = registry.schemaById(foreign);
                send(producer, codec, "C4", foreign, other, as(other, TestCustomers.withSecret("C4", canaries.get(3))));
                TopicReader.readAtLeast(bootstrap, Topics.masked(dataset), 3, Duration.ofSeconds(60));
                TopicReader.readAtLeast(bootstrap, Topics.DLQ, 1, Duration.ofSeconds(60));
                assertThat(app.context().sensitiveFields(dataset)).containsKeys("email", "name", "address.street");
            }

            List<GenericRecord> masked = TopicReader.readAll(bootstrap, Topics.masked(dataset)).stream()
                    .map(r -> (GenericRecord) codec.decode(r.value()).datum()).toList();
            assertThat(masked).hasSize(3);
            for (GenericRecord out : masked) {
                assertThat(out.get("email").toString()).startsWith("tok_");
                assertThat(out.get("nationalId")).hasToString("REDACTED");
                assertThat(out.get("name").toString()).doesNotContain("CLS");
                assertThat(((GenericRecord) out.get("address")).get("street").toString()).doesNotContain("CLS");
                assertThat(((GenericRecord) out.get("address")).get("city")).hasToString("Springfield");
            }
            assertThat(masked.stream().filter(r -> r.getSchema().getField("nickname") != null).map(r -> r.get("nickname").toString()))
                    .as("a new field of a tag-driven dataset passes").containsExactly("nick");

            List<JsonNode> letters = TopicReader.readAll(bootstrap, Topics.DLQ).stream().map(r -> json(r.value()))
                    .filter(n -> n.get("dataset").asText().equals(dataset)).toList();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).get("errorClass").asText()).isEqualTo(SchemaNotForDatasetException.class.getName());
            assertThat(letters.get(0).get("message").asText())
                    .isEqualTo(dataset + ": schema id " + foreign + " is not registered under subject " + subject);

            List<AuditEvent> changes = TopicReader.readAll(bootstrap, Topics.AUDIT).stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("schema/" + subject + "/"))
                    .map(r -> AuditEvent.fromBytes(r.value()))
                    // jit.audit has several partitions: order by version, not by how they were read.
                    .sorted(java.util.Comparator.comparing(AuditEvent::requestId)).toList();
            assertThat(changes).extracting(AuditEvent::requestId).containsExactly(
                    "schema/" + subject + "/1", "schema/" + subject + "/2", "schema/" + subject + "/3");
            assertThat(changes).allMatch(e -> e.type() == AuditEvent.Type.SCHEMA_CHANGED && dataset.equals(e.dataset()));
            assertThat(changes.get(1).schema().changes().keptSensitive()).containsExactly("name", "email", "phone",
                    "nationalId", "dateOfBirth", "address.street", "address.postalCode", "bio");
            assertThat(changes.get(2).schema().changes().fieldsAdded()).containsExactly("nickname");

            List<String> classification = TopicReader.readAll(bootstrap, Topics.CLASSIFICATION).stream()
                    .map(r -> new String(r.key(), StandardCharsets.UTF_8)).filter(k -> k.contains("/" + dataset + "/")).toList();
            assertThat(classification).contains("field/" + dataset + "/email/tag/EMAIL", "field/" + dataset + "/bio/tag/FREE_TEXT");

            // No canary anywhere but raw.*: every topic, the state directories, every log line, and jitmask scan agrees.
            LeakScanner scanner = new LeakScanner(canaries, topic -> topic.startsWith(Topics.RAW_PREFIX));
            List<LeakScanner.Finding> findings = new ArrayList<>(scanner.scanTopics(bootstrap));
            findings.addAll(scanner.scanFiles(List.of(dir)));
            findings.addAll(scanner.scanLines(logs.lines(), "log output"));
            System.out.printf("FIGURES ClassificationIT schemaVersions=3 canaries=%d leaks=%d%n", canaries.size(), findings.size());
            assertThat(findings).isEmpty();
            StringWriter out = new StringWriter();
            List<String> args = new ArrayList<>(List.of("scan", "--bootstrap-servers", bootstrap,
                    "--path", dir.toString()));
            canaries.forEach(c -> args.addAll(List.of("--canary", c)));
            assertThat(JitmaskCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new)))
                    .as(out.toString()).isZero();
            assertThat(out.toString()).startsWith("no canary outside [raw.] and ");
        }
    }

    @Test
    void renamedMovedNestedAndDefaultDenyFieldsStayMaskedOnTheRealBroker() throws Exception {
        String shop = STACK.dataset("shop");
        String vault = STACK.dataset("vault");
        Path policy = java.nio.file.Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                tags:
                  EMAIL: {technique: {type: hmac, prefix: "tok_"}}
                  PII: {technique: {type: redact}}
                datasets:
                  %s: {}
                  %s: {mode: defaultDeny, default: {technique: {type: redact}}, public: [id, city]}
                """.formatted(shop, vault));
        Schema v1 = ClassificationProcessorTest.TAGGED;
        // v2: no tags, email renamed to mail (alias), the tag moved to address.city.
        Schema v2 = new Schema.Parser().parse(ClassificationProcessorTest.UNTAGGED.toString()
                .replace("{\"name\":\"email\",\"type\":\"string\"}", "{\"name\":\"mail\",\"type\":\"string\",\"aliases\":[\"email\"]}")
                .replace("{\"name\":\"city\",\"type\":\"string\"}", "{\"name\":\"city\",\"type\":\"string\",\"confluent:tags\":[\"PII\"]}"));
        Schema vaultV1 = new Schema.Parser().parse("""
                {"type":"record","name":"V","namespace":"vault","fields":[{"name":"id","type":"string"},{"name":"city","type":"string"}]}""");
        Schema vaultV2 = new Schema.Parser().parse("""
                {"type":"record","name":"V","namespace":"vault","fields":[{"name":"id","type":"string"},{"name":"city","type":"string"},
                  {"name":"ssn","type":"string","default":""}]}""");
        String canary = "CLSNEST" + suffix;
        String bootstrap = STACK.bootstrapServers();
        HttpSchemaRegistryClient registry = STACK.registry();
        try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            AvroCodec codec = new AvroCodec(registry);
            int id1 = registry.register(Topics.raw(shop) + "-value", v1);
            int id2 = registry.register(Topics.raw(shop) + "-value", v2);
            registry.register(Topics.raw(vault) + "-value", vaultV1);
            int vault2 = registry.register(Topics.raw(vault) + "-value", vaultV2);
            try (JitmaskApp app = STACK.startApp(Map.of(
                    JitmaskConfig.APPLICATION_ID, "cls-nest-it-" + suffix,
                    JitmaskConfig.STATE_DIR, dir.resolve("state").toString(),
                    JitmaskConfig.DATASETS, shop + "," + vault,
                    JitmaskConfig.POLICY_FILE, policy.toString(),
                    JitmaskConfig.HTTP_ENABLED, "false"))) {
                dataset = shop;
                send(producer, codec, "S1", id1, v1, ClassificationProcessorTest.shopRecord(v1, canary));
                // The same key, so the same partition: v1 reaches the masked subject before v2 (registering them
                // there the other way round is refused as incompatible, a rename has no way back).
                send(producer, codec, "S1", id2, v2, as(v2, ClassificationProcessorTest.shopRecord(v1, canary)));
                GenericRecord secret = new GenericData.Record(vaultV2);
                secret.put("id", "V1");
                secret.put("city", "Bern");
                secret.put("ssn", canary);
                dataset = vault;
                send(producer, codec, "V1", vault2, vaultV2, secret);
                TopicReader.readAtLeast(bootstrap, Topics.masked(shop), 2, Duration.ofSeconds(60));
                TopicReader.readAtLeast(bootstrap, Topics.masked(vault), 1, Duration.ofSeconds(60));
            }
            List<GenericRecord> out = TopicReader.readAll(bootstrap, Topics.masked(shop)).stream()
                    .map(r -> (GenericRecord) codec.decode(r.value()).datum()).toList();
            GenericRecord second = TopicReader.readAll(bootstrap, Topics.masked(shop)).stream()
                    .map(r -> (GenericRecord) codec.decode(r.value()).datum()).filter(r -> r.getSchema().getField("mail") != null)
                    .findFirst().orElseThrow();
            assertThat(out).hasSize(2);
            assertThat(second.get("mail").toString()).as("renamed: EMAIL's technique").startsWith("tok_k");
            assertThat(((GenericRecord) second.get("address")).get("street")).hasToString("REDACTED");
            assertThat(((GenericRecord) second.get("address")).get("city")).as("the tag moved here").hasToString("REDACTED");
            assertThat(ClassificationProcessorTest.sub(second, "phones", "number")).isEqualTo("REDACTED");
            assertThat(ClassificationProcessorTest.sub(second, "attrs", "secret")).isEqualTo("REDACTED");
            assertThat(ClassificationProcessorTest.sub(second, "contact", "handle")).isEqualTo("REDACTED");
            assertThat(second.get("nickname")).hasToString("REDACTED");
            GenericRecord vaulted = (GenericRecord) codec.decode(TopicReader.readAll(bootstrap, Topics.masked(vault)).get(0).value()).datum();
            assertThat(vaulted.get("ssn")).hasToString("REDACTED");
            assertThat(vaulted.get("city")).hasToString("Bern");

            LeakScanner scanner = new LeakScanner(List.of(canary), topic -> topic.startsWith(Topics.RAW_PREFIX));
            List<LeakScanner.Finding> findings = new ArrayList<>(scanner.scanTopics(bootstrap));
            findings.addAll(scanner.scanFiles(List.of(dir)));
            assertThat(findings).isEmpty();
        }
    }

    static KafkaProducer<byte[], byte[]> bytesProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(KafkaProducer<byte[], byte[]> producer, AvroCodec codec, String key, int id, Schema schema,
              GenericRecord record) throws Exception {
        producer.send(new ProducerRecord<>(Topics.raw(dataset), key.getBytes(StandardCharsets.UTF_8),
                codec.encode(id, schema, record))).get();
    }

    static void delete(String registryUrl, String path) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(registryUrl + path)).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
