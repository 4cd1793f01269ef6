package io.jitmask.testing;

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
 */
public final class TestBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private TestBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
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
            return new TestBroker(kit);
        } catch (Exception e) {
            throw new IllegalStateException("in-process Kafka did not start", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The broker's log directories, where every topic's segments live on disk. */
    public List<Path> logDirectories() {
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
        cluster.close();
    }
}
