package io.jitmask.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jitmask.config.JitmaskConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The deployment files parse and say what they must; there is no Docker engine to run them here. */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..");

    @Test
    void composeRunsKafkaRegistryAndJitmaskWithHealthChecks() throws Exception {
        JsonNode compose = new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        assertThat(StreamSupport.stream(((Iterable<String>) services::fieldNames).spliterator(), false).toList())
                .containsExactly("kafka", "schema-registry", "jitmask");
        assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:");
        assertThat(services.at("/schema-registry/image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.at("/jitmask/build/dockerfile").asText()).isEqualTo("deploy/Dockerfile");
        for (String service : List.of("kafka", "schema-registry", "jitmask")) {
            assertThat(services.get(service).has("healthcheck")).as(service + " healthcheck").isTrue();
        }
        assertThat(services.at("/kafka/environment/KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        assertThat(services.at("/jitmask/depends_on/schema-registry/condition").asText()).isEqualTo("service_healthy");
        assertThat(services.at("/jitmask/healthcheck/test").toString()).as("ready = RUNNING with the grants store restored")
                .contains("/dev/tcp/127.0.0.1/9404").contains("GET /ready").contains("' 200 '");
        for (JsonNode volume : services.at("/jitmask/volumes")) {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("./")) {
                assertThat(ROOT.resolve(source)).as("mounted file " + source).exists();
            }
        }
    }

    @Test
    void dockerfileBuildsTheShadedJarAndRunsAsNonRoot() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("deploy/Dockerfile"));
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre").contains("USER 10001")
                .contains("jitmask-topology-*-all.jar").containsPattern("EXPOSE .*\\b9404\\b");
    }

    @Test
    void exampleConfigsLoad() {
        for (String file : List.of("deploy/app.properties", "deploy/app.docker.properties")) {
            JitmaskConfig config = JitmaskConfig.load(ROOT.resolve(file));
            assertThat(config.datasets()).containsExactly("customers", "payments", "patients");
            assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
            assertThat(config.metricsEnabled()).as(file + " serves /metrics, /health, /ready").isTrue();
            assertThat(config.metricsPort()).isEqualTo(9404);
        }
    }
}
