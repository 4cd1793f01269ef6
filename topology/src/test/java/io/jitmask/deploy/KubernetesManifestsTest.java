package io.jitmask.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.keys.Keyset;
import io.jitmask.ops.ManagementServer;
import io.jitmask.policy.PolicyLoader;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s holds a complete, consistent deployment: every document parses, has the fields its kind requires,
 * and refers only to things that exist (ConfigMap keys, Secret keys, container ports, pod labels); the probes hit
 * the paths and port the application serves; app.properties holds only settings jitmask or Kafka knows; the
 * Secret holds placeholders, never usable keys.
 *
 * <p>There is no Kubernetes API server or schema bundle on this machine, so these are structural checks of the
 * fields jitmask depends on, not a validation against the Kubernetes OpenAPI schemas.
 */
class KubernetesManifestsTest {
    static final Path K8S = DeploymentFilesTest.ROOT.resolve("deploy/k8s");
    static final Map<String, String> API_VERSIONS = Map.of(
            "Namespace", "v1", "ServiceAccount", "v1", "ConfigMap", "v1", "Secret", "v1", "Service", "v1",
            "Deployment", "apps/v1", "NetworkPolicy", "networking.k8s.io/v1", "PodDisruptionBudget", "policy/v1");
    static final String DNS_1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final Map<String, String> POD_LABELS = Map.of("app.kubernetes.io/name", "jitmask");

    @TempDir
    static Path tmp;
    static Map<String, JsonNode> byKind = new LinkedHashMap<>();
    static List<Path> files;

    @BeforeAll
    static void parse() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> list = Files.list(K8S)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            try (var parser = new YAMLFactory().createParser(file.toFile())) {
                for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
                    String kind = doc.path("kind").asText();
                    assertThat(byKind.put(kind, doc)).as("one " + kind + " (" + file + ")").isNull();
                }
            }
        }
    }

    static JsonNode deployment() {
        return byKind.get("Deployment");
    }

    static JsonNode container() {
        return deployment().at("/spec/template/spec/containers/0");
    }

    static String configFile(String key) {
        return byKind.get("ConfigMap").at("/data/" + key.replace("/", "~1")).asText();
    }

    static Properties appProperties() throws Exception {
        Properties props = new Properties();
        props.load(new StringReader(configFile("app.properties")));
        return props;
    }

    static Map<String, String> map(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Test
    void everyDocumentHasTheFieldsItsKindRequires() {
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "ConfigMap", "Secret",
                "Deployment", "Service", "NetworkPolicy", "PodDisruptionBudget", "Kustomization");
        byKind.forEach((kind, doc) -> {
            if (kind.equals("Kustomization")) {
                assertThat(doc.get("apiVersion").asText()).isEqualTo("kustomize.config.k8s.io/v1beta1");
                return;
            }
            assertThat(doc.get("apiVersion").asText()).as(kind).isEqualTo(API_VERSIONS.get(kind));
            assertThat(doc.at("/metadata/name").asText()).as(kind + " name").matches(DNS_1123).hasSizeLessThanOrEqualTo(63);
            if (!kind.equals("Namespace")) {
                assertThat(doc.at("/metadata/namespace").asText()).as(kind + " namespace").isEqualTo("jitmask");
            }
            assertThat(map(doc.at("/metadata/labels"))).as(kind + " labels").isNotEmpty();
        });
        assertThat(byKind.get("Namespace").at("/metadata/name").asText()).isEqualTo("jitmask");
    }

    @Test
    void kustomizationListsEveryManifest() {
        List<String> resources = new ArrayList<>();
        byKind.get("Kustomization").get("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactlyInAnyOrderElementsOf(files.stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).toList());
        assertThat(byKind.get("Kustomization").get("namespace").asText()).isEqualTo("jitmask");
    }

    @Test
    void deploymentRunsTwoHardenedReplicasOfOneApplication() throws Exception {
        JsonNode spec = deployment().get("spec");
        assertThat(spec.get("replicas").asInt()).isEqualTo(2);
        assertThat(map(spec.at("/selector/matchLabels"))).isEqualTo(POD_LABELS);
        assertThat(map(spec.at("/template/metadata/labels"))).containsAllEntriesOf(POD_LABELS);
        assertThat(appProperties().getProperty(JitmaskConfig.APPLICATION_ID)).as("one application.id for all replicas").isEqualTo("jitmask");
        assertThat(appProperties().getProperty("num.standby.replicas")).as("every replica's API sees every request")
                .isEqualTo(Integer.toString(spec.get("replicas").asInt() - 1));
        assertThat(spec.at("/template/spec/terminationGracePeriodSeconds").asInt()).as("more than KafkaStreams.close's 30 s")
                .isGreaterThan(30);
        assertThat(spec.at("/template/spec/automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(spec.at("/template/spec/serviceAccountName").asText()).isEqualTo(byKind.get("ServiceAccount").at("/metadata/name").asText());

        JsonNode pod = spec.at("/template/spec/securityContext");
        String dockerfile = Files.readString(DeploymentFilesTest.ROOT.resolve("deploy/Dockerfile"));
        assertThat(pod.get("runAsNonRoot").asBoolean()).isTrue();
        assertThat(dockerfile).contains("USER " + pod.get("runAsUser").asInt());
        assertThat(pod.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        JsonNode c = container().get("securityContext");
        assertThat(c.get("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.get("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(c.at("/capabilities/drop/0").asText()).isEqualTo("ALL");

        assertThat(container().get("image").asText()).startsWith("jitmask:");
        assertThat(container().get("args").toString()).isEqualTo("[\"run\",\"--config\",\"/etc/jitmask/app.properties\"]");
        JsonNode resources = container().get("resources");
        for (String pointer : List.of("/requests/cpu", "/requests/memory", "/limits/memory")) {
            assertThat(resources.at(pointer).asText()).as(pointer).isNotBlank();
        }
        assertThat(bytes(resources.at("/requests/memory").asText())).isLessThanOrEqualTo(bytes(resources.at("/limits/memory").asText()));
    }

    static long bytes(String quantity) {
        Map<String, Long> units = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30);
        for (var unit : units.entrySet()) {
            if (quantity.endsWith(unit.getKey())) {
                return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * unit.getValue();
            }
        }
        return Long.parseLong(quantity);
    }

    @Test
    void probesAndScrapeAnnotationsUseTheManagementPortTheAppServes() throws Exception {
        Map<String, Integer> ports = new HashMap<>();
        container().get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
        int metricsPort = Integer.parseInt(appProperties().getProperty(JitmaskConfig.METRICS_PORT));
        assertThat(appProperties().getProperty(JitmaskConfig.METRICS_ENABLED)).isEqualTo("true");
        assertThat(appProperties().getProperty(JitmaskConfig.METRICS_HOST)).as("reachable from the kubelet").isEqualTo("0.0.0.0");
        assertThat(ports).containsEntry("metrics", metricsPort).containsEntry("api", 8080);
        assertThat(container().at("/livenessProbe/httpGet/path").asText()).isEqualTo(ManagementServer.HEALTH_PATH);
        assertThat(container().at("/readinessProbe/httpGet/path").asText()).isEqualTo(ManagementServer.READY_PATH);
        assertThat(container().at("/startupProbe/httpGet/path").asText()).isEqualTo(ManagementServer.HEALTH_PATH);
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container().at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("metrics");
        }
        Map<String, String> annotations = map(deployment().at("/spec/template/metadata/annotations"));
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(metricsPort)).containsEntry("prometheus.io/path", ManagementServer.METRICS_PATH);

        JsonNode service = byKind.get("Service");
        assertThat(map(service.at("/spec/selector"))).isEqualTo(POD_LABELS);
        Map<Integer, String> servicePorts = new HashMap<>();
        service.at("/spec/ports").forEach(p -> {
            assertThat(ports).containsKey(p.get("targetPort").asText());
            assertThat(ports.get(p.get("targetPort").asText())).isEqualTo(p.get("port").asInt());
            servicePorts.put(p.get("port").asInt(), p.get("name").asText());
        });
        assertThat(servicePorts).isEqualTo(Map.of(8080, "api", metricsPort, "metrics"));
        // When the HTTP API is enabled it must listen where the Service and the NetworkPolicy expect it.
        Properties app = appProperties();
        if ("true".equals(app.getProperty("jitmask.http.enabled"))) {
            assertThat(app.getProperty("jitmask.http.host")).isEqualTo("0.0.0.0");
            assertThat(app.getProperty("jitmask.http.port")).isEqualTo(Integer.toString(ports.get("api")));
            assertThat(app.getProperty("jitmask.http.tokens.file")).isEqualTo("/etc/jitmask-secrets/api-tokens");
        }
    }

    @Test
    void volumesMountTheConfigSecretsAndAWritableStateDir() throws Exception {
        Map<String, JsonNode> volumes = new HashMap<>();
        deployment().at("/spec/template/spec/volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
        Map<String, JsonNode> mounts = new HashMap<>();
        container().get("volumeMounts").forEach(m -> {
            assertThat(volumes).as("volume of mount " + m.get("mountPath")).containsKey(m.get("name").asText());
            mounts.put(m.get("mountPath").asText(), volumes.get(m.get("name").asText()));
        });
        Properties app = appProperties();
        // Files the app reads are keys of the ConfigMap mounted where app.properties says.
        JsonNode config = mounts.get("/etc/jitmask");
        assertThat(config.at("/configMap/name").asText()).isEqualTo(byKind.get("ConfigMap").at("/metadata/name").asText());
        Set<String> configKeys = new HashSet<>();
        config.at("/configMap/items").forEach(i -> {
            assertThat(byKind.get("ConfigMap").get("data").has(i.get("key").asText())).isTrue();
            configKeys.add("/etc/jitmask/" + i.get("path").asText());
        });
        assertThat(configKeys).contains(app.getProperty(JitmaskConfig.POLICY_FILE), app.getProperty(JitmaskConfig.KEYRING_FILE),
                "/etc/jitmask/app.properties");
        // The state dir is on an emptyDir: the only writable place besides /tmp under a read-only root.
        String stateDir = app.getProperty(JitmaskConfig.STATE_DIR);
        String stateMount = mounts.keySet().stream().filter(stateDir::startsWith).findFirst().orElseThrow();
        assertThat(mounts.get(stateMount).has("emptyDir")).as(stateMount).isTrue();
        assertThat(mounts.get("/tmp").has("emptyDir")).isTrue();
        // Secrets: the keyset by environment, the Kafka credentials as the file the config provider reads.
        JsonNode secret = byKind.get("Secret");
        JsonNode keysetRef = container().get("env").findParent("secretKeyRef").get("secretKeyRef");
        assertThat(container().get("env").get(0).get("name").asText()).isEqualTo(JitmaskConfig.KEYSET_ENV);
        assertThat(keysetRef.get("name").asText()).isEqualTo(secret.at("/metadata/name").asText());
        assertThat(secret.get("stringData").has(keysetRef.get("key").asText())).isTrue();
        JsonNode secretVolume = mounts.get("/etc/jitmask-secrets");
        assertThat(secretVolume.at("/secret/secretName").asText()).isEqualTo(secret.at("/metadata/name").asText());
        assertThat(secretVolume.at("/secret/items/0/key").asText()).isEqualTo("kafka.properties");
        assertThat(secret.get("stringData").has("kafka.properties")).isTrue();
        assertThat(app.getProperty("sasl.jaas.config")).contains("${file:/etc/jitmask-secrets/kafka.properties:password}");
    }

    @Test
    void appPropertiesHoldOnlySettingsJitmaskOrKafkaKnowAndLoad() throws Exception {
        Set<String> jitmaskKeys = new TreeSet<>();
        for (Field field : JitmaskConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && !field.getName().equals("KEYSET_ENV")) {
                jitmaskKeys.add((String) field.get(null));
            }
        }
        Set<String> kafkaKeys = new HashSet<>(StreamsConfig.configDef().names());
        kafkaKeys.addAll(ProducerConfig.configNames());
        kafkaKeys.addAll(ConsumerConfig.configNames());
        kafkaKeys.addAll(AdminClientConfig.configNames());
        for (String key : appProperties().stringPropertyNames()) {
            boolean known = jitmaskKeys.contains(key) || kafkaKeys.contains(key)
                    || key.matches("config\\.providers\\.[a-z]+\\.class");
            assertThat(known).as("unknown setting '" + key + "' in the ConfigMap's app.properties").isTrue();
        }
        Path file = Files.writeString(tmp.resolve("app.properties"), configFile("app.properties"));
        JitmaskConfig config = JitmaskConfig.load(file);
        assertThat(config.datasets()).containsExactly("customers", "payments", "patients");
        assertThat(config.metricsEnabled()).isTrue();
        assertThat(config.keysetFile()).as("the keyset comes from the environment only").isNull();
    }

    @Test
    void policyIsTheRepositoryPolicyAndTheKeyringIsAPlaceholderThatFailsClosed() throws Exception {
        ObjectMapper yaml = new YAMLMapper();
        assertThat(yaml.readTree(configFile("policy.yaml")))
                .isEqualTo(yaml.readTree(DeploymentFilesTest.ROOT.resolve("deploy/policy.yaml").toFile()));
        PolicyLoader.load(Files.writeString(tmp.resolve("policy.yaml"), configFile("policy.yaml")));

        String keyring = configFile("keyring.yaml");
        for (String demoKey : Keyring.load(DeploymentFilesTest.ROOT.resolve("deploy/keyring.yaml")).actors().values()
                .stream().map(a -> Ed25519.encode(a.publicKey())).toList()) {
            assertThat(keyring).as("no demo actor, whose private key is in the repository").doesNotContain(demoKey);
        }
        Path placeholder = Files.writeString(tmp.resolve("keyring.yaml"), keyring);
        assertThatThrownBy(() -> Keyring.load(placeholder)).isInstanceOf(ConfigException.class);
        // With a real public key in place of the placeholder the same file is a valid keyring.
        String realKey = Ed25519.encode(Ed25519.generate().getPublic());
        Path filled = Files.writeString(tmp.resolve("keyring-filled.yaml"),
                keyring.replace("REPLACE_WITH_PUBLIC_KEY_FROM_JITMASK_KEYGEN", realKey));
        assertThat(Keyring.load(filled).actors()).containsOnlyKeys("approver-1");
    }

    @Test
    void secretHoldsPlaceholdersThatJitmaskRefuses() {
        JsonNode data = byKind.get("Secret").get("stringData");
        assertThat(byKind.get("Secret").has("data")).as("no base64 blobs that could hide a real key").isFalse();
        data.fields().forEachRemaining(e -> assertThat(e.getValue().asText()).as(e.getKey()).contains("REPLACE_WITH_"));
        assertThatThrownBy(() -> Keyset.fromJson(data.get("keyset.json").asText())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void networkPolicyOpensTheApiToApproversMetricsToPrometheusAndEgressToKafkaRegistryDnsOnly() throws Exception {
        JsonNode policy = byKind.get("NetworkPolicy").get("spec");
        assertThat(map(policy.at("/podSelector/matchLabels"))).isEqualTo(POD_LABELS);
        assertThat(policy.get("policyTypes").toString()).isEqualTo("[\"Ingress\",\"Egress\"]");
        Map<Integer, JsonNode> ingress = new HashMap<>();
        policy.get("ingress").forEach(rule -> {
            assertThat(rule.get("from")).as("every ingress rule names its peers").isNotEmpty();
            rule.get("ports").forEach(p -> ingress.put(p.get("port").asInt(), rule.get("from")));
        });
        assertThat(ingress.keySet()).containsExactlyInAnyOrder(8080, 9404);
        assertThat(ingress.get(9404).toString()).contains("prometheus");
        assertThat(ingress.get(8080).toString()).contains("approver");

        Properties app = appProperties();
        Set<Integer> allowedOut = new TreeSet<>();
        policy.get("egress").forEach(rule -> {
            assertThat(rule.get("to")).as("every egress rule names its peers").isNotEmpty();
            rule.get("ports").forEach(p -> allowedOut.add(p.get("port").asInt()));
        });
        Set<Integer> needed = new TreeSet<>(Set.of(53, URI.create(app.getProperty(JitmaskConfig.REGISTRY_URL)).getPort()));
        for (String server : app.getProperty(JitmaskConfig.BOOTSTRAP_SERVERS).split(",")) {
            needed.add(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        }
        assertThat(allowedOut).isEqualTo(needed);
    }

    @Test
    void disruptionBudgetKeepsOneOfTheReplicas() {
        JsonNode pdb = byKind.get("PodDisruptionBudget").get("spec");
        assertThat(map(pdb.at("/selector/matchLabels"))).isEqualTo(POD_LABELS);
        assertThat(pdb.get("minAvailable").asInt()).isBetween(1, deployment().at("/spec/replicas").asInt() - 1);
    }
}
