package io.jitmask.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerde;
import io.jitmask.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded registry's REST contract, status codes and error codes as Confluent's clients expect them. */
class EmbeddedSchemaRegistryIT {
    static final String TOPIC = "_schemas_it_" + UUID.randomUUID().toString().substring(0, 8);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String V1 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    static final String V2_COMPATIBLE = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    static final String V2_INCOMPATIBLE = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"c\",\"type\":\"int\"}]}";

    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        registry = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), TOPIC, "localhost", 0);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    record Answer(int status, JsonNode body) {
    }

    static Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (Exception e) {
            json = JSON.getNodeFactory().textNode(response.body());
        }
        return new Answer(response.statusCode(), json);
    }

    static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    static String subject() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    }

    static void assertError(Answer answer, int status, int code) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.body().path("error_code").asInt()).isEqualTo(code);
        assertThat(answer.body().path("message").asText()).isNotBlank();
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
        assertThat(call("GET", "/schemas/types", null).body().toString()).isEqualTo("[\"AVRO\"]");

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
        assertError(call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_INCOMPATIBLE)), 409, 409);
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
    void everythingSurvivesARestart() throws Exception {
        String subject = subject();
        int id = call("POST", "/subjects/" + subject + "/versions", schemaBody(V1)).body().path("id").asInt();
        call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_COMPATIBLE));
        call("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}");
        registry.close();
        registry = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), TOPIC, "localhost", 0);
        assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString()).isEqualTo("[1,2]");
        assertThat(call("GET", "/subjects/" + subject + "/versions/1", null).body().path("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/config/" + subject, null).body().path("compatibilityLevel").asText()).isEqualTo("FULL");
        String fresh = subject();
        int next = call("POST", "/subjects/" + fresh + "/versions", schemaBody(
                "{\"type\":\"record\",\"name\":\"Fresh\",\"fields\":[]}")).body().path("id").asInt();
        assertThat(next).as("ids keep counting after a restart").isGreaterThan(id);
    }

    @Test
    void httpClientAndSerdeRoundTripThroughTheRegistry() {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url())) {
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
    void unreachableRegistryIsTransientNotMissing() {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:1", 2, Duration.ofMillis(10))) {
            assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("unreachable");
        }
    }
}
