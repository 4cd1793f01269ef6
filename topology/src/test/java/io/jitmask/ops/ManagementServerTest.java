package io.jitmask.ops;

import static io.jitmask.testing.TestSettings.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probes against a real Kafka Streams instance that is never started (no broker needed). */
class ManagementServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static HttpResponse<String> call(String method, String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    KafkaStreams neverStarted() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "management-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        return new KafkaStreams(builder.build(), props);
    }

    @Test
    void readyOnlyWhenRunningAliveUntilStopped() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JitmaskMetrics metrics = new JitmaskMetrics(registry, Clock.systemUTC(), Duration.ZERO);
        metrics.recordMasked("customers");
        try (ManagementServer server = ManagementServer.start("127.0.0.1", 0, registry, metrics, "grants-global")) {
            String url = server.url();
            assertThat(url).isEqualTo("http://127.0.0.1:" + server.port());

            // Bound before the application exists: alive, not ready.
            assertThat(call("GET", url + "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> starting = call("GET", url + "/ready");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(starting.body())).isEqualTo(JSON.readTree(
                    "{\"ready\":false,\"state\":\"STARTING\",\"globalStoreRestored\":false}"));

            KafkaStreams streams = neverStarted();
            server.attach(streams);
            HttpResponse<String> created = call("GET", url + "/ready");
            assertThat(created.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(created.body()).get("state").asText()).isEqualTo("CREATED");
            HttpResponse<String> alive = call("GET", url + "/health");
            assertThat(alive.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(alive.body()).get("status").asText()).isEqualTo("UP");
            assertThat(alive.headers().firstValue("Content-Type")).hasValue("application/json");

            streams.close(Duration.ofSeconds(10));
            HttpResponse<String> stopped = call("GET", url + "/health");
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(stopped.body())).isEqualTo(JSON.readTree(
                    "{\"status\":\"DOWN\",\"state\":\"NOT_RUNNING\",\"streamThreads\":0}"));
            assertThat(call("GET", url + "/ready").statusCode()).isEqualTo(503);

            HttpResponse<String> scrape = call("GET", url + "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(PrometheusText.parse(scrape.body()).value("jitmask_records_masked_total", Map.of("dataset", "customers")))
                    .isEqualTo(1.0);
            assertThat(call("POST", url + "/metrics").statusCode()).isEqualTo(405);
            assertThat(call("GET", url + "/metrics/extra").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPortInUseStopsStartUpNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            JitmaskConfig config = config(JitmaskConfig.METRICS_ENABLED, "true", JitmaskConfig.METRICS_HOST, "127.0.0.1",
                    JitmaskConfig.METRICS_PORT, Integer.toString(taken.getLocalPort()));
            assertThatThrownBy(() -> Management.start(config, "grants-global")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("jitmask.metrics.port").hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void aStartThatFailsAfterBindingReleasesThePort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        JitmaskConfig config = config(JitmaskConfig.BOOTSTRAP_SERVERS, "no port here", JitmaskConfig.METRICS_ENABLED, "true",
                JitmaskConfig.METRICS_HOST, "127.0.0.1", JitmaskConfig.METRICS_PORT, Integer.toString(port));
        assertThatThrownBy(() -> io.jitmask.app.JitmaskApp.start(config, null, null, null, null))
                .isInstanceOf(org.apache.kafka.common.KafkaException.class);
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void disabledListensNowhereAndCountsNothing() {
        JitmaskConfig config = config();
        assertThat(config.metricsEnabled()).isFalse();
        try (Management management = Management.start(config, "grants-global")) {
            assertThat(management.url()).isNull();
            management.metrics().recordMasked("customers");
        }
    }

    @Test
    void badPortSettingsAreRefused() {
        assertThatThrownBy(() -> config(JitmaskConfig.METRICS_PORT, "70000")).isInstanceOf(ConfigException.class).hasMessage(
                "jitmask.metrics.port must be a port number (0-65535), got 70000");
        assertThatThrownBy(() -> config(JitmaskConfig.METRICS_PORT, "http")).isInstanceOf(ConfigException.class).hasMessage(
                "jitmask.metrics.port must be a number, got 'http'");
    }
}
