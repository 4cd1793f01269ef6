package io.jitmask.ops;

import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The operational side of one jitmask instance: the metrics the processors report to, and, when
 * {@code jitmask.metrics.enabled}, the Prometheus registry with JVM and Kafka Streams metrics served on the
 * management port. Started before any Kafka client so a port in use stops start-up at once.
 */
public final class Management implements AutoCloseable {
    /** Kafka's own metrics are re-read this often, so per-task and per-partition metrics appear soon after assignment. */
    private static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

    private final JitmaskMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final ManagementServer server;
    private final JvmGcMetrics gc;
    private ScheduledExecutorService kafkaRefresh;
    private KafkaStreamsMetrics kafkaMetrics;
    private KafkaStreamsMetrics controlMetrics;

    private Management(JitmaskMetrics metrics, PrometheusMeterRegistry registry, ManagementServer server, JvmGcMetrics gc) {
        this.metrics = metrics;
        this.registry = registry;
        this.server = server;
        this.gc = gc;
    }

    /** Binds the management port when enabled; otherwise metrics are counted nowhere and nothing listens. */
    public static Management start(JitmaskConfig config, String globalStore) {
        if (!config.metricsEnabled()) {
            return new Management(JitmaskMetrics.none(), null, null, null);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Kafka keeps per-topic producer metrics of every grant topic ever written until the process ends: without
        // this, series would pile up with every grant. Deliveries per grant are jitmask's own, bounded, metric.
        registry.config().meterFilter(MeterFilter.deny(id -> isGrantTopic(id.getTag("topic"))));
        JitmaskMetrics metrics = new JitmaskMetrics(registry, Clock.systemUTC(), config.metricsGrantSeriesRetention());
        ManagementServer server;
        try {
            server = ManagementServer.start(config.metricsHost(), config.metricsPort(), registry, metrics, globalStore);
        } catch (IOException e) {
            registry.close();
            throw new ConfigException("cannot serve metrics on " + config.metricsHost() + ":" + config.metricsPort()
                    + " (" + JitmaskConfig.METRICS_HOST + ", " + JitmaskConfig.METRICS_PORT + "): " + e.getMessage(), e);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new Management(metrics, registry, server, gc);
    }

    static boolean isGrantTopic(String topic) {
        return topic != null && (topic.startsWith(Topics.GRANT_PREFIX) || topic.startsWith(Topics.GRANT_PREFIX.replace('.', '_')));
    }

    public JitmaskMetrics metrics() {
        return metrics;
    }

    /** Hands the application to the probes and binds Kafka Streams' own metrics (lag, rates, thread states). */
    public void attach(KafkaStreams streams) {
        attach(streams, null);
    }

    /**
     * Both Kafka Streams instances: masking and the control plane. Their metrics carry a {@code streams} label
     * ({@code masking}, {@code control}) besides Kafka's own client and thread ids.
     */
    public void attach(KafkaStreams streams, KafkaStreams control) {
        if (server == null) {
            return;
        }
        kafkaRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jitmask-kafka-metrics");
            t.setDaemon(true);
            return t;
        });
        kafkaMetrics = new KafkaStreamsMetrics(streams, Tags.of("streams", "masking"), kafkaRefresh, KAFKA_METRICS_REFRESH);
        kafkaMetrics.bindTo(registry);
        if (control != null) {
            controlMetrics = new KafkaStreamsMetrics(control, Tags.of("streams", "control"), kafkaRefresh, KAFKA_METRICS_REFRESH);
            controlMetrics.bindTo(registry);
        }
        server.attach(streams, control);
    }

    /** The management URL, or null when it is not enabled. */
    public String url() {
        return server == null ? null : server.url();
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        server.close();
        if (kafkaMetrics != null) {
            kafkaMetrics.close();
            if (controlMetrics != null) {
                controlMetrics.close();
            }
            kafkaRefresh.shutdownNow();
        }
        gc.close();
        registry.close();
    }
}
