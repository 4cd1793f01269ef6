package io.jitmask.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --command-config}: Kafka client properties for every command that talks to Kafka, like Kafka's own tools. */
class CommandConfigTest {
    @TempDir
    Path dir;

    static ClusterOptions parse(String... args) {
        ClusterOptions options = new ClusterOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void fileSettingsPassThroughAndTheFlagWinsForBootstrap() throws Exception {
        Path file = dir.resolve("alice.properties");
        Files.writeString(file, """
                bootstrap.servers=broker:9095
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p";
                """);
        assertThat(parse("--command-config", file.toString()).kafka()).isEqualTo(Map.of(
                "bootstrap.servers", "broker:9095",
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"p\";"));
        assertThat(parse("--command-config", file.toString(), "--bootstrap-servers", "other:1").bootstrapServers()).isEqualTo("other:1");
        assertThat(parse().kafka()).isEqualTo(Map.of("bootstrap.servers", "localhost:9092"));
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        StringWriter err = new StringWriter();
        int exit = JitmaskCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "grants", "--command-config", dir.resolve("missing.properties").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jitmask: cannot read --command-config " + dir.resolve("missing.properties")
                + " (NoSuchFileException)" + System.lineSeparator());
    }

    @Test
    void secureIsForTheEmbeddedBrokerOnly() {
        StringWriter err = new StringWriter();
        int exit = JitmaskCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "up", "--secure", "--bootstrap-servers", "localhost:1", "--registry-port", "0", "--data-dir", dir.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jitmask: --secure secures the embedded broker; it cannot be combined with "
                + "--bootstrap-servers" + System.lineSeparator());
    }

    @Test
    void secureBannerNamesFilesNeverPasswords() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String name : new String[] {"admin", "jitmask", "producer", "analyst", "alice", "dave", "bob", "carol", "erin"}) {
            files.put(name, dir.resolve("credentials").resolve(name + ".properties"));
        }
        StringWriter out = new StringWriter();
        SecureBanner.print(new PrintWriter(out, true), files, "http://localhost:8081");
        String banner = out.toString();
        StringWriter other = new StringWriter();
        SecureBanner.print(new PrintWriter(other, true), files, "http://localhost:18081");
        assertThat(other.toString()).contains("consume --topic masked.customers --max 10 --registry-url http://localhost:18081 --command-config ");
        assertThat(banner).contains("  analyst     reads masked.*").contains("  producer    writes raw.*")
                .contains("consume --topic masked.customers --max 10 --command-config " + dir.resolve("credentials") + "/analyst.properties")
                .doesNotContain("password=").doesNotContain("sasl.jaas.config");
    }
}
