package io.jitmask.backfill;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lookback grants on the real broker with the real application: the records of the window before activation are
 * copied to the grant topic (and nothing older, and only what the filter matches) by the masking tasks' catch-up, the
 * seam between catch-up and live copies has no gap and no duplicate, expiry stops a catch-up with nothing written
 * after {@code expiresAt},
 * the audit says how far back the copy reached, and the policy caps the window.
 *
 * <p>Each test has a dataset of its own, so record sets on raw and grant topics are exact.
 */
class LookbackGrantIT extends LookbackITBase {
    static final long RATE = 200;
    @RegisterExtension
    static final JitmaskStack STACK = lookbackStack("lookback", RATE, 1000).dataset("lbwin", "customers")
            .dataset("lbexp", "customers").dataset("lbseam", "customers").dataset("lbret", "customers").build();
    static final String WINDOW = STACK.dataset("lbwin");
    static final String EXPIRY = STACK.dataset("lbexp");
    static final String SEAM = STACK.dataset("lbseam");
    static final String RETENTION = STACK.dataset("lbret");

    @Test
    void copiesTheMatchingRecordsOfTheWindowThenLiveOnesAndNothingOlder() throws Exception {
        Produced produced = new Produced();
        Instant now = Instant.now();
        for (String key : List.of("C1", "C2")) {
            send(WINDOW, null, now.minus(Duration.ofHours(2)), key, 1, produced).get();
            send(WINDOW, null, now.minus(Duration.ofMinutes(30)), key, 2, produced).get();
        }
        send(WINDOW, null, now.minus(Duration.ofMinutes(5)), "C1", 3, produced).get();
        String id = newId();
        String topic = Topics.grant(WINDOW, id);
        String plain = newId();
        grant(request(id, WINDOW, List.of("C1"), 600, 3600L));
        grant(request(plain, WINDOW, List.of("C1"), 600, null));
        AuditEvent activated = awaitAudit(id, ACTIVATED);
        AuditEvent completed = awaitAudit(id, BACKFILL_COMPLETED);
        awaitAudit(plain, ACTIVATED);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.grants().contains(Topics.grantKey(WINDOW, plain)));

        send(WINDOW, null, Instant.now(), "C1", 4, produced).get();
        send(WINDOW, null, Instant.now(), "C2", 5, produced).get();
        Instant windowFrom = activated.at().minusSeconds(3600);
        Set<String> expected = produced.where((key, ts) -> key.equals("C1") && ts >= windowFrom.toEpochMilli());
        assertThat(expected).hasSize(3);
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAtLeast(topic, 3, Duration.ofSeconds(30));
        assertThat(sources(copies)).containsExactlyInAnyOrderElementsOf(expected);
        assertCopiesMatchTheirSources(topic, copies, produced, true);
        // A grant without lookback on the same records sees only the live one.
        List<ConsumerRecord<byte[], byte[]>> plainCopies = TopicReader.readAtLeast(Topics.grant(WINDOW, plain), 1, Duration.ofSeconds(30));
        assertThat(sources(plainCopies)).containsExactlyElementsOf(produced.where((key, ts) -> key.equals("C1") && ts > now.toEpochMilli()));

        revoke(id);
        revoke(plain);
        awaitAudit(id, TOPIC_DELETED);
        awaitAudit(plain, TOPIC_DELETED);
        List<AuditEvent> trail = steps(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, BACKFILL_STARTED,
                BACKFILL_COMPLETED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
        assertThat(trail.get(0).lookbackSeconds()).isEqualTo(3600L);
        assertThat(trail.get(2).lookbackSeconds()).isEqualTo(3600L);
        AuditEvent started = trail.get(3);
        assertThat(started.windowFrom()).isEqualTo(windowFrom);
        assertThat(started.windowTo()).isEqualTo(activated.at());
        assertThat(started.reachedBack()).isEqualTo(now.minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(started.detail()).isNull();
        // The window on each partition: from its first record of the last hour to the last record before activation.
        Map<String, AuditEvent.OffsetRange> window = new TreeMap<>();
        produced.where((key, ts) -> ts >= windowFrom.toEpochMilli() && ts < activated.at().toEpochMilli()).forEach(at -> {
            String[] po = at.split("/");
            long offset = Long.parseLong(po[1]);
            window.merge(po[0], new AuditEvent.OffsetRange(offset, offset), (a, b) ->
                    new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
        });
        assertThat(started.windowOffsets()).isEqualTo(window);
        Set<String> backfilled = produced.where((key, ts) -> key.equals("C1") && ts >= windowFrom.toEpochMilli()
                && ts < activated.at().toEpochMilli());
        assertThat(completed.records()).isEqualTo(2L);
        assertThat(completed.sourceOffsets()).isEqualTo(ranges(backfilled));
        assertThat(trail.get(6).records()).isEqualTo(3L);
        assertThat(steps(plain)).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED,
                REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
        assertThat(audit(plain).get(0).lookbackSeconds()).isNull();
        assertNoValueLogged(produced);
    }

    @Test
    void expiryInTheMiddleOfABackfillStopsItWithNothingWrittenAfterExpiresAt() throws Exception {
        Produced produced = new Produced();
        Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
        produceAll(EXPIRY, 1000, tenMinutesAgo, i -> "K" + i, produced);
        String id = newId();
        String topic = Topics.grant(EXPIRY, id);
        grant(request(id, EXPIRY, null, 4, 3600L));
        AuditEvent activated = awaitAudit(id, ACTIVATED);
        awaitAudit(id, EXPIRY_DETECTED);
        // Read while the grace keeps the topic: every copy, stamped by the broker when it was written.
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(topic);
        awaitAudit(id, TOPIC_DELETED);

        assertThat(copies).isNotEmpty();
        assertThat(copies).allSatisfy(copy -> {
            assertThat(copy.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(copy.timestamp()).isLessThanOrEqualTo(activated.expiresAt().toEpochMilli());
        });
        assertThat(copies.size()).isLessThan(1000);
        assertThat(new HashSet<>(sources(copies))).hasSize(copies.size());
        assertThat(produced.keys.keySet()).containsAll(sources(copies));
        assertCopiesMatchTheirSources(topic, copies, produced, false);

        List<AuditEvent> trail = steps(id);
        // The catch-up stops at the copy cutoff, before expiresAt; the lifecycle detects the expiry at expiresAt. The
        // two are independent, so only their order relative to the summary is fixed.
        assertThat(trail).extracting(AuditEvent::type).filteredOn(t -> t != BACKFILL_STOPPED).containsExactly(REQUESTED,
                APPROVED, ACTIVATED, BACKFILL_STARTED, EXPIRY_DETECTED, DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        List<AuditEvent.Type> types = trail.stream().map(AuditEvent::type).toList();
        assertThat(types).containsOnlyOnce(BACKFILL_STOPPED);
        assertThat(types.indexOf(BACKFILL_STOPPED)).isBetween(types.indexOf(BACKFILL_STARTED), types.indexOf(DISCLOSURE_SUMMARY));
        AuditEvent stopped = trail.get(types.indexOf(BACKFILL_STOPPED));
        AuditEvent summary = trail.get(types.indexOf(DISCLOSURE_SUMMARY));
        assertThat(stopped.reason()).startsWith("grant expires at " + activated.expiresAt());
        assertThat(stopped.records()).isEqualTo(copies.size());
        assertThat(stopped.at()).isBefore(activated.expiresAt());
        // Paced in copies: n copies take at least (n - burst) / rate seconds (the budget holds a tenth of a second's).
        long elapsedMs = Duration.between(trail.get(3).at(), stopped.at()).toMillis();
        assertThat(copies.size()).isLessThanOrEqualTo((int) (RATE * elapsedMs / 1000) + (int) (RATE / 10) + 1);
        System.out.printf("backfill: %d copies in %d ms (limit %d/s)%n", copies.size(), elapsedMs, RATE);
        assertThat(summary.records()).isEqualTo(copies.size());
        assertThat(trail.get(3).windowOffsets().values().stream().mapToLong(r -> r.last() - r.first() + 1).sum()).isEqualTo(1000);
        List<AuditEvent> progress = audit(id).stream().filter(e -> e.type() == BACKFILL_PROGRESS).toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress).extracting(AuditEvent::records).isSorted().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(copies.size()));
        assertNoValueLogged(produced);
    }

    @Test
    void theSeamBetweenBackfillAndLiveCopiesHasNoGapAndNoDuplicate() throws Exception {
        Produced produced = new Produced();
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        for (int i = 0; i < 30; i++) {
            send(SEAM, null, twoHoursAgo, "K" + (i % 10), i, produced);
        }
        LiveWriter writer = new LiveWriter(SEAM, produced);
        String id = newId();
        String topic = Topics.grant(SEAM, id);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> produced.where((k, ts) -> ts > twoHoursAgo.toEpochMilli()).size() > 300);
            grant(request(id, SEAM, null, 600, 3600L));
            awaitAudit(id, BACKFILL_STARTED);
            // Keep writing across activation, the boundary claims and the backfill, then a little after it.
            awaitAudit(id, BACKFILL_COMPLETED);
            int seen = produced.keys.size();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> produced.keys.size() > seen + 100);
        } finally {
            writer.close();
        }
        producer.flush();
        AuditEvent activated = audit(id).stream().filter(e -> e.type() == ACTIVATED).findFirst().orElseThrow();
        Set<String> expected = produced.where((k, ts) -> ts >= activated.at().minusSeconds(3600).toEpochMilli());
        assertThat(expected).hasSize(produced.keys.size() - 30);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> TopicReader.readAll(topic).size() >= expected.size());
        List<ConsumerRecord<byte[], byte[]>> seamCopies = TopicReader.readAll(topic);
        List<String> copied = sources(seamCopies);
        assertThat(copied).hasSize(expected.size()).doesNotHaveDuplicates();
        assertThat(copied).containsExactlyInAnyOrderElementsOf(expected);

        revoke(id);
        awaitAudit(id, TOPIC_DELETED);
        List<AuditEvent> trail = steps(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, BACKFILL_STARTED,
                BACKFILL_COMPLETED, REVOKE_ACCEPTED, DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
        assertThat(trail.get(6).records()).isEqualTo(expected.size());
        // The catch-up copied every record from the window's start up to the first live copy of each partition (which
        // is past the window's planned end: records that arrived before the grant reached the masking tasks are the
        // catch-up's too); the live path everything after.
        Map<String, AuditEvent.OffsetRange> planned = trail.get(3).windowOffsets();
        Map<String, AuditEvent.OffsetRange> caughtUp = trail.get(4).sourceOffsets();
        Set<String> byCatchUp = new HashSet<>(expected);
        byCatchUp.removeIf(at -> {
            AuditEvent.OffsetRange range = caughtUp.get(at.split("/")[0]);
            return range == null || Long.parseLong(at.split("/")[1]) > range.last();
        });
        assertThat(trail.get(4).records()).isEqualTo(byCatchUp.size());
        planned.forEach((partition, range) -> assertThat(caughtUp.get(partition).last()).isGreaterThanOrEqualTo(range.last()));
        // Live copies kept flowing while the catch-up ran: it does not hold up the stream threads.
        long liveDuringBackfill = seamCopies.stream().filter(copy -> {
            String[] po = source(copy).split("/");
            AuditEvent.OffsetRange range = caughtUp.get(po[0]);
            boolean live = range == null || Long.parseLong(po[1]) > range.last();
            return live && copy.timestamp() < trail.get(4).at().toEpochMilli();
        }).count();
        assertThat(liveDuringBackfill).isPositive();
    }

    @Test
    void theAuditSaysHowFarBackTheCopyReachedWhenRetentionHasDeletedPartOfTheWindow() throws Exception {
        Produced produced = new Produced();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        send(RETENTION, 0, now.minus(Duration.ofMinutes(50)), "C1", 1, produced).get();
        send(RETENTION, 0, now.minus(Duration.ofMinutes(40)), "C1", 2, produced).get();
        send(RETENTION, 0, now.minus(Duration.ofMinutes(30)), "C1", 3, produced).get();
        // What retention does to old segments: the first record is no longer on the log.
        admin.deleteRecords(Map.of(new TopicPartition(Topics.raw(RETENTION), 0), RecordsToDelete.beforeOffset(1))).all().get();
        String id = newId();
        grant(request(id, RETENTION, null, 600, 3600L));
        AuditEvent started = awaitAudit(id, BACKFILL_STARTED);
        AuditEvent completed = awaitAudit(id, BACKFILL_COMPLETED);
        assertThat(started.windowFrom()).isBefore(now.minus(Duration.ofMinutes(50)));
        assertThat(started.reachedBack()).isEqualTo(now.minus(Duration.ofMinutes(40)));
        assertThat(started.windowOffsets()).isEqualTo(Map.of("0", new AuditEvent.OffsetRange(1, 2)));
        assertThat(started.detail()).isEqualTo("partitions [0] start at their oldest retained record: older records of"
                + " the window are past the topic's retention and cannot be copied");
        assertThat(completed.records()).isEqualTo(2L);
        assertThat(completed.sourceOffsets()).isEqualTo(Map.of("0", new AuditEvent.OffsetRange(1, 2)));
        assertThat(sources(TopicReader.readAtLeast(Topics.grant(RETENTION, id), 2, Duration.ofSeconds(30))))
                .containsExactlyInAnyOrder("0/1", "0/2");
        revoke(id);
        awaitAudit(id, TOPIC_DELETED);
    }

    @Test
    void thePolicyCapRejectsAnOverLongLookback() throws Exception {
        String id = newId();
        // PII allows a week (604800 s) of lookback in deploy/policy.yaml.
        post(request(id, WINDOW, null, 600, 604_801L));
        AuditEvent rejected = awaitAudit(id, REJECTED);
        assertThat(rejected.reason()).isEqualTo("LOOKBACK_TOO_LONG");
        assertThat(rejected.detail()).isEqualTo("REQUESTED: lookbackSeconds 604801 exceeds the policy's maximum of 604800");
        assertThat(audit(id)).extracting(AuditEvent::type).containsExactly(REJECTED);
        assertThat(admin.listTopics().names().get()).doesNotContain(Topics.grant(WINDOW, id));
    }
}
