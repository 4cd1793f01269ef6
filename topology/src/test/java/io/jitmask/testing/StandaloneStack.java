package io.jitmask.testing;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * jitmask on a broker of the test's own (the product's embedded broker) rather than the shared one: for tests that
 * restart the broker or flood a topic every other test's application reads.
 */
public final class StandaloneStack {
    private StandaloneStack() {
    }

    /** {@code raw.<dataset>} and {@code masked.<dataset>}, 3 partitions each. */
    public static void createDatasetTopics(String bootstrap, String dataset) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.raw(dataset), 3, (short) 1),
                    new NewTopic(Topics.masked(dataset), 3, (short) 1))).all().get();
        }
    }

    /** The demo policy and keyring, a fresh keyset and state directory under {@code dir}, raw read from the start. */
    public static JitmaskConfig config(String bootstrap, String registryUrl, Path dir, String dataset,
                                       Map<String, String> extra) {
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
        Map<String, String> settings = new HashMap<>(Map.of(
                JitmaskConfig.BOOTSTRAP_SERVERS, bootstrap,
                JitmaskConfig.REGISTRY_URL, registryUrl,
                JitmaskConfig.STATE_DIR, dir.resolve("state").toString(),
                JitmaskConfig.DATASETS, dataset,
                JitmaskConfig.POLICY_FILE, DemoActors.POLICY.toString(),
                JitmaskConfig.KEYRING_FILE, DemoActors.KEYRING.toString(),
                JitmaskConfig.KEYSET_FILE, dir.resolve("keyset.json").toString(),
                "consumer.auto.offset.reset", "earliest"));
        settings.putAll(extra);
        return JitmaskConfig.of(settings);
    }
}
