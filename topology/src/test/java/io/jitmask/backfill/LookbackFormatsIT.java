package io.jitmask.backfill;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lookback grant on a plain JSON dataset (the shipped {@code clicks}, renamed for this class): the catch-up copies
 * through the same format switch as the masking path, so past and live copies carry the granted field clear and
 * every other sensitive field masked, each record of window and life once, and the summary counts them exactly.
 */
class LookbackFormatsIT extends LookbackITBase {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    static final String CLICKS = "lbclk_" + SUFFIX;
    static final ObjectMapper JSON = new ObjectMapper();
    /** The shipped policy with its plain JSON {@code clicks} dataset renamed for this class. */
    @RegisterExtension
    static final JitmaskStack STACK = lookbackStack("lookback-formats", 500, 1000).exactDataset(CLICKS, null)
            .file(JitmaskConfig.POLICY_FILE, "policy.yaml", DemoActors.policyWithDatasetsRenamed(Map.of("clicks", CLICKS)))
            .build();

    static String click(int i) {
        return "{\"sessionId\":\"S-" + i + "\",\"user\":{\"email\":\"u" + i + "-" + SUFFIX + "@example.org\",\"ip\":\"10.0.0."
                + (i % 250) + "\",\"name\":\"Name" + i + "\"},\"page\":\"/p/" + i + "\"}";
    }

    @Test
    void aLookbackGrantOnPlainJsonCopiesPastAndLiveClicksOnceWithTheGrantedFieldClear() throws Exception {
        Map<String, Integer> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> clicks = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                STACK.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant past = Instant.now().minus(Duration.ofMinutes(20));
            for (int i = 0; i < 50; i++) {
                RecordMetadata m = clicks.send(new ProducerRecord<>(Topics.raw(CLICKS), null, past.toEpochMilli(),
                        ("S-" + i).getBytes(StandardCharsets.UTF_8), click(i).getBytes(StandardCharsets.UTF_8))).get();
                produced.put(m.partition() + "/" + m.offset(), i);
            }
            // Masked before the grant exists: these are the past, for the catch-up (a record the masking task reaches only
            // after the grant is visible is copied live instead, which a loaded machine makes likely otherwise).
            TopicReader.readAtLeast(Topics.masked(CLICKS), 50, Duration.ofSeconds(60));
            String id = newId();
            grant(ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", CLICKS, List.of("user.email"), null,
                    "INC-9 which sessions saw the broken page", 600, 3600L, DemoActors.key("alice")));
            AuditEvent completed = awaitAudit(id, BACKFILL_COMPLETED);
            assertThat(completed.records()).isEqualTo(50L);
            for (int i = 50; i < 60; i++) {
                RecordMetadata m = clicks.send(new ProducerRecord<>(Topics.raw(CLICKS), null, Instant.now().toEpochMilli(),
                        ("S-" + i).getBytes(StandardCharsets.UTF_8), click(i).getBytes(StandardCharsets.UTF_8))).get();
                produced.put(m.partition() + "/" + m.offset(), i);
            }
            String topic = Topics.grant(CLICKS, id);
            List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(topic, 60, Duration.ofSeconds(60));
            assertThat(sources(copies)).hasSize(60).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced.keySet());
            Set<String> pages = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> copy : copies) {
                int i = produced.get(source(copy));
                JsonNode value = JSON.readTree(copy.value());
                assertThat(value.at("/user/email").asText()).isEqualTo("u" + i + "-" + SUFFIX + "@example.org");
                assertThat(value.at("/user/ip").asText()).startsWith("ip_").doesNotContain("10.0.0.");
                assertThat(value.at("/user/name").asText()).isEqualTo("REDACTED");
                pages.add(value.at("/page").asText());
            }
            assertThat(pages).hasSize(60);

            revoke(id);
            awaitAudit(id, TOPIC_DELETED);
            List<AuditEvent> trail = steps(id);
            assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, BACKFILL_STARTED,
                    BACKFILL_COMPLETED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
            assertThat(trail.get(6).records()).isEqualTo(60L);
            String logged = String.join("\n", logs.lines());
            for (int i = 0; i < 60; i++) {
                assertThat(logged).doesNotContain("u" + i + "-" + SUFFIX + "@example.org");
            }
        }
    }
}
