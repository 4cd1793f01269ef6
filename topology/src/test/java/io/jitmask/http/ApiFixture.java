package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleRecords;
import io.jitmask.testing.JitmaskStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A real jitmask on the class's {@link JitmaskStack} ({@link #stack}: one dataset of sample customers, the
 * application started here) with its HTTP API on a free port, and a bearer token per demo actor. The server holds
 * signing keys only for the actors named at start; the others must sign their events themselves.
 */
final class ApiFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An answer, with the instants (on this JVM's clock, the one the in-process API runs on) just before the call was
     * sent and just after its answer came: whatever the API read from its clock for this answer lies between them.
     */
    record Answer(int status, JsonNode json, HttpResponse<String> raw, Instant sent, Instant received) {
        /**
         * Asserts {@code secondsLeft} is what the API computes, whole seconds (rounded down, never below 0) from its
         * instant to {@code expiresAt}, for an instant during this call: the bounds are this call's own instants, not
         * a tolerance, so a slow machine cannot fail it.
         */
        void assertSecondsLeft(long secondsLeft, Instant expiresAt) {
            assertThat(secondsLeft).as("secondsLeft to %s, answered between %s and %s", expiresAt, sent, received)
                    .isBetween(secondsLeft(received, expiresAt), secondsLeft(sent, expiresAt));
        }

        private static long secondsLeft(Instant now, Instant expiresAt) {
            return Math.max(0, Duration.between(now, expiresAt).toSeconds());
        }
    }

    final String dataset;
    final HttpSchemaRegistryClient registry;
    final JitmaskApp app;
    final ApiServer api;
    final Map<String, String> tokens = new LinkedHashMap<>();
    final KafkaProducer<String, Object> producer;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The stack an API test class registers: dataset {@code <prefix>_<suffix>}, the application started by the fixture. */
    static JitmaskStack stack(String prefix) {
        return JitmaskStack.builder(prefix).dataset(prefix, "customers").withoutApp().build();
    }

    ApiFixture(JitmaskStack stack, List<String> serverKeyActors) throws Exception {
        this(stack, serverKeyActors, Map.of());
    }

    /** @param extra more settings (OIDC, notifications...) */
    ApiFixture(JitmaskStack stack, List<String> serverKeyActors, Map<String, String> extra) throws Exception {
        Path dir = stack.dir();
        dataset = stack.dataset();
        registry = stack.registry();
        producer = stack.producer();
        StringBuilder tokenLines = new StringBuilder("# test tokens\n");
        for (String actor : List.of("alice", "bob", "carol", "dave", "erin")) {
            String token = "t_" + actor + "_" + UUID.randomUUID();
            tokens.put(actor, token);
            tokenLines.append(TokenAuthenticator.hash(token)).append(' ').append(actor).append('\n');
        }
        Path tokenFile = Files.writeString(dir.resolve("api-tokens"), tokenLines);
        Path keys = Files.createDirectories(dir.resolve("server-keys"));
        for (String actor : serverKeyActors) {
            Files.copy(Path.of("../deploy/demo-keys/" + actor + ".key"), keys.resolve(actor + ".key"));
        }
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                JitmaskConfig.HTTP_PORT, "0",
                JitmaskConfig.HTTP_TOKENS_FILE, tokenFile.toString(),
                JitmaskConfig.HTTP_SIGNING_KEYS_DIR, keys.toString()));
        settings.putAll(extra);
        app = stack.holdApp(stack.startApp(settings));
        api = ApiServer.start(app);
    }

    static GenericRecord customer(String id) {
        GenericRecord c = new SampleRecords(id.hashCode()).customer();
        c.put("customerId", id);
        return c;
    }

    void produceCustomer(String id) throws Exception {
        producer.send(new ProducerRecord<>(Topics.raw(dataset), id, customer(id))).get();
    }

    /** Calls the API as {@code actor} (null: no Authorization header). */
    Answer call(String method, String path, String actor, Object body) throws Exception {
        return callWithToken(method, path, actor == null ? null : tokens.get(actor), body);
    }

    Answer callWithToken(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        Instant sent = Instant.now();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Instant received = Instant.now();
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response, sent, received);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        api.close();
    }
}
