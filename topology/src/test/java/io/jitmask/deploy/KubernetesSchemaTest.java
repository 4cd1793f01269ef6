package io.jitmask.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * deploy/k8s against the Kubernetes OpenAPI schemas (types, required fields, formats) with the npm package
 * kubernetes-models. Needs node and {@code npm install} in deploy/k8s/schema-check, so it runs only with
 * {@code -Djitmask.k8s.schema=true}: CI has a JDK only. {@link KubernetesManifestsTest} always runs.
 */
@EnabledIfSystemProperty(named = "jitmask.k8s.schema", matches = "true")
class KubernetesSchemaTest {
    static final Path SCRIPT_DIR = DeploymentFilesTest.ROOT.resolve("deploy/k8s/schema-check").toAbsolutePath().normalize();

    @Test
    void everyManifestMatchesTheKubernetesSchemas() throws Exception {
        assertThat(SCRIPT_DIR.resolve("node_modules/kubernetes-models")).as("run npm install in " + SCRIPT_DIR).exists();
        Process node = new ProcessBuilder("node", "check.mjs", "..").directory(SCRIPT_DIR.toFile())
                .redirectErrorStream(true).start();
        String output;
        try (var in = node.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("self-check: invalid Deployment refused").contains("ok deployment.yaml Deployment/jitmask")
                .contains("ok networkpolicy.yaml NetworkPolicy/jitmask").doesNotContain("INVALID");
        assertThat(output.lines().filter(l -> l.startsWith("ok ")).count()).isEqualTo(8);
    }
}
