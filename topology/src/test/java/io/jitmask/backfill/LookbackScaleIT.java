package io.jitmask.backfill;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskApp;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lookback grant with two instances masking the raw partitions between them, records arriving all the while:
 * each partition's masking task splits past from live at one offset in its ledger, so every record of the window
 * and every later one reaches the grant topic exactly once, whichever instance masks it.
 */
class LookbackScaleIT extends LookbackITBase {
    @RegisterExtension
    static final JitmaskStack STACK = lookbackStack("lookback-scale", 300, 300).dataset("lbscale", "customers").build();
    static final String SCALE = STACK.dataset();

    @Test
    void twoInstancesOneSplitEveryRecordOnceAcrossTheSeam() throws Exception {
        JitmaskConfig secondInstance = config.with(Map.of(JitmaskConfig.STATE_DIR, dir.resolve("state-2").toString()));
        try (JitmaskApp other = JitmaskApp.start(secondInstance)) {
            // Both instances mask part of the raw topic: the grant's copies cannot all come from one masking path.
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                    app.streams().state() == KafkaStreams.State.RUNNING && other.streams().state() == KafkaStreams.State.RUNNING
                            && !activeRawPartitions(app).isEmpty() && !activeRawPartitions(other).isEmpty());
            assertThat(activeRawPartitions(app)).doesNotContainAnyElementsOf(activeRawPartitions(other));

            Produced produced = new Produced();
            Instant anHourAgo = Instant.now().minus(Duration.ofMinutes(59));
            produceAll(SCALE, 150, anHourAgo, i -> "K" + (i % 10), produced);
            LiveWriter writer = new LiveWriter(SCALE, produced);
            String id = newId();
            String topic = Topics.grant(SCALE, id);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> produced.keys.size() > 300);
                grant(request(id, SCALE, null, 600, 3600L));
                awaitAudit(id, BACKFILL_COMPLETED);
                int seen = produced.keys.size();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> produced.keys.size() > seen + 100);
            } finally {
                writer.close();
            }
            producer.flush();
            Set<String> expected = new HashSet<>(produced.keys.keySet());
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TopicReader.readAll(topic).size() >= expected.size());
            List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(topic);
            assertThat(sources(copies)).hasSize(expected.size()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertCopiesMatchTheirSources(topic, copies, produced, false);

            revoke(id);
            awaitAudit(id, TOPIC_DELETED);
            List<AuditEvent> trail = steps(id);
            assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, BACKFILL_STARTED,
                    BACKFILL_COMPLETED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
            assertThat(trail.get(6).records()).isEqualTo(expected.size());
            System.out.printf("FIGURES LookbackScaleIT: 2 instances; %d records, each copied exactly once (%d of the window)%n",
                    expected.size(), trail.get(4).records());
        }
    }

    private static Set<Integer> activeRawPartitions(JitmaskApp instance) {
        Set<Integer> partitions = new HashSet<>();
        for (ThreadMetadata thread : instance.streams().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.raw(SCALE)))
                        .forEach(tp -> partitions.add(tp.partition()));
            }
        }
        return partitions;
    }
}
