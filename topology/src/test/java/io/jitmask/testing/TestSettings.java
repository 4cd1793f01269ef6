package io.jitmask.testing;

import io.jitmask.config.JitmaskConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings every {@link JitmaskConfig} requires (a broker and a registry, never contacted by the tests that use
 * them), for the tests of one setting: each starts from {@link #BASE} and adds only the setting it is about.
 */
public final class TestSettings {
    public static final Map<String, String> BASE = Map.of(JitmaskConfig.BOOTSTRAP_SERVERS, "localhost:9092",
            JitmaskConfig.REGISTRY_URL, "http://localhost:8081");

    private TestSettings() {
    }

    /** {@link #BASE} with {@code pairs} (name, value, name, value, ...) over it. */
    public static JitmaskConfig config(String... pairs) {
        Map<String, String> settings = new HashMap<>(BASE);
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return JitmaskConfig.of(settings);
    }
}
