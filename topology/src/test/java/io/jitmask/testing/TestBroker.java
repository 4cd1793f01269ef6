package io.jitmask.testing;

import io.jitmask.embedded.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real in-process KRaft broker (combined with its controller), configured the way every integration test
 * expects: {@code StandardAuthorizer} with everyone allowed when no ACL matches (grant tests create and remove real
 * ACLs on a PLAINTEXT listener), no auto-created topics (a write to a deleted grant topic fails as in production), a
 * 1 s group session floor (crash tests' killed members leave in seconds). {@link SharedKafka} holds the one every
 * class shares; a class that must see a broker holding only its own data (a full leak scan) asks
 * {@link JitmaskStack.Builder#ownBroker()} for one of these.
 *
 * <p>A class that stops the broker and starts it again ({@link JitmaskStack.Builder#restartableBroker()}) gets the
 * product's own {@link EmbeddedKafkaBroker} instead ({@link #startRestartable}): its data directory and ports are
 * fixed, so {@link #stop()} and {@link #startAgain()} bring back the same broker, topics and offsets, which the test
 * kit's brokers cannot.
 */
public final class TestBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final Restartable restartable;

    /** The product's embedded broker on fixed ports and a fixed data directory; {@code running} null while stopped. */
    private static final class Restartable {
        final Path dataDir;
        final int port;
        final int controllerPort;
        EmbeddedKafkaBroker running;

        Restartable(Path dataDir) throws Exception {
            this.dataDir = dataDir;
            this.port = freePort();
            this.controllerPort = freePort();
        }

        void start() throws Exception {
            if (running == null) {
                running = EmbeddedKafkaBroker.start(dataDir, "localhost", port, controllerPort);
            }
        }

        void stop() {
            if (running != null) {
                running.close();
                running = null;
            }
        }

        private static int freePort() throws Exception {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    private TestBroker(KafkaClusterTestKit cluster, Restartable restartable) {
        this.cluster = cluster;
        this.restartable = restartable;
    }

    /** A broker that {@link #stop()} and {@link #startAgain()} take down and bring back with its data, on the same ports. */
    public static TestBroker startRestartable(Path dataDir) {
        try {
            Restartable broker = new Restartable(dataDir);
            broker.start();
            return new TestBroker(null, broker);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start", e);
        }
    }

    /** Stops a restartable broker (its clients see it gone); {@link #startAgain()} brings it back. */
    public void stop() {
        restartable().stop();
    }

    /** Starts a stopped restartable broker again, on the same ports with the same data. */
    public void startAgain() throws Exception {
        restartable().start();
    }

    private Restartable restartable() {
        if (restartable == null) {
            throw new IllegalStateException("not a restartable broker: JitmaskStack.Builder#restartableBroker()");
        }
        return restartable;
    }

    public static TestBroker start() {
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // Crash and scale tests run jitmask with a short session timeout so a killed member leaves its
                    // group in seconds; the broker's default floor is 6 s.
                    .setConfigProp("group.min.session.timeout.ms", "1000")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("log.segment.delete.delay.ms", "1000")
                    .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .setConfigProp("allow.everyone.if.no.acl.found", "true")
                    .setConfigProp("super.users", "User:ANONYMOUS")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new TestBroker(kit, null);
        } catch (Exception e) {
            throw new IllegalStateException("in-process Kafka did not start", e);
        }
    }

    public String bootstrapServers() {
        return restartable != null ? "localhost:" + restartable.port : cluster.bootstrapServers();
    }

    /** The broker's log directories, where every topic's segments live on disk. */
    public List<Path> logDirectories() {
        if (restartable != null) {
            return List.of(restartable.dataDir.resolve("kafka"));
        }
        return cluster.nodes().brokerNodes().values().stream()
                .flatMap(node -> node.logDataDirectories().stream()).map(Path::of).toList();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Creates topics (idempotent per name) and waits until they exist. */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create test topics", e);
        }
    }

    /** Stops the broker and removes its directories (a broker holding a class's few topics stops in seconds). */
    @Override
    public void close() throws Exception {
        if (restartable != null) {
            restartable.stop();
        } else {
            cluster.close();
        }
    }
}
