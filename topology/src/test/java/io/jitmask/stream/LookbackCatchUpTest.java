package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.config.Topics;
import io.jitmask.grants.CatchUp;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantJson;
import io.jitmask.grants.GrantResult;
import io.jitmask.grants.LedgerEntry;
import io.jitmask.keys.Keyset;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catch-up/live split of lookback grants in the masking task, with the real topology (TopologyTestDriver) and a
 * raw log held in memory that holds exactly what was piped to the raw topic (offsets as the driver numbers them):
 * every offset from the window's start on is copied once, by the live path or by the catch-up, whatever order the
 * two run in; the catch-up is paced in copies; its reports go to {@code jit.grant-results}.
 */
class LookbackCatchUpTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    /** The raw partition 0 of raw.customers as a log: what the driver was given, and how much of it is stable. */
    static final class MemoryLog implements RawLog {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        int recordsRead;
        /** Reads asked for (one per catch-up round at least). */
        int reads;
        /** While set, nothing is readable yet (as when a fetch has not come back). */
        boolean stalled;
        /** Look-ups that go to the broker in a real log (offsets for times, log start, last stable offset). */
        int lookups;

        void append(byte[] key, byte[] value, Instant timestamp) {
            records.add(new ConsumerRecord<>("raw.customers", 0, records.size(), timestamp.toEpochMilli(),
                    TimestampType.CREATE_TIME, key.length, value.length, key, value, new RecordHeaders(), java.util.Optional.empty()));
        }

        @Override
        public At firstAtOrAfter(TopicPartition partition, long timestampMs) {
            lookups++;
            return records.stream().filter(r -> r.timestamp() >= timestampMs).findFirst()
                    .map(r -> new At(r.offset(), r.timestamp())).orElse(null);
        }

        @Override
        public long logStart(TopicPartition partition) {
            lookups++;
            return 0;
        }

        @Override
        public long lastStable(TopicPartition partition) {
            lookups++;
            return records.size();
        }

        @Override
        public int partitions(String topic) {
            return 1;
        }

        @Override
        public Batch read(TopicPartition partition, long from, Duration timeout) {
            reads++;
            if (stalled) {
                return new Batch(List.of(), from);
            }
            List<ConsumerRecord<byte[], byte[]>> out = records.subList((int) Math.min(from, records.size()),
                    (int) Math.min(from + 3, records.size()));
            recordsRead += out.size();
            return new Batch(List.copyOf(out), from + out.size());
        }
    }

    InMemorySchemaRegistryClient registry;
    AvroCodec codec;
    Schema customers;
    int customersId;
    GrantIndex grants;
    MemoryLog log;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> raw;
    TestInputTopic<String, byte[]> grantsTopic;
    TestOutputTopic<byte[], byte[]> results;
    @org.junit.jupiter.api.io.TempDir
    Path stateDir;

    /** Whether the masking path lags, as the catch-ups see it. */
    final java.util.concurrent.atomic.AtomicBoolean maskingLags = new java.util.concurrent.atomic.AtomicBoolean();

    void start(long copiesPerSecond) {
        registry = new InMemorySchemaRegistryClient();
        codec = new AvroCodec(registry);
        customers = SampleSchemas.of("customers");
        customersId = registry.register("raw.customers-value", customers);
        Policy policy = PolicyLoader.load(Path.of("../deploy/policy.yaml"));
        grants = new GrantIndex();
        log = new MemoryLog();
        Topology topology = JitmaskTopology.masking(new Topology(), new JitmaskTopology.MaskingDeps(List.of("customers"),
                new PolicyMaskEngine(policy, Keyset.fromJson(io.jitmask.testing.TestKeys.JSON)), registry, grants,
                policy.headers().allow(), Duration.ofSeconds(1),
                new MaskingProcessor.Lookback(log, new CatchUpBudget(copiesPerSecond), Duration.ofSeconds(5), maskingLags::get)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lookback-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, NOW);
        ByteArraySerializer bytes = new ByteArraySerializer();
        raw = driver.createInputTopic("raw.customers", bytes, bytes);
        grantsTopic = driver.createInputTopic(Topics.GRANTS, new StringSerializer(), bytes);
        results = driver.createOutputTopic(Topics.GRANT_RESULTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @BeforeEach
    void setUp() {
        start(1_000_000);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /** Appends a record to the log; piped to the masking task only when {@code process}. */
    void produce(String key, Instant timestamp, boolean process) {
        GenericRecord value = io.jitmask.testing.TestCustomers.customer(key);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = codec.encode(customersId, customers, value);
        log.append(k, v, timestamp);
        if (process) {
            raw.pipeInput(k, v, timestamp);
        }
    }

    static Grant lookbackGrant(String id, GrantFilter filter, Instant expiresAt) {
        return new Grant(id, "customers", "User:alice", List.of("email"), filter, Topics.grant("customers", id), "alice",
                List.of("bob"), "INC-1 test", NOW, expiresAt, Grant.ACTIVE, 3600L);
    }

    TestOutputTopic<byte[], byte[]> copiesOf(Grant grant) {
        return driver.createOutputTopic(grant.topic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static long offset(TestRecord<byte[], byte[]> copy) {
        return ByteBuffer.wrap(copy.headers().lastHeader(MaskingProcessor.SOURCE_OFFSET_HEADER).value()).getLong();
    }

    /** The results written since the last call, a batch's one by one (see {@link #resultRecords()}). */
    List<GrantResult> results() {
        return resultRecords().stream().flatMap(r -> r.unbatched().stream()).toList();
    }

    /** The records written to jit.grant-results since the last call, as written (a round's reports in one). */
    List<GrantResult> resultRecords() {
        return results.readValuesToList().stream().map(GrantResult::fromBytes).toList();
    }

    LedgerEntry ledger(String requestId) {
        byte[] bytes = driver.<String, byte[]>getKeyValueStore(JitmaskTopology.GRANT_LEDGER_STORE).get(requestId + "/0");
        return bytes == null ? null : LedgerEntry.fromBytes(bytes);
    }

    @Test
    void liveCopiesBeforeTheStartIsKnownBoundTheCatchUpEveryOffsetOnceFromTheWindowOn() {
        // Offsets 0-1 older than the window, 2-9 in it (5-9 masked before the grant was visible), 10-12 live.
        produce("C0", NOW.minus(Duration.ofHours(2)), true);
        produce("C1", NOW.minus(Duration.ofHours(2)), true);
        for (int i = 2; i < 10; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(30)).plusSeconds(i), true);
        }
        Grant grant = lookbackGrant("r1", new GrantFilter.All(), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = copiesOf(grant);
        produce("C10", NOW.plusSeconds(1), true);
        produce("C11", NOW.plusSeconds(2), true);
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).as("live at once").containsExactly(10L, 11L);
        assertThat(ledger("r1").catchUp()).isEqualTo(new CatchUp(null, 10L, null, 0, null, null, 0, CatchUp.Status.PENDING, null));

        List<GrantResult> reports = new ArrayList<>();
        for (int round = 0; round < 100 && reports.stream().noneMatch(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED); round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
            reports.addAll(results());
        }
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset)
                .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        Instant startedAt = reports.get(0).at();
        Instant completedAt = reports.get(reports.size() - 1).at();
        assertThat(reports).containsExactly(
                GrantResult.catchUpStarted("r1", startedAt, 0, 2L, 9L, NOW.minus(Duration.ofMinutes(30)).plusSeconds(2), false),
                GrantResult.catchUp(GrantResult.Type.CATCH_UP_COMPLETED, "r1", completedAt, 0,
                        new CatchUp(10L, 10L, 10L, 8, 2L, 9L, 0, CatchUp.Status.COMPLETED, null), null));

        produce("C12", NOW.plusSeconds(3), true);
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(12L);
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(copies.isEmpty()).isTrue();
        assertThat(results()).as("completed once").isEmpty();
        LedgerEntry entry = ledger("r1");
        assertThat(entry.records()).isEqualTo(11);
        assertThat(entry.firstOffset()).isEqualTo(2L);
        assertThat(entry.lastOffset()).isEqualTo(12L);
    }

    @Test
    void aCatchUpAheadOfMaskingCopiesUpToTheLastStableOffsetAndMaskingSkipsWhatItCopied() {
        for (int i = 0; i < 4; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        // Committed to the raw topic, not yet processed by the masking task (it lags).
        for (int i = 4; i < 7; i++) {
            produce("C" + i, NOW.plusSeconds(i), false);
        }
        Grant grant = lookbackGrant("r2", new GrantFilter.All(), NOW.plusSeconds(600));
        Grant keyed = lookbackGrant("r3", new GrantFilter.Keys(List.of("C1", "C5", "C8")), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        grantsTopic.pipeInput(keyed.key(), GrantJson.toBytes(keyed));
        TestOutputTopic<byte[], byte[]> copies = copiesOf(grant);
        TestOutputTopic<byte[], byte[]> keyedCopies = copiesOf(keyed);

        // Rounds until both are complete (a round ends after 100 ms of thread time, so a slow machine needs more).
        List<GrantResult> reports = new ArrayList<>();
        for (int round = 0; round < 100 && reports.stream().filter(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED).count() < 2; round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
            reports.addAll(results());
        }
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(keyedCopies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(1L, 5L);
        assertThat(log.recordsRead).as("each record read once for both grants").isEqualTo(7);
        assertThat(reports).extracting(GrantResult::type).containsExactly(GrantResult.Type.CATCH_UP_STARTED,
                GrantResult.Type.CATCH_UP_STARTED, GrantResult.Type.CATCH_UP_COMPLETED, GrantResult.Type.CATCH_UP_COMPLETED);

        // The masking task catches up: 4-6 were copied by the catch-up, not again; 7 on is live.
        for (int i = 4; i < 7; i++) {
            ConsumerRecord<byte[], byte[]> r = log.records.get(i);
            raw.pipeInput(r.key(), r.value(), r.timestamp());
        }
        produce("C7", NOW.plusSeconds(7), true);
        produce("C8", NOW.plusSeconds(8), true);
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(7L, 8L);
        assertThat(keyedCopies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(8L);
        assertThat(ledger("r2").records()).isEqualTo(9);
        assertThat(ledger("r3").records()).isEqualTo(3);
    }

    @Test
    void theCatchUpIsPacedInCopiesAndStopsAtTheCopyCutoffBeforeExpiry() {
        driver.close();
        start(5); // a burst of 1 copy, then 5/s (of real time: the rounds are driven by the test's clock)
        for (int i = 0; i < 40; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        Grant grant = lookbackGrant("r4", new GrantFilter.All(), NOW.plusSeconds(3));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = copiesOf(grant);
        long startedNanos = System.nanoTime();
        driver.advanceWallClockTime(Duration.ofMillis(100));
        int first = copies.readRecordsToList().size();
        assertThat(first).isLessThanOrEqualTo(1 + 1);
        List<TestRecord<byte[], byte[]>> all = new ArrayList<>();
        // Wall-clock rounds until the cutoff (1 s before expiresAt): at most 5/s of real time, plus the burst.
        for (int round = 1; round <= 18; round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
            all.addAll(copies.readRecordsToList());
        }
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        assertThat(first + all.size()).isLessThanOrEqualTo((int) (5 * seconds) + 1 + 1);
        List<GrantResult> reports = results();
        assertThat(reports).extracting(GrantResult::type).contains(GrantResult.Type.CATCH_UP_STARTED)
                .doesNotContain(GrantResult.Type.CATCH_UP_STOPPED);

        // Past expiresAt minus the cutoff: nothing more, and the stop is reported once with its figures.
        driver.advanceWallClockTime(Duration.ofMillis(100));
        copies.readRecordsToList();
        int copiedBeforeStop = (int) ledger("r4").records();
        driver.advanceWallClockTime(Duration.ofMillis(1000));
        assertThat(copies.isEmpty()).isTrue();
        List<GrantResult> stop = results().stream().filter(r -> r.type() != GrantResult.Type.CATCH_UP_PROGRESS).toList();
        assertThat(stop).hasSize(1);
        assertThat(stop.get(0).type()).isEqualTo(GrantResult.Type.CATCH_UP_STOPPED);
        assertThat(stop.get(0).reason()).isEqualTo("grant expires at " + grant.expiresAt() + " (copies stop 1000 ms before)");
        assertThat(stop.get(0).records()).isEqualTo(copiedBeforeStop);
        assertThat(copiedBeforeStop).isLessThan(40);
    }

    @Test
    void whileMaskingLagsACatchUpRunsOneRoundASecondAndEveryRoundOnceItHasCaughtUp() {
        for (int i = 0; i < 5; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        maskingLags.set(true);
        log.stalled = true;
        Grant grant = lookbackGrant("r5", new GrantFilter.All(), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        TestOutputTopic<byte[], byte[]> copies = copiesOf(grant);

        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(log.reads).as("the first round runs").isEqualTo(1);
        for (int round = 2; round <= 10; round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
        assertThat(log.reads).as("the next nine rounds yield to masking").isEqualTo(1);
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(log.reads).as("a second after the first").isEqualTo(2);

        maskingLags.set(false);
        driver.advanceWallClockTime(Duration.ofMillis(100));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(log.reads).as("every round once masking has caught up").isEqualTo(4);

        log.stalled = false;
        List<GrantResult> reports = new ArrayList<>();
        for (int round = 0; round < 100 && reports.stream().noneMatch(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED); round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
            reports.addAll(results());
        }
        assertThat(copies.readRecordsToList()).extracting(LookbackCatchUpTest::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(ledger("r5").catchUp().status()).isEqualTo(CatchUp.Status.COMPLETED);
    }

    @Test
    void grantsApprovedTogetherAskTheBrokerOncePerRoundNotOncePerGrant() {
        for (int i = 0; i < 5; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        List<TestOutputTopic<byte[], byte[]>> copies = new ArrayList<>();
        for (int g = 0; g < 30; g++) {
            Grant grant = lookbackGrant("m" + g, new GrantFilter.Keys(List.of("C" + (g % 5))), NOW.plusSeconds(600));
            grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
            copies.add(copiesOf(grant));
        }
        driver.advanceWallClockTime(Duration.ofMillis(100));
        // Window start, activation, last stable offset, log start: once each for the 30 windows of the same times.
        assertThat(log.lookups).isEqualTo(4);
        for (int round = 0; round < 100 && results().stream().noneMatch(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED); round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
        for (int g = 0; g < 30; g++) {
            assertThat(copies.get(g).readRecordsToList()).extracting(LookbackCatchUpTest::offset).as("grant m" + g)
                    .containsExactly((long) (g % 5));
        }
        // Later rounds reuse the last stable offset read when the windows were resolved: no blocking look-up a round.
        assertThat(log.lookups).as("no look-up after the windows were resolved").isEqualTo(4);
    }

    @Test
    void oneRoundReportsOnAllItsGrantsInOneRecordAndOnlyProgressThatMoved() {
        for (int i = 0; i < 5; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        log.stalled = true;
        List<String> ids = new ArrayList<>();
        for (int g = 0; g < 30; g++) {
            Grant grant = lookbackGrant("n" + g, new GrantFilter.Keys(List.of("C" + (g % 5))), NOW.plusSeconds(600));
            grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
            ids.add(grant.requestId());
        }
        Grant nothing = lookbackGrant("n30", new GrantFilter.Keys(List.of("no such key")), NOW.plusSeconds(600));
        grantsTopic.pipeInput(nothing.key(), GrantJson.toBytes(nothing));
        ids.add(nothing.requestId());
        driver.advanceWallClockTime(Duration.ofMillis(100));
        List<GrantResult> first = resultRecords();
        assertThat(first).as("the first round's 31 starts in one record").hasSize(1);
        assertThat(first.get(0).type()).isEqualTo(GrantResult.Type.BATCH);
        assertThat(first.get(0).unbatched()).extracting(GrantResult::type).containsOnly(GrantResult.Type.CATCH_UP_STARTED);
        assertThat(first.get(0).unbatched()).extracting(GrantResult::requestId).containsExactlyInAnyOrderElementsOf(ids);

        // Nothing readable for 6 s (more than the 5 s progress interval): nothing moved, so nothing is reported.
        for (int round = 0; round < 60; round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
        assertThat(resultRecords()).isEmpty();

        log.stalled = false;
        List<GrantResult> reports = new ArrayList<>();
        for (int round = 0; round < 100 && reports.stream().filter(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED).count() < 31; round++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
            List<GrantResult> records = resultRecords();
            assertThat(records).as("one record a round").hasSizeLessThanOrEqualTo(1);
            records.forEach(r -> reports.addAll(r.unbatched()));
        }
        // Past the interval, a grant whose copies moved before it completed reports them; n30, which copied nothing, never.
        assertThat(reports).filteredOn(r -> r.type() == GrantResult.Type.CATCH_UP_PROGRESS)
                .allSatisfy(r -> assertThat(r.records()).isEqualTo(1L)).extracting(GrantResult::requestId).doesNotContain("n30");
        assertThat(reports).filteredOn(r -> r.type() == GrantResult.Type.CATCH_UP_COMPLETED).extracting(GrantResult::requestId)
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(reports).extracting(GrantResult::type).isSubsetOf(GrantResult.Type.CATCH_UP_PROGRESS,
                GrantResult.Type.CATCH_UP_COMPLETED);
        assertThat(reports).filteredOn(r -> r.requestId().equals("n30")).extracting(GrantResult::records).containsExactly(0L);
        assertThat(reports).filteredOn(r -> r.requestId().equals("n7") && r.type() == GrantResult.Type.CATCH_UP_COMPLETED).extracting(GrantResult::records, GrantResult::firstOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 2L));
    }

    @Test
    void aCatchUpThatCopiesReportsItsProgressEveryIntervalWhileItMoves() {
        driver.close();
        start(5); // 5 copies a second of real time: the 40 records take longer than the test's rounds
        for (int i = 0; i < 40; i++) {
            produce("C" + i, NOW.minus(Duration.ofMinutes(10)), true);
        }
        Grant grant = lookbackGrant("p1", new GrantFilter.All(), NOW.plusSeconds(600));
        grantsTopic.pipeInput(grant.key(), GrantJson.toBytes(grant));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(results()).extracting(GrantResult::type).containsExactly(GrantResult.Type.CATCH_UP_STARTED);
        // Wall-clock rounds of the test's clock, each after real time for the budget to refill.
        List<GrantResult> reports = new ArrayList<>();
        for (int round = 0; round < 51; round++) {
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(50)).until(() -> true);
            driver.advanceWallClockTime(Duration.ofMillis(100));
            reports.addAll(results());
        }
        long copied = ledger("p1").catchUp().copied();
        assertThat(copied).isBetween(1L, 39L);
        // 5.1 s of the task's clock: one progress report at 5 s (the copies moved since the start), with the figures.
        assertThat(reports).extracting(GrantResult::type).containsExactly(GrantResult.Type.CATCH_UP_PROGRESS);
        assertThat(reports.get(0).records()).isBetween(1L, copied);
        assertThat(ledger("p1").catchUp().reported()).isEqualTo(reports.get(0).records());
    }
}
