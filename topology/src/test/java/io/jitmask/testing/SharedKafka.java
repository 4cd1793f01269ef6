package io.jitmask.testing;

import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The one {@link TestBroker} per test JVM, started on first use and gone when the JVM exits, so every integration
 * test class shares it. Tests isolate themselves by topic names, not by brokers.
 */
public final class SharedKafka {
    private static TestBroker broker;

    private SharedKafka() {
    }

    public static synchronized TestBroker broker() {
        if (broker == null) {
            // Deliberately never closed: a controlled shutdown of a broker holding hundreds of topics can outlast
            // the test runner's fork exit timeout and fail a green build. The JVM's exit ends it; its temporary
            // directories are left to the OS.
            broker = TestBroker.start();
        }
        return broker;
    }

    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** The broker's log directories, where every topic's segments live on disk. */
    public static java.util.List<java.nio.file.Path> logDirectories() {
        return broker().logDirectories();
    }

    public static Admin admin() {
        return broker().admin();
    }

    public static Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates topics (idempotent per name) and waits until they exist. */
    public static void createTopics(int partitions, String... names) {
        broker().createTopics(partitions, names);
    }
}
