package io.jitmask.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: {@code /metrics} (Prometheus text format), {@code /health} (liveness) and {@code /ready}
 * (readiness), on a port of its own so a NetworkPolicy can open it to Prometheus and the kubelet only, and so the
 * probes work whether or not the HTTP API is enabled.
 *
 * <ul>
 *   <li>{@code /health}: 200 unless either Kafka Streams instance (masking, control plane) is in ERROR,
 *   PENDING_ERROR or NOT_RUNNING, or runs without a single live stream thread; a restart is the cure for all of
 *   these.</li>
 *   <li>{@code /ready}: 200 once both are RUNNING and the masking instance's global grants store can be queried
 *   (restored); 503 before, during a rebalance, and after.</li>
 * </ul>
 */
public final class ManagementServer implements AutoCloseable {
    public static final String METRICS_PATH = "/metrics";
    public static final String HEALTH_PATH = "/health";
    public static final String READY_PATH = "/ready";
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<KafkaStreams.State> DEAD =
            Set.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.NOT_RUNNING);
    private static final Set<String> DEAD_THREAD_STATES = Set.of("DEAD", "PENDING_SHUTDOWN");

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile KafkaStreams streams;
    private volatile KafkaStreams control;
    private final PrometheusMeterRegistry registry;
    private final JitmaskMetrics metrics;
    private final String globalStore;
    private final String url;

    private ManagementServer(String host, int port, PrometheusMeterRegistry registry, JitmaskMetrics metrics,
                             String globalStore) throws IOException {
        this.registry = registry;
        this.metrics = metrics;
        this.globalStore = globalStore;
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "jitmask-management-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(METRICS_PATH, exchange -> handle(exchange, this::metrics));
        server.createContext(HEALTH_PATH, exchange -> handle(exchange, this::health));
        server.createContext(READY_PATH, exchange -> handle(exchange, this::ready));
        server.start();
        url = "http://" + EmbeddedSchemaRegistry.urlHost(host, server.getAddress()) + ":" + server.getAddress().getPort();
    }

    /**
     * Serves on {@code host:port} (0 picks a free port) before any Kafka client exists, so a port in use stops
     * start-up at once; not ready until {@link #attach} hands it the application. {@code globalStore} is the
     * global store that must be queryable before the instance is ready.
     */
    public static ManagementServer start(String host, int port, PrometheusMeterRegistry registry, JitmaskMetrics metrics,
                                         String globalStore) throws IOException {
        return new ManagementServer(host, port, registry, metrics, globalStore);
    }

    public void attach(KafkaStreams streams) {
        attach(streams, null);
    }

    /** The masking instance and the control plane's (null when there is none). */
    public void attach(KafkaStreams streams, KafkaStreams control) {
        this.control = control;
        this.streams = streams;
    }

    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, String contentType, String body) {
    }

    private void handle(HttpExchange exchange, java.util.function.Supplier<Response> endpoint) throws IOException {
        try (exchange) {
            Response response;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                response = new Response(405, "application/json", "{\"error\":\"only GET\"}");
            } else if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                response = new Response(404, "application/json", "{\"error\":\"not found\"}");
            } else {
                try {
                    response = endpoint.get();
                } catch (RuntimeException e) {
                    LOG.warn("management endpoint {} failed: {}", exchange.getHttpContext().getPath(), e.getClass().getSimpleName());
                    response = new Response(500, "application/json", "{\"error\":\"internal error\"}");
                }
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private Response metrics() {
        metrics.retireEndedGrants();
        return new Response(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private Response health() {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return json(true, JSON.createObjectNode().put("status", "UP").put("state", "STARTING").put("streamThreads", 0));
        }
        KafkaStreams control = this.control;
        boolean up = alive(streams) && (control == null || alive(control));
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN").put("state", streams.state().name())
                .put("streamThreads", liveStreamThreads(streams));
        if (control != null) {
            body.put("controlState", control.state().name()).put("controlStreamThreads", liveStreamThreads(control));
        }
        return json(up, body);
    }

    private static boolean alive(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        boolean threadsNeeded = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        return !DEAD.contains(state) && (!threadsNeeded || liveStreamThreads(streams) > 0);
    }

    private Response ready() {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return json(false, JSON.createObjectNode().put("ready", false).put("state", "STARTING").put("globalStoreRestored", false));
        }
        KafkaStreams.State state = streams.state();
        boolean restored = state == KafkaStreams.State.RUNNING && globalStoreQueryable(streams);
        KafkaStreams control = this.control;
        boolean ready = restored && (control == null || control.state() == KafkaStreams.State.RUNNING);
        ObjectNode body = JSON.createObjectNode().put("ready", ready).put("state", state.name())
                .put("globalStoreRestored", restored);
        if (control != null) {
            body.put("controlState", control.state().name());
        }
        return json(ready, body);
    }

    private static long liveStreamThreads(KafkaStreams streams) {
        try {
            return streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadState)
                    .filter(s -> !DEAD_THREAD_STATES.contains(s)).count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private boolean globalStoreQueryable(KafkaStreams streams) {
        try {
            streams.store(StoreQueryParameters.fromNameAndType(globalStore, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
            return true;
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    private static Response json(boolean ok, ObjectNode body) {
        return new Response(ok ? 200 : 503, "application/json", body.toString());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
