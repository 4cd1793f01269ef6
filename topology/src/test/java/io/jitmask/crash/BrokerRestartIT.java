package io.jitmask.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.Topics;
import io.jitmask.embedded.EmbeddedKafkaBroker;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.StandaloneStack;
import io.jitmask.testing.TopicReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away in the middle of the run and comes back on the same ports with the same data: jitmask
 * rides through the outage (it does not die), and every raw record is in masked.* exactly once.
 *
 * <p>Uses the product's own embedded broker (persistent data directory, fixed ports) rather than the shared test
 * broker, which cannot be restarted.
 */
class BrokerRestartIT {
    static final String DATASET = "outage";
    static final int OUTAGE_SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void aBrokerRestartMidRunLosesAndDuplicatesNothing() throws Exception {
        restartBrokerUnderLoad(1);
    }

    @Test
    @Tag("soak")
    void fiveBrokerRestartsLoseAndDuplicateNothing() throws Exception {
        restartBrokerUnderLoad(5);
    }

    void restartBrokerUnderLoad(int restarts) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), "localhost", port, controllerPort);
        String bootstrap = broker.bootstrapServers();
        StandaloneStack.createDatasetTopics(bootstrap, DATASET);
        JitmaskApp app = null;
        try (EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(bootstrap, "localhost", 0);
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryServer.url())) {
            registry.register(Topics.raw(DATASET) + "-value", SampleSchemas.of("customers"));
            app = JitmaskApp.start(StandaloneStack.config(bootstrap, registryServer.url(), dir, DATASET, Map.of()));
            app.awaitRunning(Duration.ofSeconds(60));
            RawLoad load = RawLoad.start(bootstrap, registry, Topics.raw(DATASET), seq -> "K" + (seq % 10));
            try {
                awaitProgress(bootstrap, 50);

                long outageMs = 0;
                for (int restart = 0; restart < restarts; restart++) {
                    long outageStartedAt = System.nanoTime();
                    broker.close();
                    int producedBeforeOutage = load.acknowledged();
                    // Down long enough for every client to notice: sends, fetches, heartbeats and commits all fail.
                    Awaitility.await().pollDelay(Duration.ofSeconds(OUTAGE_SECONDS)).atMost(Duration.ofSeconds(OUTAGE_SECONDS + 1))
                            .until(() -> true);
                    assertThat(load.acknowledged()).as("nothing is acknowledged while the broker is down")
                            .isLessThanOrEqualTo(producedBeforeOutage + 1);
                    broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), "localhost", port, controllerPort);
                    outageMs = Math.max(outageMs, (System.nanoTime() - outageStartedAt) / 1_000_000);
                    int producedBeforeRecovery = load.acknowledged();
                    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> load.acknowledged() > producedBeforeRecovery + 50);
                    awaitProgress(bootstrap, 50);
                }

                List<RawLoad.Sent> sent = load.stop();
                int total = sent.size();
                List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAllWhenAtLeast(
                        bootstrap, Topics.masked(DATASET), total, Duration.ofSeconds(90));
                Delivery.assertExactlyOnce("masked", Delivery.bySeq(masked), 0, total);
                assertThat(masked).hasSize(total);
                assertThat(app.streams().state()).as("jitmask rode through the outage").isEqualTo(KafkaStreams.State.RUNNING);
                System.out.printf("FIGURES BrokerRestartIT brokerRestarts=%d longestOutageMs=%d records=%d masked=%d%n",
                        restarts, outageMs, total, masked.size());
            } finally {
                load.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
            broker.close();
        }
    }

    static void awaitProgress(String bootstrap, int records) {
        TopicReader.awaitProgress(bootstrap, Topics.masked(DATASET), records);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
