package io.jitmask.registry.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry serving the Confluent REST API, for {@code jitmask up}. Schemas live in the compacted
 * {@code _schemas} topic in Confluent's record format, so they survive restarts; it is read fully at start-up and
 * every change is written there (and acknowledged) before it is applied and answered. One instance per topic:
 * it is the topic's only writer.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final SchemaStore store = new SchemaStore();
    private final RegistryApi api = new RegistryApi(store, this::write);
    private final String url;
    /** Null: open (plain {@code jitmask up}); else every request is authenticated and authorized first. */
    private final RegistryAuthenticator authenticator;

    private EmbeddedSchemaRegistry(Map<String, Object> kafka, String topic, String host, int port,
                                   RegistryAuthenticator authenticator) throws IOException {
        this.topic = topic;
        this.authenticator = authenticator;
        // Bind first: a port in use fails at once, before any Kafka client (and its threads) exists.
        server = HttpServer.create(new InetSocketAddress(host, port), 50);
        KafkaProducer<String, String> created = null;
        try {
            ensureTopic(kafka, topic);
            replay(kafka, topic);
            created = new KafkaProducer<>(with(kafka, Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.CLIENT_ID_CONFIG, "jitmask-schema-registry")),
                    new StringSerializer(), new StringSerializer());
        } catch (RuntimeException e) {
            server.stop(0);
            if (created != null) {
                created.close(Duration.ZERO);
            }
            throw e;
        }
        producer = created;
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        url = "http://" + urlHost(host, server.getAddress()) + ":" + server.getAddress().getPort();
    }

    /** A wildcard bind is reached on localhost; IPv6 literals need brackets in a URL. */
    public static String urlHost(String host, InetSocketAddress bound) {
        if (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()) {
            return "localhost";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Starts on {@code host:port} (port 0 picks a free one) with schemas in {@code _schemas}. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, String host, int port) throws IOException {
        return start(bootstrapServers, Topics.SCHEMAS, host, port);
    }

    public static EmbeddedSchemaRegistry start(String bootstrapServers, String topic, String host, int port) throws IOException {
        return start(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, host, port);
    }

    /** With any Kafka client settings ({@code bootstrap.servers} and e.g. {@code security.protocol}, {@code sasl.*}). */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafka, String topic, String host, int port) throws IOException {
        return new EmbeddedSchemaRegistry(kafka, topic, host, port, null);
    }

    /** Secured: every request needs basic auth, and writes need the rights {@code authenticator} gives. */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafka, String topic, String host, int port,
                                               RegistryAuthenticator authenticator) throws IOException {
        return new EmbeddedSchemaRegistry(kafka, topic, host, port, authenticator);
    }

    private static Map<String, Object> with(Map<String, Object> kafka, Map<String, Object> own) {
        Map<String, Object> merged = new java.util.HashMap<>(kafka);
        merged.putAll(own);
        return merged;
    }

    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void ensureTopic(Map<String, Object> kafka, String topic) {
        try (Admin admin = Admin.create(kafka)) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schema topic " + topic, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create schema topic " + topic, e);
        }
    }

    private void replay(Map<String, Object> kafka, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(with(kafka, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    store.apply(record.key(), record.value());
                }
            }
        }
    }

    private void write(SchemaStore.Change change) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, change.key(), change.value())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50001, "Error while storing the schema");
        } catch (Exception e) {
            LOG.warn("schema registry could not write to {}: {}", topic, e.getClass().getSimpleName());
            throw new RegistryError(500, 50001, "Error while storing the schema");
        }
        store.apply(change.key(), change.value());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            RegistryApi.Query query = RegistryApi.Query.parse(exchange.getRequestURI().getRawQuery());
            String body = readBody(exchange.getRequestBody());
            if (authenticator != null) {
                authenticator.authorize(method, path, exchange.getRequestHeaders().getFirst("Authorization"));
            }
            Object answer;
            synchronized (store) {
                answer = api.route(method, path, query, body);
            }
            if (answer == RegistryApi.NO_CONTENT) {
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            // Raw schema text (GET .../schema) goes out as it is; everything else as JSON.
            respond(exchange, 200, answer instanceof String s ? s : SchemaStore.JSON.writeValueAsString(answer));
        } catch (RegistryError e) {
            if (e.status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"jitmask-schema-registry\"");
            }
            respondError(exchange, e.status, e.code, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("schema registry request failed: {}", e.getClass().getSimpleName());
            RegistryError answer = RegistryError.of(e);
            respondError(exchange, answer.status, answer.code, answer.getMessage());
        } finally {
            exchange.close();
        }
    }

    private static String readBody(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void respondError(HttpExchange exchange, int status, int code, String message) throws IOException {
        respond(exchange, status, SchemaStore.JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
