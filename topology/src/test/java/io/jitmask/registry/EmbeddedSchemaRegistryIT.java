package io.jitmask.registry;

import static io.jitmask.registry.OwnRegistry.JSON;
import static io.jitmask.registry.OwnRegistry.assertError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.registry.OwnRegistry.Answer;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerde;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedded registry's REST contract, status codes and error codes as Confluent's clients expect them. */
class EmbeddedSchemaRegistryIT {
    @RegisterExtension
    static final OwnRegistry REGISTRY = new OwnRegistry("_schemas_it_");
    static final String TOPIC = REGISTRY.topic();
    static final String V1 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    static final String V2_COMPATIBLE = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    static final String V2_INCOMPATIBLE = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"c\",\"type\":\"int\"}]}";

    static Answer call(String method, String path, String body) throws Exception {
        return REGISTRY.call(method, path, body);
    }

    static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    static String subject() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    }

    @Test
    void registersLooksUpAndServesSchemas() throws Exception {
        String subject = subject();
        Answer registered = call("POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        assertThat(registered.status()).isEqualTo(200);
        int id = registered.body().path("id").asInt();
        assertThat(id).isPositive();
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(V1)).body().path("id").asInt())
                .as("registering the same schema again is idempotent").isEqualTo(id);

        Answer byId = call("GET", "/schemas/ids/" + id, null);
        assertThat(new Schema.Parser().parse(byId.body().path("schema").asText())).isEqualTo(new Schema.Parser().parse(V1));

        Answer lookup = call("POST", "/subjects/" + subject, schemaBody(V1));
        assertThat(lookup.body().path("subject").asText()).isEqualTo(subject);
        assertThat(lookup.body().path("version").asInt()).isEqualTo(1);
        assertThat(lookup.body().path("id").asInt()).isEqualTo(id);

        assertThat(call("GET", "/subjects", null).body().toString()).contains("\"" + subject + "\"");
        assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString()).isEqualTo("[1]");
        Answer latest = call("GET", "/subjects/" + subject + "/versions/latest", null);
        assertThat(latest.body().path("version").asInt()).isEqualTo(1);
        assertThat(latest.body().path("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/subjects/" + subject + "/versions/1/schema", null).body().path("name").asText()).isEqualTo("T");
        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).body().toString())
                .contains("{\"subject\":\"" + subject + "\",\"version\":1}");
        assertThat(call("GET", "/schemas/types", null).body().toString()).isEqualTo("[\"JSON\",\"PROTOBUF\",\"AVRO\"]");

        String other = subject();
        assertThat(call("POST", "/subjects/" + other + "/versions", schemaBody(V1)).body().path("id").asInt())
                .as("the same schema under another subject keeps its global id").isEqualTo(id);
    }

    @Test
    void answersWithConfluentErrorCodes() throws Exception {
        String subject = subject();
        assertError(call("GET", "/subjects/" + subject + "/versions", null), 404, 40401);
        assertError(call("GET", "/subjects/" + subject + "/versions/latest", null), 404, 40401);
        assertError(call("GET", "/schemas/ids/987654", null), 404, 40403);
        assertError(call("POST", "/subjects/" + subject + "/versions", schemaBody("{\"type\":\"recrd\"}")), 422, 42201);
        assertError(call("POST", "/subjects/" + subject + "/versions",
                "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        assertError(call("GET", "/subjects/" + subject + "/versions/7", null), 404, 40402);
        assertError(call("GET", "/subjects/" + subject + "/versions/zero", null), 422, 42202);
        assertError(call("POST", "/subjects/" + subject, schemaBody(V2_COMPATIBLE)), 404, 40403);
        assertError(call("GET", "/config/" + subject, null), 404, 40408);
        assertError(call("PUT", "/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    }

    @Test
    void enforcesCompatibilityPerSubjectAndGlobally() throws Exception {
        String subject = subject();
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        assertThat(call("POST", "/compatibility/subjects/" + subject + "/versions/latest", schemaBody(V2_INCOMPATIBLE))
                .body().path("is_compatible").asBoolean()).isFalse();
        assertThat(call("POST", "/compatibility/subjects/" + subject + "/versions/latest", schemaBody(V2_COMPATIBLE))
                .body().path("is_compatible").asBoolean()).isTrue();
        assertError(call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE)), 409, 40901);
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_COMPATIBLE)).status()).isEqualTo(200);
        assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString()).isEqualTo("[1,2]");

        Answer set = call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
        assertThat(set.body().path("compatibility").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config/" + subject, null).body().path("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE)).status()).isEqualTo(200);
        assertThat(call("GET", "/config", null).body().path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void softAndPermanentDeletes() throws Exception {
        String subject = subject();
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_COMPATIBLE));
        assertError(call("DELETE", "/subjects/" + subject + "?permanent=true", null), 404, 40405);
        assertThat(call("DELETE", "/subjects/" + subject + "/versions/2", null).body().asInt()).isEqualTo(2);
        assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString()).isEqualTo("[1]");
        assertThat(call("DELETE", "/subjects/" + subject, null).body().toString()).isEqualTo("[1]");
        assertError(call("GET", "/subjects/" + subject + "/versions", null), 404, 40401);
        assertThat(call("GET", "/subjects", null).body().toString()).doesNotContain(subject);
        assertThat(call("GET", "/subjects?deleted=true", null).body().toString()).contains(subject);
        assertThat(call("DELETE", "/subjects/" + subject + "?permanent=true", null).body().toString()).isEqualTo("[1,2]");
        assertThat(call("GET", "/subjects?deleted=true", null).body().toString()).doesNotContain(subject);
    }

    @Test
    void httpClientAndSerdeRoundTripThroughTheRegistry() {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(REGISTRY.server().url())) {
            Schema customers = SampleSchemas.of("customers");
            String topic = "serde-" + UUID.randomUUID();
            ConfluentAvroSerde serde = new ConfluentAvroSerde(client, false);
            GenericRecord record = new io.jitmask.sample.SampleRecords(7).customer();
            byte[] bytes = serde.serializer().serialize(topic, record);
            assertThat(bytes[0]).isZero();
            GenericRecord back = (GenericRecord) serde.deserializer().deserialize(topic, bytes);
            assertThat(GenericData.get().compare(back, record, customers)).isZero();
            assertThat(client.latest(topic + "-value").schema()).isEqualTo(customers);
            assertThat(client.latest(topic + "-value").schema().getField("email").getObjectProp("confluent:tags"))
                    .as("field tags survive the registry").isEqualTo(List.of("PII", "EMAIL"));
            assertThatThrownBy(() -> client.schemaById(999_999)).isInstanceOf(SchemaNotFoundException.class)
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(40403);
            assertThatThrownBy(() -> client.latest("no-such-subject")).isInstanceOf(SchemaNotFoundException.class)
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(40401);
        }
    }

    @Test
    void servesRootTypesAndModeAndAcceptsPlainJson() throws Exception {
        Answer root = call("GET", "/", null);
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.body().toString()).isEqualTo("{}");
        assertThat(call("GET", "/mode", null).body().toString()).isEqualTo("{\"mode\":\"READWRITE\"}");
        String subject = subject();
        Answer plain = OwnRegistry.call(REGISTRY.server(), "application/json", "POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        assertThat(plain.status()).isEqualTo(200);
        Answer typed = OwnRegistry.call(REGISTRY.server(), "application/vnd.schemaregistry+json", "POST", "/subjects/" + subject + "/versions",
                "{\"schemaType\":\"AVRO\",\"references\":[],\"schema\":" + JSON.getNodeFactory().textNode(V1) + "}");
        assertThat(typed.body().toString()).isEqualTo("{\"id\":" + plain.body().path("id").asInt()
                + ",\"version\":1,\"guid\":\"" + plain.body().path("guid").asText() + "\",\"schemaType\":\"AVRO\",\"schema\":"
                + JSON.getNodeFactory().textNode(V1) + "}");
        assertThat(plain.body().path("guid").asText()).as("Confluent 8's GUID").hasSize(36);
        assertError(call("GET", "/no/such/path", null), 404, 404);
        assertError(call("POST", "/subjects/" + subject + "/versions", "not json"), 400, 400);
        // No schema: as Confluent, the latest version's schema (the same version here); with none before, 42201.
        Answer latestAgain = call("POST", "/subjects/" + subject + "/versions", "{\"schemaType\":\"AVRO\"}");
        assertThat(latestAgain.body()).isEqualTo(typed.body());
        Answer empty = call("POST", "/subjects/" + subject() + "/versions", "{\"schemaType\":\"AVRO\"}");
        assertError(empty, 422, 42201);
        assertThat(empty.body().path("message").asText()).isEqualTo("Empty schema");
    }

    /** Confluent's words for V2_INCOMPATIBLE against V1 (its Avro Difference), without the schema text it also lists. */
    static final String MISSING_C = "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'c' at path"
            + " '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'c'}";

    @Test
    void lookupAndCompatibilityEdgeCases() throws Exception {
        String subject = subject();
        assertError(call("POST", "/subjects/" + subject, schemaBody(V1)), 404, 40401);
        assertThat(call("POST", "/compatibility/subjects/" + subject + "/versions/latest", schemaBody(V1)).body().toString())
                .as("nothing to be incompatible with").isEqualTo("{\"is_compatible\":true}");
        assertError(call("POST", "/compatibility/subjects/" + subject + "/versions/1", schemaBody(V1)), 404, 40401);
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V1));
        assertError(call("POST", "/compatibility/subjects/" + subject + "/versions/5", schemaBody(V1)), 404, 40402);
        assertThat(call("POST", "/compatibility/subjects/" + subject + "/versions/1?verbose=true", schemaBody(V2_INCOMPATIBLE))
                .body().toString()).isEqualTo("{\"is_compatible\":false,\"messages\":[\"" + MISSING_C + "\","
                        + "\"{oldSchemaVersion: 1}\",\"{validateFields: 'false', compatibility: 'BACKWARD'}\"]}");
        Answer refused = call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE));
        assertError(refused, 409, 40901);
        assertThat(refused.body().path("message").asText()).isEqualTo("Schema being registered is incompatible with an"
                + " earlier schema for subject \"" + subject + "\", details: [" + MISSING_C + ", {oldSchemaVersion: 1},"
                + " {validateFields: 'false', compatibility: 'BACKWARD'}]");
        assertThat(call("GET", "/config/" + subject + "?defaultToGlobal=true", null).body().toString())
                .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(call("PUT", "/config/" + subject, "{\"compatibility\":\"forward\"}").body().toString())
                .isEqualTo("{\"compatibility\":\"FORWARD\"}");
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE)).status())
                .as("a new field without default is forward compatible").isEqualTo(200);
        assertThat(call("DELETE", "/config/" + subject, null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
        assertError(call("GET", "/config/" + subject, null), 404, 40408);
    }

    @Test
    void deletedSubjectsAndVersionsAnswerAsConfluentDoes() throws Exception {
        String subject = subject();
        int id = call("POST", "/subjects/" + subject + "/versions", schemaBody(V1)).body().path("id").asInt();
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_COMPATIBLE));
        assertThat(call("DELETE", "/subjects/" + subject + "/versions/1", null).body().toString()).isEqualTo("1");
        assertError(call("DELETE", "/subjects/" + subject + "/versions/1", null), 404, 40406);
        assertError(call("GET", "/subjects/" + subject + "/versions/1", null), 404, 40402);
        Answer deleted = call("GET", "/subjects/" + subject + "/versions/1?deleted=true", null);
        assertThat(deleted.body().path("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/subjects/" + subject + "/versions?deleted=true", null).body().toString()).isEqualTo("[1,2]");
        assertThat(call("GET", "/schemas/ids/" + id, null).status()).as("ids outlive soft deletes").isEqualTo(200);
        assertThat(call("DELETE", "/subjects/" + subject, null).body().toString()).isEqualTo("[2]");
        assertError(call("DELETE", "/subjects/" + subject, null), 404, 40404);
        assertError(call("DELETE", "/subjects/" + subject() + "", null), 404, 40401);
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(V1)).body().path("id").asInt())
                .as("registering again after a soft delete keeps the id").isEqualTo(id);
        assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString()).isEqualTo("[3]");
    }

    @Test
    void storesConfluentRecordsInACompactedTopic() throws Exception {
        try (var admin = SharedKafka.admin()) {
            TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            assertThat(description.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
        }
        String subject = subject();
        int id = call("POST", "/subjects/" + subject + "/versions", schemaBody(V1)).body().path("id").asInt();
        call("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}");
        List<String> mine = TopicReader.readAll(TOPIC).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8) + " => "
                        + (r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8)))
                .filter(line -> line.contains("\"subject\":\"" + subject + "\""))
                .toList();
        assertThat(mine).containsExactly(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject + "\",\"version\":1,\"magic\":1} => {\"subject\":\""
                        + subject + "\",\"version\":1,\"id\":" + id + ",\"schema\":" + JSON.getNodeFactory().textNode(V1)
                        + ",\"deleted\":false}",
                "{\"keytype\":\"CONFIG\",\"subject\":\"" + subject + "\",\"magic\":0} => {\"compatibilityLevel\":\"FULL\"}");
    }

    @Test
    void globalCompatibilityIsStoredAndSurvivesARestart() throws Exception {
        String topic = "_schemas_global_" + UUID.randomUUID().toString().substring(0, 8);
        String subject = subject();
        EmbeddedSchemaRegistry own = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0);
        try {
            String json = "application/json";
            assertThat(OwnRegistry.call(own, json, "GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
            assertThat(OwnRegistry.call(own, json, "PUT", "/config", "{\"compatibility\":\"NONE\"}").body().toString())
                    .isEqualTo("{\"compatibility\":\"NONE\"}");
            OwnRegistry.call(own, json, "POST", "/subjects/" + subject + "/versions", schemaBody(V1));
            assertThat(OwnRegistry.call(own, json, "POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE)).status()).isEqualTo(200);
            assertThat(OwnRegistry.call(own, json, "GET", "/config/" + subject + "?defaultToGlobal=true", null).body().toString())
                    .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            own.close();
            own = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), topic, "0.0.0.0", 0);
            assertThat(own.url()).as("a wildcard bind is reached on localhost").isEqualTo("http://localhost:" + own.port());
            assertThat(OwnRegistry.call(own, json, "GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(OwnRegistry.call(own, json, "GET", "/subjects", null).body().toString()).isEqualTo("[\"" + subject + "\"]");
            assertThat(OwnRegistry.call(own, json, "GET", "/schemas/ids/1", null).body().path("schema").asText()).isEqualTo(V1);
            assertThat(OwnRegistry.call(own, json, "DELETE", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(OwnRegistry.call(own, json, "GET", "/config", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        } finally {
            own.close();
        }
    }

    @Test
    void httpClientManagesSubjects() {
        String subject = subject();
        Schema v1 = new Schema.Parser().parse(V1);
        Schema compatible = new Schema.Parser().parse(V2_COMPATIBLE);
        Schema incompatible = new Schema.Parser().parse(V2_INCOMPATIBLE);
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(REGISTRY.server().url())) {
            int id = client.register(subject, v1);
            assertThat(client.idOf(subject, v1)).isEqualTo(id);
            assertThat(client.isCompatible(subject, compatible)).isTrue();
            assertThat(client.isCompatible(subject, incompatible)).isFalse();
            assertThatThrownBy(() -> client.register(subject, incompatible)).isExactlyInstanceOf(RegistryException.class)
                    .hasMessageStartingWith("schema registry " + REGISTRY.server().url() + " refused POST /subjects/" + subject
                            + "/versions: error 40901 (Schema being registered is incompatible")
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(40901);
            assertThatThrownBy(() -> client.idOf(subject, compatible)).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(40403);
            int second = client.register(subject, compatible);
            assertThat(client.versions(subject)).containsExactly(1, 2);
            assertThat(client.version(subject, 1)).isEqualTo(new RegisteredSchema(subject, 1, id, v1));
            assertThat(client.latest(subject)).isEqualTo(new RegisteredSchema(subject, 2, second, compatible));
            assertThatThrownBy(() -> client.version(subject, 3)).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(40402);
            assertThat(client.deleteSubject(subject, false)).containsExactly(1, 2);
            assertThat(client.subjects()).doesNotContain(subject);
            assertThat(client.deleteSubject(subject, true)).containsExactly(1, 2);
            assertThat(client.schemaById(id)).as("cached forever: ids are immutable").isEqualTo(v1);
        }
    }

    @Test
    void unreachableRegistryIsTransientNotMissing() {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:1", 2, Duration.ofMillis(10))) {
            assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("unreachable");
        }
    }
}
