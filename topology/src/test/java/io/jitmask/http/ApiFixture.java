package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleRecords;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.ConfluentAvroSerializer;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real jitmask (shared broker, embedded registry, the application) with its HTTP API on a free port, one
 * dataset of sample customers, and a bearer token per demo actor. The server holds signing keys only for the
 * actors named at start; the others must sign their events themselves.
 */
final class ApiFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, JsonNode json, HttpResponse<String> raw) {
    }

    final String dataset;
    final EmbeddedSchemaRegistry registryServer;
    final HttpSchemaRegistryClient registry;
    final JitmaskApp app;
    final ApiServer api;
    final Map<String, String> tokens = new LinkedHashMap<>();
    final KafkaProducer<String, Object> producer;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiFixture(Path dir, String prefix, List<String> serverKeyActors) throws Exception {
        this(dir, prefix, serverKeyActors, Map.of());
    }

    /** @param extra more settings (OIDC, notifications...) */
    ApiFixture(Path dir, String prefix, List<String> serverKeyActors, Map<String, String> extra) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        dataset = prefix + "_" + suffix;
        registryServer = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0);
        registry = new HttpSchemaRegistryClient(registryServer.url());
        registry.register(Topics.raw(dataset) + "-value", SampleSchemas.of("customers"));
        SharedKafka.createTopics(3, Topics.raw(dataset), Topics.masked(dataset));
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
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
        JitmaskConfig config = JitmaskConfig.of(Map.ofEntries(
                Map.entry(JitmaskConfig.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers()),
                Map.entry(JitmaskConfig.REGISTRY_URL, registryServer.url()),
                Map.entry(JitmaskConfig.APPLICATION_ID, prefix + "-it-" + suffix),
                Map.entry(JitmaskConfig.STATE_DIR, dir.resolve("state").toString()),
                Map.entry(JitmaskConfig.DATASETS, dataset),
                Map.entry(JitmaskConfig.POLICY_FILE, DemoActors.POLICY.toString()),
                Map.entry(JitmaskConfig.KEYRING_FILE, DemoActors.KEYRING.toString()),
                Map.entry(JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString()),
                Map.entry(JitmaskConfig.HTTP_PORT, "0"),
                Map.entry(JitmaskConfig.HTTP_TOKENS_FILE, tokenFile.toString()),
                Map.entry(JitmaskConfig.HTTP_SIGNING_KEYS_DIR, keys.toString()))).with(extra);
        app = JitmaskApp.start(config);
        app.awaitRunning(Duration.ofSeconds(60));
        api = ApiServer.start(app);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new ConfluentAvroSerializer(registry, false));
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
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response);
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
        producer.close();
        api.close();
        app.close();
        registry.close();
        registryServer.close();
    }
}
