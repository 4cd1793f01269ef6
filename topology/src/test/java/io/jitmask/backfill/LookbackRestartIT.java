package io.jitmask.backfill;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A catch-up cut short by a restart resumes when jitmask comes back, from the ledger (no re-read of the grant topic):
 * the grant topic ends up with every record of the window and every live record exactly once.
 */
class LookbackRestartIT extends LookbackITBase {
    @RegisterExtension
    static final JitmaskStack STACK = lookbackStack("lookback-restart", 200, 300).dataset("lbres", "customers").build();
    static final String RESUME = STACK.dataset();

    @Test
    void aCatchUpCutShortByARestartResumesFromTheLedgerWithoutDuplicates() throws Exception {
        Produced produced = new Produced();
        Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
        produceAll(RESUME, 600, tenMinutesAgo, i -> "K" + (i % 10), produced);
        // Masked before the grant exists, so all 600 are the catch-up's (one the masking task reaches only after the
        // grant is visible is copied live instead).
        TopicReader.readAtLeast(Topics.masked(RESUME), 600, Duration.ofSeconds(60));
        String id = newId();
        String topic = Topics.grant(RESUME, id);
        grant(request(id, RESUME, null, 600, 3600L));
        AuditEvent progress = awaitAudit(id, BACKFILL_PROGRESS);
        assertThat(audit(id)).extracting(AuditEvent::type).as("restarted in the middle of the catch-up")
                .doesNotContain(BACKFILL_COMPLETED);
        restartApp();

        AuditEvent completed = awaitAudit(id, BACKFILL_COMPLETED);
        for (int i = 0; i < 20; i++) {
            send(RESUME, null, Instant.now(), "K" + i, 5000 + i, produced).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> TopicReader.readAll(topic).size() >= 620);
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(topic);
        assertThat(sources(copies)).hasSize(620).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(produced.keys.keySet());
        assertCopiesMatchTheirSources(topic, copies, produced, false);

        revoke(id);
        awaitAudit(id, TOPIC_DELETED);
        List<AuditEvent> trail = steps(id);
        // The catch-up's state is in the ledger, committed with its copies: the restarted tasks go on from there, so
        // the audit sees one catch-up, started and completed once, that copied the window exactly once.
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, BACKFILL_STARTED,
                BACKFILL_COMPLETED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
        assertThat(progress.records()).isBetween(1L, 599L);
        assertThat(completed.records()).isEqualTo(600L);
        assertThat(trail.get(6).records()).isEqualTo(620L);
        for (GenericRecord value : produced.values.values()) {
            assertThat(String.join("\n", logs.lines())).doesNotContain(value.get("email").toString());
        }
    }
}
