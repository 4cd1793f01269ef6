package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jitmask.config.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
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
    private static final Pattern SUBJECT_VERSION = Pattern.compile("/subjects/([^/]+)/versions/([^/]+)(/schema)?");

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final SchemaStore store = new SchemaStore();
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
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String body = readBody(exchange.getRequestBody());
            if (authenticator != null) {
                authenticator.authorize(method, path, exchange.getRequestHeaders().getFirst("Authorization"));
            }
            Object answer;
            synchronized (store) {
                answer = route(method, path, query, body);
            }
            respond(exchange, 200, answer instanceof String s ? s : SchemaStore.JSON.writeValueAsString(answer));
        } catch (RegistryError e) {
            if (e.status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"jitmask-schema-registry\"");
            }
            respondError(exchange, e.status, e.code, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("schema registry request failed: {}", e.getClass().getSimpleName());
            respondError(exchange, 500, 50001, "Error in the backend data store");
        } finally {
            exchange.close();
        }
    }

    private Object route(String method, String path, Map<String, String> query, String body) {
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] parts = path.split("/");
        Matcher subjectVersion = SUBJECT_VERSION.matcher(path);
        switch (method) {
            case "GET":
                if (path.equals("/") || path.isEmpty()) {
                    return SchemaStore.JSON.createObjectNode();
                }
                if (path.equals("/schemas/types")) {
                    return List.of("AVRO");
                }
                if (path.equals("/mode")) {
                    return SchemaStore.JSON.createObjectNode().put("mode", "READWRITE");
                }
                if (parts.length == 4 && path.startsWith("/schemas/ids/")) {
                    return SchemaStore.JSON.createObjectNode().put("schema", store.schemaById(id(parts[3])));
                }
                if (parts.length == 5 && path.startsWith("/schemas/ids/") && parts[4].equals("versions")) {
                    ArrayNode out = SchemaStore.JSON.createArrayNode();
                    store.versionsOfId(id(parts[3])).forEach(v -> out.addObject().put("subject", v.subject()).put("version", v.version()));
                    return out;
                }
                if (path.equals("/subjects")) {
                    return store.subjects("true".equals(query.get("deleted")));
                }
                if (parts.length == 4 && parts[1].equals("subjects") && parts[3].equals("versions")) {
                    boolean deleted = "true".equals(query.get("deleted"));
                    return (deleted ? store.all(decode(parts[2])) : store.live(decode(parts[2]))).stream()
                            .map(SchemaStore.Version::version).toList();
                }
                if (subjectVersion.matches()) {
                    SchemaStore.Version v = store.version(decode(subjectVersion.group(1)), decode(subjectVersion.group(2)),
                            "true".equals(query.get("deleted")));
                    return subjectVersion.group(3) != null ? v.schema() : versionJson(v);
                }
                if (path.equals("/config")) {
                    return SchemaStore.JSON.createObjectNode().put("compatibilityLevel", store.globalLevel());
                }
                if (parts.length == 3 && parts[1].equals("config")) {
                    String subject = decode(parts[2]);
                    String level = store.subjectLevel(subject);
                    if (level == null) {
                        if (!"true".equals(query.get("defaultToGlobal"))) {
                            throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
                        }
                        level = store.globalLevel();
                    }
                    return SchemaStore.JSON.createObjectNode().put("compatibilityLevel", level);
                }
                break;
            case "POST":
                if (parts.length == 4 && parts[1].equals("subjects") && parts[3].equals("versions")) {
                    String subject = decode(parts[2]);
                    Schema schema = schemaOf(body);
                    SchemaStore.Change change = store.register(subject, schema);
                    int id;
                    if (change == null) {
                        id = store.lookup(subject, schema).id();
                    } else {
                        write(change);
                        id = store.idOf(change);
                    }
                    return SchemaStore.JSON.createObjectNode().put("id", id);
                }
                if (parts.length == 3 && parts[1].equals("subjects")) {
                    String subject = decode(parts[2]);
                    Schema schema = schemaOf(body);
                    return versionJson(store.lookup(subject, schema, "true".equals(query.get("deleted"))));
                }
                if (parts.length == 6 && parts[1].equals("compatibility") && parts[2].equals("subjects") && parts[4].equals("versions")) {
                    String subject = decode(parts[3]);
                    Schema schema = schemaOf(body);
                    String version = decode(parts[5]);
                    // As Confluent: "latest" of a subject with no live version is compatible with anything.
                    List<SchemaStore.Version> against = "latest".equals(version) || "-1".equals(version)
                            ? store.liveOrEmpty(subject) : List.of(store.version(subject, version));
                    List<String> problems = store.incompatibilities(subject, schema, against);
                    ObjectNode answer = SchemaStore.JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if ("true".equals(query.get("verbose"))) {
                        problems.forEach(answer.putArray("messages")::add);
                    }
                    return answer;
                }
                break;
            case "PUT":
                if (path.equals("/config") || parts.length == 3 && parts[1].equals("config")) {
                    String subject = path.equals("/config") ? null : decode(parts[2]);
                    String level = json(body).path("compatibility").asText("").toUpperCase(java.util.Locale.ROOT);
                    if (!SchemaStore.LEVELS.contains(level)) {
                        throw RegistryError.invalidCompatibility(level);
                    }
                    write(SchemaStore.configRecord(subject, level));
                    return SchemaStore.JSON.createObjectNode().put("compatibility", level);
                }
                break;
            case "DELETE":
                if (path.equals("/config")) {
                    String level = store.globalLevel();
                    write(SchemaStore.configRecord(null, null));
                    return SchemaStore.JSON.createObjectNode().put("compatibilityLevel", level);
                }
                if (parts.length == 3 && parts[1].equals("subjects")) {
                    return deleteSubject(decode(parts[2]), "true".equals(query.get("permanent")));
                }
                if (subjectVersion.matches() && subjectVersion.group(3) == null) {
                    return deleteVersion(decode(subjectVersion.group(1)), decode(subjectVersion.group(2)),
                            "true".equals(query.get("permanent")));
                }
                if (parts.length == 3 && parts[1].equals("config")) {
                    String subject = decode(parts[2]);
                    String level = store.subjectLevel(subject);
                    if (level == null) {
                        throw RegistryError.subjectNotFound(subject);
                    }
                    write(SchemaStore.configRecord(subject, null));
                    return SchemaStore.JSON.createObjectNode().put("compatibilityLevel", level);
                }
                break;
            default:
                break;
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found");
    }

    private List<Integer> deleteSubject(String subject, boolean permanent) {
        if (permanent) {
            List<SchemaStore.Version> all = store.all(subject);
            if (all.stream().anyMatch(v -> !v.deleted())) {
                throw new RegistryError(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            all.forEach(v -> write(SchemaStore.schemaTombstone(subject, v.version())));
            return all.stream().map(SchemaStore.Version::version).toList();
        }
        List<SchemaStore.Version> live = store.liveOrEmpty(subject);
        if (live.isEmpty()) {
            store.all(subject);
            throw new RegistryError(404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
        }
        live.forEach(v -> write(SchemaStore.schemaRecord(subject, v.version(), v.id(), v.schema(), true)));
        return live.stream().map(SchemaStore.Version::version).toList();
    }

    private int deleteVersion(String subject, String version, boolean permanent) {
        if (permanent) {
            int number = "latest".equals(version) ? store.live(subject).get(store.live(subject).size() - 1).version()
                    : SchemaStore.parseVersion(version);
            SchemaStore.Version v = store.all(subject).stream().filter(x -> x.version() == number).findFirst()
                    .orElseThrow(() -> RegistryError.versionNotFound(number));
            if (!v.deleted()) {
                throw new RegistryError(404, 40407, "Subject '" + subject + "' Version " + number
                        + " was not deleted first before being permanently deleted");
            }
            write(SchemaStore.schemaTombstone(subject, number));
            return number;
        }
        if (!"latest".equals(version) && !"-1".equals(version)) {
            int number = SchemaStore.parseVersion(version);
            boolean softDeleted = store.all(subject).stream().anyMatch(x -> x.version() == number && x.deleted());
            if (softDeleted) {
                throw new RegistryError(404, 40406, "Subject '" + subject + "' Version " + number
                        + " was soft deleted. Set permanent=true to delete permanently");
            }
        }
        SchemaStore.Version v = store.version(subject, version);
        write(SchemaStore.schemaRecord(subject, v.version(), v.id(), v.schema(), true));
        return v.version();
    }

    private static ObjectNode versionJson(SchemaStore.Version v) {
        return SchemaStore.JSON.createObjectNode().put("subject", v.subject()).put("version", v.version())
                .put("id", v.id()).put("schema", v.schema());
    }

    private static Schema schemaOf(String body) {
        JsonNode request = json(body);
        String type = request.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new RegistryError(422, 42201, "Invalid schema type " + type + ": this registry serves AVRO only");
        }
        if (!request.path("schema").isTextual()) {
            throw RegistryError.invalidSchema("the request has no 'schema' string");
        }
        if (request.has("references") && request.path("references").size() > 0) {
            throw RegistryError.invalidSchema("schema references are not supported");
        }
        try {
            return new Schema.Parser().parse(request.path("schema").asText());
        } catch (RuntimeException e) {
            throw RegistryError.invalidSchema("not a valid Avro schema");
        }
    }

    private static JsonNode json(String body) {
        try {
            JsonNode node = SchemaStore.JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            if (node == null || !node.isObject()) {
                throw new RegistryError(422, 422, "Unrecognized request body: expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryError(400, 400, "Malformed JSON in the request body");
        }
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, 40403, "Schema " + text + " not found");
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
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
