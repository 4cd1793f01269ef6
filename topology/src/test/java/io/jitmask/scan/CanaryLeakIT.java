package io.jitmask.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.LogCapture;
import io.jitmask.testing.TestCustomers;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole lifecycle with a unique canary in every sensitive field (also of a record written with the schema
 * registered again without its tags), then a search of every topic (internal ones included), every key and
 * header, the broker's data directory, the state directory and every log line: the canary may be only in the raw
 * topic and, while it lived, the grant topic.
 *
 * <p>On a broker of its own: "every topic and every log directory" then means everything this class's stack wrote
 * (registry, application, its internal and grant topics), read in seconds, not every earlier class's data too.
 */
class CanaryLeakIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("leak").dataset("leak", "customers").ownBroker().withoutApp().build();

    @Test
    void canariesStayInRawAndLiveGrantTopicsOnly() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = STACK.dataset();
        String bootstrap = STACK.bootstrapServers();
        String canary = "LEAKCANARY" + suffix;
        String id = "leak" + suffix;
        List<String> seenOnGrantTopic = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            try (JitmaskApp app = STACK.startApp();
                 KafkaProducer<byte[], byte[]> bytes = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
                KafkaProducer<String, Object> producer = STACK.producer();
                KafkaProducer<String, String> approvals = STACK.approvals();
                ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", dataset,
                        List.of("email", "name"), List.of("L1"), "INC-8 leak check", 8, null, DemoActors.key("alice"));
                approvals.send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
                approvals.send(new ProducerRecord<>(Topics.APPROVALS, id,
                        ApprovalEvents.approved(request, "bob", Instant.now(), null, DemoActors.key("bob")).toString())).get();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.grants().contains(Topics.grantKey(dataset, id)));

                producer.send(new ProducerRecord<>(Topics.raw(dataset), "L1", TestCustomers.withSecret("L1", canary))).get();
                producer.send(new ProducerRecord<>(Topics.raw(dataset), "L2", TestCustomers.withSecret("L2", canary))).get();
                bytes.send(new ProducerRecord<>(Topics.raw(dataset), ("bad" + canary).getBytes(StandardCharsets.UTF_8),
                        ("\u0000\u0000\u0000\u0001" + canary).getBytes(StandardCharsets.UTF_8))).get();
                // A producer registers the schema again without its tags: what was sensitive stays masked.
                org.apache.avro.Schema untagged = new org.apache.avro.Schema.Parser().parse(SampleSchemas.of("customers")
                        .toString().replaceAll(",\"confluent:tags\":\\[[^]]*]", ""));
                producer.send(new ProducerRecord<>(Topics.raw(dataset), "L3", org.apache.avro.generic.GenericData.get()
                        .deepCopy(untagged, TestCustomers.withSecret("L3", canary)))).get();
                TopicReader.readAtLeast(bootstrap, Topics.grant(dataset, id), 1, Duration.ofSeconds(30))
                        .forEach(r -> seenOnGrantTopic.add(new String(r.value(), StandardCharsets.ISO_8859_1)));
                TopicReader.readAtLeast(bootstrap, Topics.masked(dataset), 3, Duration.ofSeconds(30));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.readAll(bootstrap, Topics.AUDIT).stream()
                        .filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8)))
                        .anyMatch(r -> AuditEvent.fromBytes(r.value()).type() == AuditEvent.Type.TOPIC_DELETED));
            }
            assertThat(seenOnGrantTopic).as("the grantee did get the clear e-mail").anyMatch(v -> v.contains(canary + "@example.com"));

            LeakScanner scanner = new LeakScanner(List.of(canary), topic -> topic.equals(Topics.raw(dataset)));
            // A deleted topic's partition directories are renamed (<topic>-<partition>.<uuid>-delete) and removed
            // file.delete.delay.ms (1 s here) after the broker has processed the deletion, which on a loaded machine
            // takes a while: wait for the grant topic's directories to go before the one full scan.
            List<Path> logDirs = STACK.broker().logDirectories();
            String grantDirPrefix = Topics.grant(dataset, id) + "-";
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(directoriesStartingWith(logDirs, grantDirPrefix))
                            .as("directories of the ended grant topic still on the broker's disk").isEmpty());
            List<LeakScanner.Finding> findings = new ArrayList<>(scanner.scanTopics(bootstrap));
            findings.addAll(scanner.scanFiles(List.of(STACK.dir())));
            findings.addAll(scanner.scanFiles(logDirs));
            findings.addAll(scanner.scanLines(logs.lines(), "log output"));
            System.out.printf("FIGURES CanaryLeakIT canaryRecords=4 logLines=%d leaks=%d%n", logs.lines().size(), findings.size());
            assertThat(findings).isEmpty();
            // The scanner does find the canary where it is: the raw topic, on the wire and on disk.
            LeakScanner strict = new LeakScanner(List.of(canary), topic -> false);
            assertThat(strict.scanTopics(bootstrap)).anyMatch(f -> f.where().startsWith(Topics.raw(dataset) + "/"));
            assertThat(strict.scanFiles(logDirs)).isNotEmpty();
        }
    }

    private static List<String> directoriesStartingWith(List<Path> logDirs, String prefix) throws java.io.IOException {
        List<String> found = new ArrayList<>();
        for (Path logDir : logDirs) {
            try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(logDir)) {
                entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(prefix)).forEach(found::add);
            }
        }
        return found;
    }
}
