package io.jitmask.cli;

import picocli.CommandLine.Option;

/** Where the Kafka cluster and schema registry are, for commands that talk to them. */
public final class ClusterOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = "http://localhost:8081",
            description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String registryUrl;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }
}
