package io.jitmask.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The registry ITs' registry: jitmask's embedded registry on the shared broker with a {@code _schemas} topic of the
 * class's own (so its ids, listings and global config are the class's alone), started before the class's first test
 * and closed after its last, and the calls to it over HTTP as Confluent's clients make them.
 */
final class OwnRegistry implements BeforeAllCallback, AfterAllCallback {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

    record Answer(int status, JsonNode body) {
    }

    private final String topic;
    private EmbeddedSchemaRegistry registry;

    /** @param topicPrefix the topic's name before a random suffix */
    OwnRegistry(String topicPrefix) {
        this.topic = topicPrefix + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        registry = startAnother();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        registry.close();
    }

    String topic() {
        return topic;
    }

    EmbeddedSchemaRegistry server() {
        return registry;
    }

    /** Another registry on the same topic, as the class's would be after a restart: it reads everything back. */
    EmbeddedSchemaRegistry startAnother() throws Exception {
        return EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), topic, "localhost", 0);
    }

    /** Calls the class's registry with Confluent's content type. */
    Answer call(String method, String path, String body) throws Exception {
        return call(registry, CONFLUENT_JSON, method, path, body);
    }

    static Answer call(EmbeddedSchemaRegistry target, String contentType, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url() + path))
                .header("Content-Type", contentType)
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

    /** Confluent's error answer: the status, its error code and a message. */
    static void assertError(Answer answer, int status, int code) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.body().path("error_code").asInt()).isEqualTo(code);
        assertThat(answer.body().path("message").asText()).isNotBlank();
    }
}
