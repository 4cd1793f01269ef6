package io.jitmask.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleRecords;
import io.jitmask.serde.ConfluentAvroDeserializer;
import io.jitmask.serde.ConfluentAvroSerializer;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The embedded registry and the wire format with Confluent's own JavaScript client and Avro serde
 * ({@code topology/src/test/js/interop.js}): a record written by jitmask's serializer is read by Confluent's, and one
 * written by Confluent's is read by jitmask's. Needs node and {@code npm install} in that folder, so it runs only with
 * {@code -Djitmask.js.interop=true}: CI has a JDK only. {@code registry-parity.js} does the same for data contracts,
 * JSON Schema and Protobuf with references, before and after a restart of the registry from {@code _schemas}.
 */
@EnabledIfSystemProperty(named = "jitmask.js.interop", matches = "true")
class JsInteropIT {
    static final Path SCRIPT_DIR = Path.of("src/test/js");

    @Test
    void confluentsJavaScriptClientsInteroperate() throws Exception {
        assertThat(SCRIPT_DIR.resolve("node_modules/@confluentinc/schemaregistry")).as("run npm install in " + SCRIPT_DIR)
                .isDirectory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String javaTopic = "interop-java-" + run;
        String jsTopic = "interop-js-" + run;
        SharedKafka.createTopics(1, javaTopic, jsTopic);
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(),
                "_schemas_interop_" + run, "127.0.0.1", 0);
             HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url())) {
            GenericRecord customer = new SampleRecords(11).customer();
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                    new StringSerializer(), new ConfluentAvroSerializer(client, false))) {
                producer.send(new ProducerRecord<>(javaTopic, "k", customer)).get(30, TimeUnit.SECONDS);
            }

            String output = node("interop.js", Map.of(
                    "REGISTRY_URL", registry.url(),
                    "BOOTSTRAP", SharedKafka.bootstrapServers(),
                    "JAVA_TOPIC", javaTopic,
                    "JS_TOPIC", jsTopic,
                    "EXPECT_CUSTOMER_ID", customer.get("customerId").toString(),
                    "RUN_ID", run));
            assertThat(output).contains("INTEROP OK");

            List<ConsumerRecord<byte[], byte[]>> written = TopicReader.readAtLeast(jsTopic, 1, Duration.ofSeconds(30));
            assertThat(written).hasSize(1);
            GenericRecord order = (GenericRecord) new ConfluentAvroDeserializer(client)
                    .deserialize(jsTopic, written.get(0).value());
            assertThat(order.getSchema().getFullName()).isEqualTo("interop.js.Order");
            assertThat(order.get("orderId")).isEqualTo(new Utf8("JS-" + run));
            assertThat(order.get("amount")).isEqualTo(12.5);
            assertThat(order.get("card")).isEqualTo(new Utf8("4111111111111111"));
            assertThat(order.get("note")).isEqualTo(new Utf8("from kafkajs"));
            assertThat(order.getSchema().getField("card").getObjectProp("confluent:tags")).isEqualTo(List.of("PCI"));
            assertThat(new String(written.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("JS-" + run);
            assertThat(client.latest(jsTopic + "-value").version()).isEqualTo(1);
        }
    }

    @Test
    void confluentsJavaScriptClientSeesDataContractsJsonSchemaAndProtobufAcrossARestart() throws Exception {
        assertThat(SCRIPT_DIR.resolve("node_modules/@confluentinc/schemaregistry")).as("run npm install in " + SCRIPT_DIR)
                .isDirectory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "_schemas_parity_js_" + run;
        String ids;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            String output = node("registry-parity.js", Map.of("REGISTRY_URL", registry.url(), "RUN_ID", run, "PHASE", "write"));
            assertThat(output).contains("PARITY OK (write)");
            ids = output.lines().filter(l -> l.startsWith("IDS ")).findFirst().orElseThrow().substring(4);
        }
        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            String output = node("registry-parity.js", Map.of("REGISTRY_URL", restarted.url(), "RUN_ID", run, "PHASE", "reread",
                    "IDS", ids));
            assertThat(output).contains("PARITY OK (reread)");
        }
    }

    private static String node(String script, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", script).directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile("parity-js", ".log");
        builder.redirectOutput(log.toFile());
        Process node = builder.start();
        boolean exited = node.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            node.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(script + ": " + output.strip());
        assertThat(exited).as(script + " finished: " + output).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        return output;
    }
}
