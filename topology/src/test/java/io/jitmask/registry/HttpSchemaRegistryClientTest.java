package io.jitmask.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a scripted HTTP server: requests sent, caching, retries and error mapping. */
class HttpSchemaRegistryClientTest {
    static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"secretField\",\"type\":\"string\",\"default\":\"s3cr3t\"}]}");

    record Request(String method, String path, String contentType, String authorization, String body) {
    }

    record Reply(int status, String body) {
    }

    final Deque<Reply> replies = new ArrayDeque<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    HttpServer server;
    String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Reply reply;
            synchronized (replies) {
                reply = replies.isEmpty() ? new Reply(500, "no reply scripted") : replies.poll();
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    void script(int status, String body) {
        synchronized (replies) {
            replies.add(new Reply(status, body));
        }
    }

    HttpSchemaRegistryClient client() {
        return new HttpSchemaRegistryClient(url, null, 3, Duration.ofMillis(1));
    }

    static String schemaJson(Schema schema) {
        return "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(schema.toString()) + "}";
    }

    @Test
    void registersWithTheRegistryContentTypeAndCachesForever() {
        script(200, "{\"id\":7}");
        try (HttpSchemaRegistryClient client = client()) {
            assertThat(client.register("orders value/x", SCHEMA)).isEqualTo(7);
            assertThat(client.register("orders value/x", SCHEMA)).isEqualTo(7);
            assertThat(client.idOf("orders value/x", SCHEMA)).isEqualTo(7);
            assertThat(client.schemaById(7)).isEqualTo(SCHEMA);
        }
        assertThat(requests).containsExactly(new Request("POST", "/subjects/orders%20value%2Fx/versions",
                "application/vnd.schemaregistry.v1+json", null, schemaJson(SCHEMA)));
    }

    @Test
    void fetchesASchemaByIdOnce() {
        script(200, schemaJson(SCHEMA));
        try (HttpSchemaRegistryClient client = client()) {
            assertThat(client.schemaById(5)).isEqualTo(SCHEMA);
            assertThat(client.schemaById(5)).isEqualTo(SCHEMA);
        }
        assertThat(requests).extracting(Request::method, Request::path).containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/5"));
    }

    @Test
    void readsSubjectsVersionsAndLatest() {
        script(200, "[\"a-value\",\"b-value\"]");
        script(200, "[1,2]");
        script(200, "{\"subject\":\"a-value\",\"version\":2,\"id\":9," + schemaJson(SCHEMA).substring(1));
        script(200, "{\"subject\":\"a-value\",\"version\":1,\"id\":9," + schemaJson(SCHEMA).substring(1));
        try (HttpSchemaRegistryClient client = client()) {
            assertThat(client.subjects()).containsExactly("a-value", "b-value");
            assertThat(client.versions("a-value")).containsExactly(1, 2);
            assertThat(client.latest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 9, SCHEMA));
            assertThat(client.version("a-value", 1)).isEqualTo(new RegisteredSchema("a-value", 1, 9, SCHEMA));
        }
        assertThat(requests).extracting(Request::path).containsExactly("/subjects", "/subjects/a-value/versions",
                "/subjects/a-value/versions/latest", "/subjects/a-value/versions/1");
    }

    @Test
    void historyIdsListsEveryVersionOfAnyTypeWithoutParsingItAsAvro() {
        String json = "{\"subject\":\"t-value\",\"version\":%d,\"id\":%d,\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}";
        script(200, "[1,2]");
        script(200, String.format(json, 1, 11));
        script(200, String.format(json, 2, 12));
        script(200, "[1]");
        script(200, String.format(json, 1, 11));
        try (HttpSchemaRegistryClient client = client()) {
            assertThat(client.historyIds("t-value")).containsExactly(new RegisteredSchema("t-value", 1, 11, null),
                    new RegisteredSchema("t-value", 2, 12, null));
            assertThatThrownBy(() -> client.history("t-value")).isInstanceOf(RegistryException.class)
                    .hasMessage("schema 11 from the registry is not a valid Avro schema");
        }
        assertThat(requests).extracting(Request::path).containsExactly("/subjects/t-value/versions",
                "/subjects/t-value/versions/1", "/subjects/t-value/versions/2", "/subjects/t-value/versions",
                "/subjects/t-value/versions/1");
    }

    @Test
    void retriesServerErrorsThenSucceeds() {
        script(503, "busy");
        script(500, "{\"error_code\":50001,\"message\":\"store\"}");
        script(200, "{\"id\":3}");
        try (HttpSchemaRegistryClient client = client()) {
            assertThat(client.register("r-value", SCHEMA)).isEqualTo(3);
        }
        assertThat(requests).hasSize(3);
    }

    @Test
    void serverErrorsOnEveryTryAreUnavailable() {
        script(503, "busy");
        script(503, "busy");
        script(503, "busy");
        script(200, schemaJson(SCHEMA));
        try (HttpSchemaRegistryClient client = client()) {
            assertThatThrownBy(() -> client.schemaById(5)).isExactlyInstanceOf(RegistryUnavailableException.class)
                    .hasMessage("schema registry " + url + " answered HTTP 503 to GET /schemas/ids/5 (3 attempts)")
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(50001);
        }
        assertThat(requests).hasSize(3);
    }

    @Test
    void unreachableIsUnavailableAfterEveryTry() {
        server.stop(0);
        try (HttpSchemaRegistryClient client = client()) {
            assertThatThrownBy(() -> client.subjects()).isExactlyInstanceOf(RegistryUnavailableException.class)
                    .hasMessageStartingWith("schema registry " + url + " unreachable (")
                    .hasMessageEndingWith(") to GET /subjects (3 attempts)");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {40401, 40402, 40403})
    void notFoundCodesAreSchemaNotFound(int code) {
        script(404, "{\"error_code\":" + code + ",\"message\":\"Subject 'x-value' not found.\"}");
        try (HttpSchemaRegistryClient client = client()) {
            assertThatThrownBy(() -> client.latest("x-value")).isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessage("schema registry " + url + " refused GET /subjects/x-value/versions/latest: error " + code
                            + " (Subject 'x-value' not found.)")
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(code);
        }
        assertThat(requests).hasSize(1);
    }

    @Test
    void aPlain404IsNotAMissingSchema() {
        script(404, "<html>not here</html>");
        try (HttpSchemaRegistryClient client = client()) {
            assertThatThrownBy(() -> client.schemaById(1)).isExactlyInstanceOf(RegistryException.class)
                    .hasMessage("schema registry " + url + " refused GET /schemas/ids/1: error 404")
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(404);
        }
    }

    @Test
    void refusalsKeepTheCodeButNotTheSchemaText() {
        // Confluent's own wording, which quotes the schema.
        script(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema for"
                + " subject \\\"r-value\\\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'}, {oldSchema: '"
                + SCHEMA.toString().replace("\"", "\\\"") + "'}]\"}");
        script(422, "{\"error_code\":42201,\"message\":\"Invalid schema {subject=r-value, schema="
                + SCHEMA.toString().replace("\"", "\\\"") + "}\"}");
        try (HttpSchemaRegistryClient client = client()) {
            assertThatThrownBy(() -> client.register("r-value", SCHEMA)).isExactlyInstanceOf(RegistryException.class)
                    .hasMessage("schema registry " + url + " refused POST /subjects/r-value/versions: error 409"
                            + " (Schema being registered is incompatible with an earlier schema for subject \"r-value\", details:)")
                    .extracting(e -> ((RegistryException) e).errorCode()).isEqualTo(409);
            assertThatThrownBy(() -> client.register("r-value", SCHEMA)).isExactlyInstanceOf(RegistryException.class)
                    .hasMessage("schema registry " + url + " refused POST /subjects/r-value/versions: error 42201 (Invalid schema)")
                    .hasMessageNotContaining("s3cr3t");
        }
        assertThat(requests).hasSize(2);
    }

    @Test
    void basicAuthFromTheUrlIsSentButNeverPrinted() {
        script(404, "{\"error_code\":40403,\"message\":\"Schema 1 not found\"}");
        String withPassword = url.replace("http://", "http://svc:p%40ss@");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(withPassword, null, 1, Duration.ofMillis(1))) {
            assertThat(client.url()).isEqualTo(url);
            assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(SchemaNotFoundException.class)
                    .hasMessageNotContaining("p@ss").hasMessageNotContaining("p%40ss");
        }
        assertThat(requests.get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:p@ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void basicAuthFromTheConstructor() {
        script(200, "[]");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, "svc:secret")) {
            assertThat(client.subjects()).isEmpty();
        }
        assertThat(requests.get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void badUrlsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("schema registry URL must look like http://host:port");
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("http://u:pa ss@host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("schema registry URL is not a valid URL");
    }
}
