package io.jitmask.cli;

import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and schema registry are, and how to log in, for commands that talk to them. */
public final class ClusterOptions {
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = "--bootstrap-servers",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --command-config, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*...), e.g. .jitmask/credentials/alice.properties.")
    Path commandConfig;

    @Option(names = "--registry-url", defaultValue = "http://localhost:8081",
            description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String registryUrl;

    public String bootstrapServers() {
        return (String) kafka().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** Settings for a Kafka client: the --command-config file's, with --bootstrap-servers winning. */
    public Map<String, Object> kafka() {
        Map<String, Object> settings = new HashMap<>(fileSettings());
        if (bootstrapServers != null) {
            settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        // Registry credentials in the same file are not Kafka settings.
        settings.keySet().removeIf(k -> k.startsWith("basic.auth.") || k.startsWith("schema.registry."));
        settings.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        return settings;
    }

    /** {@link #kafka()} plus a command's own settings. */
    public Map<String, Object> kafka(Map<String, Object> own) {
        Map<String, Object> settings = kafka();
        settings.putAll(own);
        return settings;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /**
     * The registry's basic-auth {@code user:password} from the --command-config file ({@code basic.auth.user.info},
     * as Confluent's clients read it; {@code jitmask up --secure} writes it there), or null.
     */
    public String registryUserInfo() {
        return io.jitmask.config.JitmaskConfig.registryUserInfo(fileSettings()::get);
    }

    /** The --command-config file's settings; empty without one. */
    private Map<String, String> fileSettings() {
        Map<String, String> settings = new HashMap<>();
        if (commandConfig != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(commandConfig)) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read --command-config " + commandConfig + " (" + e.getClass().getSimpleName() + ")");
            }
            props.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        }
        return settings;
    }
}
