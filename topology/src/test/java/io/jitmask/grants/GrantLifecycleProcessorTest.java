package io.jitmask.grants;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle processor: requests, approvals, activation through commands and results, ends and pruning. */
class GrantLifecycleProcessorTest {
    static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    @TempDir
    Path stateDir;
    LifecycleDriver lifecycle;

    /** The lifecycle of these tests and {@link GrantExtensionTest}: an ended grant's topic is deleted 5 s after its end. */
    static LifecycleDriver start(Path stateDir) {
        return LifecycleDriver.builder("lifecycle-test", START).stateDir(stateDir).datasets("customers", "payments")
                .deleteGrace(Duration.ofSeconds(5)).start();
    }

    @BeforeEach
    void setUp() {
        lifecycle = start(stateDir);
    }

    @AfterEach
    void tearDown() {
        lifecycle.close();
    }

    static ObjectNode request(String id, long seconds) {
        return ApprovalEvents.requested(id, "alice", START, "User:alice", "customers", List.of("email"), List.of("C1"),
                "INC-7 refund dispute", seconds, null, DemoActors.key("alice"));
    }

    static LedgerEntry entry(long records, long first, long last, Instant firstAt, Instant lastAt) {
        return new LedgerEntry(records, first, last, firstAt, lastAt, true, firstAt);
    }

    @Test
    void aBatchOfCatchUpReportsIsAuditedAsItsReportsOneByOneWouldBe() {
        Instant t0 = START.plusSeconds(1);
        for (String id : List.of("b1", "b2")) {
            ObjectNode request = ApprovalEvents.requested(id, "alice", START, "User:alice", "customers", List.of("email"),
                    null, "INC-7 refund dispute", 60, 3_600L, DemoActors.key("alice"));
            lifecycle.post(request);
            lifecycle.post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));
            lifecycle.result(GrantResult.provisioned(id, START, 1));
        }
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED,
                REQUESTED, APPROVED, ACTIVATED);
        CatchUp done = new CatchUp(20L, 20L, 20L, 3, 10L, 19L, 0, CatchUp.Status.COMPLETED, null);
        // One catch-up round of a masking task: both grants start and b1 completes, in one record (one partition).
        List<GrantResult> round = List.of(
                GrantResult.catchUpStarted("b1", t0, 0, 10L, 19L, START.minusSeconds(60), false),
                GrantResult.catchUpStarted("b2", t0, 0, null, null, null, false),
                GrantResult.catchUp(GrantResult.Type.CATCH_UP_COMPLETED, "b1", t0, 0, done, null));
        List<GrantResult> records = GrantResult.batched(round, 1, t0);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).type()).isEqualTo(GrantResult.Type.BATCH);
        assertThat(GrantResult.fromBytes(records.get(0).toBytes()).unbatched()).isEqualTo(round);
        lifecycle.result(records.get(0));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type, AuditEvent::requestId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.BACKFILL_STARTED, "b1"),
                org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.BACKFILL_STARTED, "b2"),
                org.assertj.core.groups.Tuple.tuple(AuditEvent.Type.BACKFILL_COMPLETED, "b1"));
        assertThat(trail.get(0).windowOffsets()).isEqualTo(java.util.Map.of("0", new AuditEvent.OffsetRange(10, 19)));
        assertThat(trail.get(1).windowOffsets()).isEmpty();
        assertThat(trail.get(2).records()).isEqualTo(3L);
        // The same batch again (a replay cannot happen in a transaction, but must not matter): nothing new.
        lifecycle.result(records.get(0));
        assertThat(lifecycle.auditEvents()).isEmpty();
        // A batch in a batch, or a member without a type, is not a result: skipped, never trusted.
        GrantResult nested = new GrantResult(GrantResult.Type.BATCH, "b2", t0, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, List.of(records.get(0)));
        assertThatThrownBy(() -> GrantResult.fromBytes(nested.toBytes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a grant result (IllegalArgumentException)");
        lifecycle.result(nested);
        assertThat(lifecycle.auditEvents()).isEmpty();
    }

    @Test
    void resultsAreBatchedPerPartitionOfTheResultsTopicKeyedSoTheyLandWhereEachAloneWould() {
        List<GrantResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            results.add(GrantResult.catchUpStarted("g" + i, START, 0, null, null, null, false));
        }
        List<GrantResult> records = GrantResult.batched(results, 3, START);
        java.util.Map<Integer, List<GrantResult>> expected = new java.util.TreeMap<>();
        for (GrantResult r : results) {
            expected.computeIfAbsent(GrantResult.partitionOf(r.requestId(), 3), p -> new java.util.ArrayList<>()).add(r);
        }
        java.util.Map<Integer, List<GrantResult>> got = new java.util.TreeMap<>();
        for (GrantResult record : records) {
            int partition = GrantResult.partitionOf(record.requestId(), 3);
            assertThat(record.unbatched()).hasSizeLessThanOrEqualTo(GrantResult.MAX_BATCH)
                    .allSatisfy(r -> assertThat(GrantResult.partitionOf(r.requestId(), 3)).isEqualTo(partition));
            got.computeIfAbsent(partition, p -> new java.util.ArrayList<>()).addAll(record.unbatched());
        }
        assertThat(got).isEqualTo(expected);
        // The producer's partitioner for the record's key: the same partition.
        for (GrantResult record : records) {
            assertThat(GrantResult.partitionOf(record.requestId(), 3)).isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(record.requestId().getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3);
        }
        assertThat(records).hasSize(expected.values().stream().mapToInt(l -> (l.size() + GrantResult.MAX_BATCH - 1) / GrantResult.MAX_BATCH).sum());
        assertThat(GrantResult.batched(results.subList(0, 1), 3, START)).isEqualTo(results.subList(0, 1));
    }

    @Test
    void aLookbackRequestShowsItsWindowInTheAuditAndTheGrantAndItsCatchUpIsAuditedOnceFromThePartitionsReports() {
        ObjectNode request = ApprovalEvents.requested("r5", "alice", START, "User:alice", "customers", List.of("email"),
                null, "INC-7 refund dispute", 60, 86_400L, DemoActors.key("alice"));
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));
        lifecycle.result(GrantResult.provisioned("r5", START, 2));

        Grant grant = GrantJson.fromBytes(lifecycle.grants.readRecord().value());
        assertThat(grant.lookbackSeconds()).isEqualTo(86_400L);
        assertThat(grant.hasLookback()).isTrue();
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED);
        assertThat(trail).extracting(AuditEvent::lookbackSeconds).containsExactly(86_400L, null, 86_400L);
        Instant activatedAt = trail.get(2).at();

        // The masking tasks of partitions 0 and 1 report; BACKFILL_STARTED waits for both starts.
        Instant t0 = START.plusSeconds(1);
        lifecycle.result(GrantResult.catchUpStarted("r5", t0, 0, 10L, 19L, START.minusSeconds(3600), true));
        assertThat(lifecycle.auditEvents()).isEmpty();
        lifecycle.result(GrantResult.catchUpStarted("r5", t0, 1, null, null, null, false));
        AuditEvent started = lifecycle.auditEvents().get(0);
        assertThat(started.type()).isEqualTo(AuditEvent.Type.BACKFILL_STARTED);
        assertThat(started.windowFrom()).isEqualTo(activatedAt.minusSeconds(86_400));
        assertThat(started.windowTo()).isEqualTo(activatedAt);
        assertThat(started.reachedBack()).isEqualTo(START.minusSeconds(3600));
        assertThat(started.windowOffsets()).isEqualTo(java.util.Map.of("0", new AuditEvent.OffsetRange(10, 19)));
        assertThat(started.detail()).isEqualTo("partitions [0] start at their oldest retained record: older records of"
                + " the window are past the topic's retention and cannot be copied");
        // A start re-posted (it cannot be, but a replay must not matter) changes nothing.
        lifecycle.result(GrantResult.catchUpStarted("r5", t0, 1, null, null, null, false));
        assertThat(lifecycle.auditEvents()).isEmpty();

        CatchUp four = new CatchUp(14L, null, 20L, 4, 10L, 13L, 0, CatchUp.Status.PENDING, null);
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_PROGRESS, "r5", t0, 0, four, null));
        CatchUp done1 = new CatchUp(0L, 0L, 0L, 0, null, null, 0, CatchUp.Status.COMPLETED, null);
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_COMPLETED, "r5", t0, 1, done1, null));
        CatchUp done0 = new CatchUp(20L, 25L, 20L, 9, 10L, 19L, 1, CatchUp.Status.COMPLETED, null);
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_COMPLETED, "r5", t0.plusSeconds(2), 0, done0, null));
        List<AuditEvent> reports = lifecycle.auditEvents();
        assertThat(reports).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.BACKFILL_PROGRESS,
                AuditEvent.Type.BACKFILL_COMPLETED);
        assertThat(reports.get(0).records()).isEqualTo(4L);
        assertThat(reports.get(1).records()).isEqualTo(9L);
        assertThat(reports.get(1).sourceOffsets()).isEqualTo(java.util.Map.of("0", new AuditEvent.OffsetRange(10, 19)));
        assertThat(reports.get(1).detail()).isEqualTo("1 records of the window could not be masked and were not copied");
        assertThat(reports.get(1).at()).isEqualTo(t0.plusSeconds(2));
        // Completed once: a late report is ignored.
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, "r5", t0, 0, done0, "grant ended"));
        assertThat(lifecycle.auditEvents()).isEmpty();

        // Without lookback: the grant and audit say nothing about one, and catch-up reports are ignored.
        ObjectNode plain = request("r6", 60);
        lifecycle.post(plain);
        lifecycle.post(ApprovalEvents.approved(plain, "bob", START, "ok", DemoActors.key("bob")));
        lifecycle.result(GrantResult.provisioned("r6", START, 3));
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).lookbackSeconds()).isNull();
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::lookbackSeconds).containsOnlyNulls();
        lifecycle.result(GrantResult.catchUpStarted("r6", t0, 0, 1L, 2L, START, false));
        assertThat(lifecycle.auditEvents()).isEmpty();
    }

    @Test
    void aCatchUpStoppedOnOnePartitionIsAuditedAsStoppedWithTheLatestStopTime() {
        ObjectNode request = ApprovalEvents.requested("r7", "alice", START, "User:alice", "customers", List.of("email"),
                null, "INC-7 refund dispute", 60, 3_600L, DemoActors.key("alice"));
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));
        lifecycle.result(GrantResult.provisioned("r7", START, 2));
        lifecycle.grants.readRecord();
        lifecycle.auditEvents();
        Instant t0 = START.plusSeconds(1);
        lifecycle.result(GrantResult.catchUpStarted("r7", t0, 0, 0L, 99L, START.minusSeconds(60), false));
        lifecycle.result(GrantResult.catchUpStarted("r7", t0, 1, 0L, 99L, START.minusSeconds(60), false));
        CatchUp some = new CatchUp(40L, null, 100L, 40, 0L, 39L, 0, CatchUp.Status.STOPPED, null);
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, "r7", START.plusSeconds(58), 0, some, "grant expires at X"));
        CatchUp more = new CatchUp(45L, null, 100L, 45, 0L, 44L, 0, CatchUp.Status.STOPPED, null);
        lifecycle.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, "r7", START.plusSeconds(59), 1, more, "grant expires at X"));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.BACKFILL_STARTED,
                AuditEvent.Type.BACKFILL_STOPPED);
        assertThat(trail.get(1).records()).isEqualTo(85L);
        assertThat(trail.get(1).reason()).isEqualTo("grant expires at X");
        assertThat(trail.get(1).at()).isEqualTo(START.plusSeconds(59));
    }

    @Test
    void activatesOnlyOnceTheWorkerProvisionedTopicAndAclThenEndsThroughCommandsAndTheLedger() {
        ObjectNode request = request("r1", 60);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, "ok", DemoActors.key("bob")));

        // Nothing is published before the topic and ACL exist: the lifecycle asks, a worker does it.
        assertThat(lifecycle.commands()).containsExactly(GrantCommand.provision("r1", "customers", "grant.customers.r1",
                "raw.customers", "User:alice", true, (28_800 + 5 + 60) * 1000L));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED);
        var store = lifecycle.driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE);
        assertThat(RequestState.fromBytes(store.get("r1")).status()).isEqualTo(RequestState.Status.ACTIVATING);

        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(2));
        Instant activatedAt = START.plusSeconds(2);
        lifecycle.result(GrantResult.provisioned("r1", activatedAt, 3));
        TestRecord<String, byte[]> published = lifecycle.grants.readRecord();
        assertThat(published.key()).isEqualTo("customers/r1");
        Grant grant = GrantJson.fromBytes(published.value());
        assertThat(grant.status()).isEqualTo(Grant.ACTIVE);
        assertThat(grant.fields()).containsExactly("email");
        assertThat(grant.filter()).isEqualTo(new GrantFilter.Keys(List.of("C1")));
        assertThat(grant.expiresAt()).isEqualTo(activatedAt.plusSeconds(60));
        assertThat(grant.approvers()).containsExactly("bob");
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(ACTIVATED);
        // A result posted twice (a worker handing over) changes nothing.
        lifecycle.result(GrantResult.provisioned("r1", activatedAt, 3));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.audit.isEmpty()).isTrue();

        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(59));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.commands.isEmpty()).isTrue();
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(1));
        Instant endedAt = activatedAt.plusSeconds(60);
        TestRecord<String, byte[]> ending = lifecycle.grants.readRecord();
        assertThat(ending.key()).isEqualTo("customers/r1");
        assertThat(GrantJson.fromBytes(ending.value())).isEqualTo(grant.ending());
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(EXPIRY_DETECTED);
        assertThat(lifecycle.commands()).containsExactly(GrantCommand.withdrawAccess("r1", "customers", "grant.customers.r1",
                "User:alice", true));

        // The topic is deleted only when access is gone and every raw partition's ledger is closed.
        lifecycle.result(GrantResult.ledgerClosed("r1", endedAt, 0, entry(2, 10, 14, START.plusSeconds(3), START.plusSeconds(9))));
        lifecycle.result(GrantResult.accessWithdrawn("r1", endedAt));
        lifecycle.result(GrantResult.ledgerClosed("r1", endedAt, 2, new LedgerEntry(0, null, null, null, null, true, endedAt)));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.commands.isEmpty()).isTrue();
        lifecycle.result(GrantResult.ledgerClosed("r1", endedAt, 1, entry(3, 7, 30, START.plusSeconds(4), START.plusSeconds(50))));
        TestRecord<String, byte[]> tombstone = lifecycle.grants.readRecord();
        assertThat(tombstone.key()).isEqualTo("customers/r1");
        assertThat(tombstone.value()).isNull();
        assertThat(lifecycle.commands()).containsExactly(GrantCommand.deleteTopic("r1", "customers", "grant.customers.r1",
                endedAt.plusSeconds(5), false));
        assertThat(lifecycle.audit.isEmpty()).isTrue();
        // A partition closed twice (a masking task replayed) counts once.
        lifecycle.result(GrantResult.ledgerClosed("r1", endedAt, 1, entry(3, 7, 30, START.plusSeconds(4), START.plusSeconds(50))));
        assertThat(lifecycle.commands.isEmpty()).isTrue();

        lifecycle.result(GrantResult.topicDeleted("r1", endedAt.plusSeconds(5), null, null));
        List<AuditEvent> last = lifecycle.auditEvents();
        assertThat(last).extracting(AuditEvent::type).containsExactly(DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        AuditEvent summary = last.get(0);
        assertThat(summary.records()).isEqualTo(5L);
        assertThat(summary.sourceOffsets()).isEqualTo(Map.of("0", new AuditEvent.OffsetRange(10, 14),
                "1", new AuditEvent.OffsetRange(7, 30)));
        assertThat(summary.fields()).containsExactly("email");
        assertThat(summary.windowFrom()).isEqualTo(START.plusSeconds(3));
        assertThat(summary.windowTo()).isEqualTo(START.plusSeconds(50));
        assertThat(last.get(1).actor()).isEqualTo("jitmask");
        assertThat(last.get(1).reason()).isEqualTo("expired at " + endedAt);
        assertThat(RequestState.fromBytes(store.get("r1")).status()).isEqualTo(RequestState.Status.ENDED);

        // Late duplicates of every result: nothing more, ever.
        lifecycle.result(GrantResult.topicDeleted("r1", endedAt.plusSeconds(6), null, null));
        lifecycle.result(GrantResult.accessWithdrawn("r1", endedAt));
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(lifecycle.audit.isEmpty()).isTrue();
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.commands.isEmpty()).isTrue();
    }

    @Test
    void revocationEndsAtOnceAndOnlyOnceAndKeepsWhoRevokedAndWhy() {
        ObjectNode request = request("r2", 600);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "carol", START, null, DemoActors.key("carol")));
        lifecycle.result(GrantResult.provisioned("r2", START, 1));
        lifecycle.auditEvents();
        lifecycle.grants.readRecord();
        lifecycle.commands();
        lifecycle.post(ApprovalEvents.revoked("r2", "bob", START.plusSeconds(5), "incident closed", DemoActors.key("bob")));
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).status()).isEqualTo(Grant.ENDING);
        AuditEvent accepted = lifecycle.auditEvents().get(0);
        assertThat(accepted.type()).isEqualTo(REVOKE_ACCEPTED);
        assertThat(accepted.actor()).isEqualTo("bob");
        assertThat(accepted.reason()).isEqualTo("incident closed");
        assertThat(lifecycle.commands()).extracting(GrantCommand::type).containsExactly(GrantCommand.Type.WITHDRAW_ACCESS);
        lifecycle.post(ApprovalEvents.revoked("r2", "alice", START.plusSeconds(6), "again", DemoActors.key("alice")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::reason).containsExactly("NOT_ACTIVE");
        assertThat(lifecycle.commands.isEmpty()).isTrue();

        // Who revoked and why live in the lifecycle's store, not in any worker's memory.
        GrantProgress progress = GrantProgress.fromBytes(lifecycle.driver.<String, byte[]>getKeyValueStore(
                JitmaskTopology.GRANT_PROGRESS_STORE).get("r2"));
        assertThat(progress.endActor()).isEqualTo("bob");
        assertThat(progress.endDetail()).isEqualTo("incident closed");
        lifecycle.result(GrantResult.accessWithdrawn("r2", START));
        lifecycle.result(GrantResult.ledgerClosed("r2", START, 0, new LedgerEntry(0, null, null, null, null, true, START)));
        assertThat(lifecycle.commands()).extracting(GrantCommand::type).containsExactly(GrantCommand.Type.DELETE_TOPIC);
        lifecycle.result(GrantResult.topicDeleted("r2", START, null, null));
        List<AuditEvent> last = lifecycle.auditEvents();
        assertThat(last).extracting(AuditEvent::type).containsExactly(DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
        assertThat(last.get(0).records()).isZero();
        assertThat(last.get(0).sourceOffsets()).isEmpty();
        assertThat(last.get(1).actor()).isEqualTo("bob");
        assertThat(last.get(1).reason()).isEqualTo("incident closed");
    }

    @Test
    void aRequestRevokedWhileItsTopicIsProvisionedIsNeverActivated() {
        ObjectNode request = request("r11", 600);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "carol", START, null, DemoActors.key("carol")));
        lifecycle.auditEvents();
        lifecycle.commands();
        lifecycle.post(ApprovalEvents.revoked("r11", "alice", START.plusSeconds(1), "not needed", DemoActors.key("alice")));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(REVOKE_ACCEPTED);
        assertThat(GrantJson.fromBytes(lifecycle.grants.readRecord().value()).status()).isEqualTo(Grant.ENDING);
        lifecycle.result(GrantResult.provisioned("r11", START, 2));
        assertThat(lifecycle.grants.isEmpty()).isTrue();
        assertThat(lifecycle.audit.isEmpty()).isTrue();
        lifecycle.result(GrantResult.accessWithdrawn("r11", START));
        lifecycle.result(GrantResult.ledgerClosed("r11", START, 0, new LedgerEntry(0, null, null, null, null, true, START)));
        lifecycle.result(GrantResult.ledgerClosed("r11", START, 1, new LedgerEntry(0, null, null, null, null, true, START)));
        assertThat(lifecycle.commands()).extracting(GrantCommand::type).containsExactly(GrantCommand.Type.WITHDRAW_ACCESS,
                GrantCommand.Type.DELETE_TOPIC);
        lifecycle.result(GrantResult.topicDeleted("r11", START, null, null));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(DISCLOSURE_SUMMARY, REVOKED, TOPIC_DELETED);
    }

    @Test
    void unapprovedRequestsExpire() {
        lifecycle.post(request("r3", 60));
        lifecycle.auditEvents();
        lifecycle.driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(REQUEST_EXPIRED);
        assertThat(lifecycle.commands.isEmpty()).isTrue();
    }

    @Test
    void failedActivationIsAuditedAndGrantsNothing() {
        ObjectNode request = request("r4", 60);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, null, DemoActors.key("bob")));
        lifecycle.result(GrantResult.provisionFailed("r4", START, "UnknownTopicOrPartitionException"));
        List<AuditEvent> trail = lifecycle.auditEvents();
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATION_FAILED);
        assertThat(trail.get(2).detail()).isEqualTo("could not create the grant topic or its ACL (UnknownTopicOrPartitionException)");
        assertThat(lifecycle.grants.isEmpty()).isTrue();
    }

    @Test
    void anEndLeftByAnEarlierReleaseIsResumedOnceAndCountedOnTheTopic() {
        ObjectNode request = request("r20", 3600);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, null, DemoActors.key("bob")));
        lifecycle.result(GrantResult.provisioned("r20", START, 3));
        Grant grant = GrantJson.fromBytes(lifecycle.grants.readRecord().value());
        lifecycle.commands();
        lifecycle.auditEvents();
        // What a release before the command log left: the request ENDING (its EXPIRY_DETECTED already audited by it)
        // and no grant-progress entry, since that store did not exist.
        var store = lifecycle.driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE);
        RequestState active = RequestState.fromBytes(store.get("r20"));
        Instant endedAt = START.plusSeconds(30);
        store.put("r20", active.ended(RequestState.Status.ENDING, endedAt, "EXPIRED").toBytes());
        lifecycle.driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_PROGRESS_STORE).delete("r20");

        // The first punctuation after start-up takes the end up again: grant ENDING, access withdrawal commanded.
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(1));
        TestRecord<String, byte[]> ending = lifecycle.grants.readRecord();
        assertThat(ending.key()).isEqualTo("customers/r20");
        assertThat(GrantJson.fromBytes(ending.value())).isEqualTo(grant.ending());
        assertThat(lifecycle.commands()).containsExactly(GrantCommand.withdrawAccess("r20", "customers", "grant.customers.r20",
                "User:alice", true));
        assertThat(lifecycle.audit.isEmpty()).as("its end was audited by the earlier release").isTrue();
        // Later punctuations do not issue it again.
        lifecycle.driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(lifecycle.commands.isEmpty()).isTrue();
        assertThat(lifecycle.grants.isEmpty()).isTrue();

        // No ledger entry is waited for (its copies predate the ledger): the worker counts them on the topic.
        lifecycle.result(GrantResult.accessWithdrawn("r20", START.plusSeconds(40)));
        assertThat(lifecycle.grants.readRecord().value()).isNull();
        // The grace runs from the driver's wall clock, 6 s after START here.
        assertThat(lifecycle.commands()).containsExactly(GrantCommand.deleteTopic("r20", "customers", "grant.customers.r20",
                START.plusSeconds(6 + 5), true));
        lifecycle.result(GrantResult.topicDeleted("r20", START.plusSeconds(45), 7L, Map.of("1", new AuditEvent.OffsetRange(3, 9))));
        List<AuditEvent> last = lifecycle.auditEvents();
        assertThat(last).extracting(AuditEvent::type).containsExactly(DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        assertThat(last.get(0).records()).isEqualTo(7L);
        assertThat(last.get(0).sourceOffsets()).isEqualTo(Map.of("1", new AuditEvent.OffsetRange(3, 9)));
        assertThat(last.get(1).actor()).isEqualTo("jitmask");
        assertThat(last.get(1).reason()).isEqualTo("expired before an upgrade; its end resumed by this release");
        assertThat(RequestState.fromBytes(store.get("r20")).status()).isEqualTo(RequestState.Status.ENDED);
    }

    @Test
    void aSideEffectThatKeepsFailingIsAuditedEachTimeTheWorkerReportsIt() {
        ObjectNode request = request("r12", 60);
        lifecycle.post(request);
        lifecycle.post(ApprovalEvents.approved(request, "bob", START, null, DemoActors.key("bob")));
        lifecycle.auditEvents();
        lifecycle.result(GrantResult.failing("r12", START, GrantCommand.Type.PROVISION, 5, "TimeoutException"));
        List<AuditEvent> failing = lifecycle.auditEvents();
        assertThat(failing).extracting(AuditEvent::type).containsExactly(SIDE_EFFECT_FAILING);
        assertThat(failing.get(0).reason()).isEqualTo("PROVISION");
        assertThat(failing.get(0).detail()).isEqualTo("PROVISION failed 5 times (TimeoutException); the worker keeps retrying");
        // The worker crashed after posting that report; the new owner counts from 0 and posts 5 again: no news.
        lifecycle.result(GrantResult.failing("r12", START, GrantCommand.Type.PROVISION, 5, "TimeoutException"));
        assertThat(lifecycle.audit.isEmpty()).isTrue();
        // Still failing past the last report: audited again.
        lifecycle.result(GrantResult.failing("r12", START, GrantCommand.Type.PROVISION, 25, "TimeoutException"));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type, AuditEvent::detail).containsExactly(org.assertj.core.groups
                .Tuple.tuple(SIDE_EFFECT_FAILING, "PROVISION failed 25 times (TimeoutException); the worker keeps retrying"));
        lifecycle.result(GrantResult.provisioned("r12", START, 1));
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::type).containsExactly(ACTIVATED);
        // Once nothing waits for it, a late report is no alert.
        lifecycle.result(GrantResult.failing("r12", START, GrantCommand.Type.PROVISION, 45, "TimeoutException"));
        assertThat(lifecycle.audit.isEmpty()).isTrue();
    }

    @Test
    void clockSkewedAndUnsignedEventsAreRejected() {
        ObjectNode future = ApprovalEvents.requested("r5", "alice", START.plus(Duration.ofMinutes(6)), "User:alice", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        lifecycle.post(future);
        ObjectNode unsigned = request("r6", 60);
        unsigned.remove("signature");
        lifecycle.post(unsigned);
        ObjectNode forSomeoneElse = ApprovalEvents.requested("r7", "alice", START, "User:bob", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        lifecycle.post(forSomeoneElse);
        ObjectNode confusable = ApprovalEvents.requested("r8", "аlice", START, "User:alice", "customers",
                List.of("email"), null, "INC-1 x", 60, null, DemoActors.key("alice"));
        lifecycle.post(confusable);
        assertThat(lifecycle.auditEvents()).extracting(AuditEvent::requestId, AuditEvent::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("r5", "CLOCK_SKEW"),
                org.assertj.core.groups.Tuple.tuple("r6", "MALFORMED"),
                org.assertj.core.groups.Tuple.tuple("r7", "GRANTEE_NOT_REQUESTER"),
                org.assertj.core.groups.Tuple.tuple("r8", "UNKNOWN_ACTOR"));
        assertThat(lifecycle.driver.getKeyValueStore(JitmaskTopology.GRANT_REQUESTS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void automatedRulesApproveOnlyLowRiskShortRequestsUpToTheGranteeLimit() {
        Policy policy = PolicyLoader.parse("""
                version: 1
                tags:
                  EMAIL: {technique: {type: email}}
                  PII:
                    sensitivity: low
                    technique: {type: hmac}
                    approval: {approvers: 1, roles: [privacy-officer], maxDurationSeconds: 3600}
                  NATIONAL_ID: {technique: {type: redact}, sensitivity: high,
                                approval: {approvers: 2, roles: [privacy-officer], maxDurationSeconds: 3600}}
                  DOB: {technique: {type: redact}}
                  PHONE: {technique: {type: redact}}
                  FREE_TEXT: {technique: {type: redact}}
                autoApproval: {enabled: true, maxSensitivity: low, maxDurationSeconds: 900, maxActiveGrantsPerGrantee: 1}
                """);
        try (LifecycleDriver auto = LifecycleDriver.builder("lifecycle-auto-test", START).policy(policy)
                .stateDir(stateDir.resolve("auto")).start()) {
            TestInputTopic<String, String> in = auto.approvals;
            TestOutputTopic<String, byte[]> out = auto.audit;
            TestInputTopic<String, byte[]> provisioned = auto.results;
            java.util.function.BiConsumer<String, ObjectNode> post = (id, e) -> in.pipeInput(id, e.toString());
            java.util.function.Function<Object[], ObjectNode> req = a -> ApprovalEvents.requested((String) a[0], "alice", START,
                    "User:alice", "customers", List.of((String) a[1]), null, "INC-3 check", (Long) a[2], null, DemoActors.key("alice"));
            post.accept("a1", req.apply(new Object[] {"a1", "name", 600L}));
            provisioned.pipeInput("a1", GrantResult.provisioned("a1", START, 1).toBytes());
            post.accept("a2", req.apply(new Object[] {"a2", "name", 600L}));
            post.accept("a3", req.apply(new Object[] {"a3", "nationalId", 600L}));
            post.accept("a4", req.apply(new Object[] {"a4", "email", 1800L}));
            List<AuditEvent> events = out.readValuesToList().stream().map(AuditEvent::fromBytes).toList();
            assertThat(events).extracting(e -> e.requestId() + " " + e.type() + (e.reason() == null ? "" : " " + e.reason() + " " + e.detail())).containsExactly(
                    "a1 REQUESTED", "a1 AUTO_APPROVED", "a1 ACTIVATED",
                    "a2 REQUESTED",
                    "a3 REQUESTED",
                    "a4 REQUESTED");
            assertThat(events.get(2).approvers()).containsExactly(GrantLifecycleProcessor.AUTO_APPROVER);
            // The auto-approved request gave its place back: a2, a3 and a4 are alice's pending requests.
            org.apache.kafka.streams.state.KeyValueStore<String, Long> admitted =
                    auto.driver.getKeyValueStore(JitmaskTopology.ADMISSION_PENDING_STORE);
            assertThat(admitted.get("pending/alice")).isEqualTo(3L);
        }
    }
}
