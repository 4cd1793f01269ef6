package io.jitmask.testing;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real in-process KRaft broker per test JVM, started on first use and gone when the JVM exits, so every
 * integration test class shares it. Tests isolate themselves by topic names, not by brokers.
 *
 * <p>The broker runs Kafka's {@code StandardAuthorizer} with everyone allowed when no ACL matches, so grant tests can
 * create and remove real ACLs on a PLAINTEXT listener. Topics are never auto-created: a write to a deleted grant
 * topic must fail the way it does in production.
 */
public final class SharedKafka {
    private static KafkaClusterTestKit cluster;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            // Deliberately never closed: a controlled shutdown of a broker holding hundreds of topics can outlast
            // the test runner's fork exit timeout and fail a green build. The JVM's exit ends it; its temporary
            // directories are left to the OS.
            cluster = start();
        }
        return cluster.bootstrapServers();
    }

    /** The broker's log directories, where every topic's segments live on disk. */
    public static java.util.List<java.nio.file.Path> logDirectories() {
        bootstrapServers();
        return cluster.nodes().brokerNodes().values().stream()
                .flatMap(node -> node.logDataDirectories().stream()).map(java.nio.file.Path::of).toList();
    }

    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    public static Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates topics (idempotent per name) and waits until they exist. */
    public static void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            for (String name : names) {
                try {
                    admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1))).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create test topics", e);
        }
    }

    private static KafkaClusterTestKit start() {
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
            return kit;
        } catch (Exception e) {
            throw new IllegalStateException("in-process Kafka did not start", e);
        }
    }
}
