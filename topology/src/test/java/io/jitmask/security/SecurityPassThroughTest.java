package io.jitmask.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.JitmaskConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The production example's SASL/TLS settings reach every Kafka client jitmask makes, and Kafka Streams. */
class SecurityPassThroughTest {
    @Test
    void securitySettingsOfAppPropertiesPassToClientsAndStreams() {
        JitmaskConfig config = JitmaskConfig.load(Path.of("../deploy/app.properties"));
        for (Properties props : new Properties[] {config.clientProperties(), config.streamsProperties()}) {
            assertThat(props.getProperty("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(props.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(props.getProperty("sasl.jaas.config")).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule "
                    + "required username=\"jitmask\" password=\"${file:/etc/jitmask/secrets.properties:kafka.password}\";");
            assertThat(props.getProperty("config.providers.file.class"))
                    .isEqualTo("org.apache.kafka.common.config.provider.FileConfigProvider");
            assertThat(props.getProperty("ssl.truststore.location")).isEqualTo("/etc/jitmask/truststore.p12");
            assertThat(props.stringPropertyNames()).noneMatch(key -> key.startsWith("jitmask."));
        }
    }
}
