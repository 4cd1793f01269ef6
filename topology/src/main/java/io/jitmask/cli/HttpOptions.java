package io.jitmask.cli;

import io.jitmask.config.JitmaskConfig;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The HTTP API and console flags of {@code up} and {@code run}; they win over the configuration file. */
public final class HttpOptions {
    @Option(names = "--http-port", description = "Port of the HTTP API and web console (default: 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--no-http", description = "Do not serve the HTTP API and web console.")
    boolean disabled;

    public Map<String, String> overrides() {
        Map<String, String> out = new HashMap<>();
        if (port != null) {
            out.put(JitmaskConfig.HTTP_PORT, Integer.toString(port));
        }
        if (disabled) {
            out.put(JitmaskConfig.HTTP_ENABLED, "false");
        }
        return out;
    }
}
