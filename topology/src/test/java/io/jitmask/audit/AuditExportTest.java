package io.jitmask.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.config.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The audit export's documented mapping, record by record (docs/ARCHITECTURE.md, "Audit export"). */
class AuditExportTest {
    static final String EXPORT = "jit.audit.cloudevents";

    @Test
    void everyAuditEventBecomesOneCloudEventWithTheDocumentedAttributes() throws Exception {
        Topology topology = JitmaskTopology.auditExport(new Topology(), "jitmask", EXPORT);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audit-export-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, byte[]> audit = driver.createInputTopic(Topics.AUDIT, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> out = driver.createOutputTopic(EXPORT, new StringDeserializer(), new ByteArrayDeserializer());
            AuditEvent approved = AuditEvent.of(AuditEvent.Type.APPROVED, "r1", Instant.parse("2026-03-01T10:00:00Z"))
                    .actor("bob").dataset("customers").fields(List.of("email")).approvers(List.of("bob")).build();
            audit.pipeInput("r1", "not json".getBytes(StandardCharsets.UTF_8));
            audit.pipeInput("r1", approved.toBytes());

            List<TestRecord<String, byte[]>> records = out.readRecordsToList();
            assertThat(records).hasSize(1);
            TestRecord<String, byte[]> record = records.get(0);
            assertThat(record.key()).isEqualTo("r1");
            assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .isEqualTo("application/cloudevents+json");
            assertThat(AuditEvent.MAPPER.readTree(record.value())).isEqualTo(AuditEvent.MAPPER.readTree("""
                    {"specversion":"1.0","id":"jit.audit-0-1","source":"/jitmask/jitmask","type":"io.jitmask.audit.approved",
                     "subject":"r1","time":"2026-03-01T10:00:00Z","datacontenttype":"application/json",
                     "data":{"type":"APPROVED","requestId":"r1","at":"2026-03-01T10:00:00Z","actor":"bob","dataset":"customers",
                             "fields":["email"],"approvers":["bob"]}}"""));
        }
    }
}
