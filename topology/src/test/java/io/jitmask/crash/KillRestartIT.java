package io.jitmask.crash;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.audit.AuditEvent;
import io.jitmask.grants.RequestState;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskProcess;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.SharedKafka;
import io.jitmask.testing.TopicReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jitmask as a separate OS process, killed with SIGKILL again and again while records keep arriving. With
 * read_committed: every raw record is in masked.* exactly once; a live grant gets every raw record produced while
 * it is visible exactly once; a grant that expires while jitmask is dead gets no copy after its expiresAt and none
 * of the records produced after it, and ends (tombstone, EXPIRY_DETECTED ... TOPIC_DELETED) after the restart.
 */
class KillRestartIT {
    static final int KILLS = Math.max(3, Integer.getInteger("jitmask.kills", 10));
    /** Records of these keys match the key-filtered grant that expires while jitmask is dead. */
    static final List<String> SHORT_GRANT_KEYS = List.of("K3", "K7");
    static final long SHORT_GRANT_SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void sigkillAgainAndAgainLosesDuplicatesAndLeaksNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = "kill_" + suffix;
        Path log = dir.resolve("jitmask.log");
        try (EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0);
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryServer.url());
             GrantRequests grants = new GrantRequests()) {
            registry.register(Topics.raw(dataset) + "-value", SampleSchemas.of("customers"));
            SharedKafka.createTopics(3, Topics.raw(dataset), Topics.masked(dataset));
            Keyset.loadOrCreate(dir.resolve("keyset.json"));
            Path config = JitmaskProcess.writeConfig(dir.resolve("app.properties"), SharedKafka.bootstrapServers(),
                    registryServer.url(), "kill-it-" + suffix, dir.resolve("state"), dir.resolve("keyset.json"), dataset, Map.of());
            RawLoad load = RawLoad.start(SharedKafka.bootstrapServers(), registry, Topics.raw(dataset), seq -> "K" + (seq % 10));
            try {
                String live = null;
                long liveFrom = 0;
                String shortLived = null;
                Instant shortExpiresAt = null;
                List<ConsumerRecord<byte[], byte[]>> shortCopies = null;
                long roundsStarted = System.nanoTime();
                for (int kill = 1; kill <= KILLS; kill++) {
                    try (JitmaskProcess jitmask = JitmaskProcess.start(config, log)) {
                        if (kill == 1) {
                            // A live grant on every record; it is visible to this process once it has copied one
                            // record, and to every later process from start-up (global store restored first), so
                            // every record numbered from then on must reach it exactly once.
                            live = grants.grant(dataset, List.of("email"), null, 3600);
                            GrantRequests.await(live, ACTIVATED, Duration.ofSeconds(90));
                            TopicReader.readAtLeast(Topics.grant(dataset, live), 1, Duration.ofSeconds(60));
                            liveFrom = load.nextSeq();
                        } else if (kill == 3) {
                            // The grant expired while no jitmask ran: it ends right after start-up. Kill only once
                            // the end is recorded (ENDED in the lifecycle's changelog); a kill before that may
                            // repeat the final audit events, by design.
                            GrantRequests.await(shortLived, TOPIC_DELETED, Duration.ofSeconds(90));
                            String changelog = "kill-it-" + suffix + "-" + JitmaskTopology.GRANT_REQUESTS_STORE + "-changelog";
                            String id = shortLived;
                            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                                    .until(() -> lastState(changelog, id) == RequestState.Status.ENDED);
                        }
                        // Let it make progress, then kill it mid-flight (SIGKILL: no shutdown hook, no commit).
                        TopicReader.awaitProgress(SharedKafka.bootstrapServers(), Topics.masked(dataset), 20);
                        if (kill == 2) {
                            // Requested once this process is busy, so its life is spent copying, not starting up.
                            shortLived = grants.grant(dataset, List.of("email"), SHORT_GRANT_KEYS, SHORT_GRANT_SECONDS);
                            shortExpiresAt = GrantRequests.await(shortLived, ACTIVATED, Duration.ofSeconds(60)).expiresAt();
                            TopicReader.readAtLeast(Topics.grant(dataset, shortLived), 1, Duration.ofSeconds(SHORT_GRANT_SECONDS));
                            assertThat(Instant.now()).as("the short grant is still live when its process dies")
                                    .isBefore(shortExpiresAt);
                        }
                    }
                    if (kill == 2) {
                        // Dead while the grant expires, records still arriving; what its topic holds now is every
                        // copy it can ever hold (the killed process's open transaction can only abort).
                        Instant expiry = shortExpiresAt;
                        Awaitility.await().atMost(Duration.ofSeconds(SHORT_GRANT_SECONDS + 10)).pollInterval(Duration.ofMillis(100))
                                .until(() -> Instant.now().isAfter(expiry.plusSeconds(2)));
                        shortCopies = TopicReader.readAll(Topics.grant(dataset, shortLived));
                    }
                }
                long secondsPerKill = (System.nanoTime() - roundsStarted) / 1_000_000_000L / KILLS;
                List<RawLoad.Sent> sent = load.stop();
                try (JitmaskProcess last = JitmaskProcess.start(config, log)) {
                    int total = sent.size();
                    List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAllWhenAtLeast(
                            SharedKafka.bootstrapServers(), Topics.masked(dataset), total, Duration.ofSeconds(120));
                    Delivery.assertExactlyOnce("masked", Delivery.bySeq(masked), 0, total);
                    assertThat(masked).hasSize(total);
                    List<ConsumerRecord<byte[], byte[]>> liveCopies = TopicReader.readAllWhenAtLeast(
                            SharedKafka.bootstrapServers(), Topics.grant(dataset, live), total - liveFrom, Duration.ofSeconds(60));
                    Delivery.assertExactlyOnce("live grant", Delivery.bySeq(liveCopies), liveFrom, total);
                    assertSourceHeadersMatch(liveCopies, sent);
                    int shortChecked = assertShortGrant(dataset, shortLived, shortExpiresAt, shortCopies, sent);
                    System.out.printf("FIGURES KillRestartIT kills=%d records=%d masked=%d liveGrantCopies=%d "
                                    + "expiredGrantCopies=%d expiredGrantRecordsAfterExpiry=%d secondsPerKill=%d%n",
                            KILLS, total, masked.size(), liveCopies.size(), shortCopies.size(), shortChecked, secondsPerKill);
                }
            } finally {
                load.close();
            }
        }
        assertThat(Files.readString(log)).as("no unmasked value in the killed processes' logs").doesNotContain("ada.canary@example.com");
    }

    static RequestState.Status lastState(String changelog, String requestId) {
        return TopicReader.readAll(changelog).stream()
                .filter(r -> requestId.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() != null)
                .reduce((first, second) -> second).map(r -> RequestState.fromBytes(r.value()).status()).orElse(null);
    }

    /** Each copy's source headers name the raw record its correlation id says it came from. */
    static void assertSourceHeadersMatch(List<ConsumerRecord<byte[], byte[]>> copies, List<RawLoad.Sent> sent) {
        Map<Long, RawLoad.Sent> bySeq = sent.stream().collect(Collectors.toMap(RawLoad.Sent::seq, Function.identity()));
        assertThat(copies).allSatisfy(copy -> {
            RawLoad.Sent source = bySeq.get(Delivery.bySeq(List.of(copy)).keySet().iterator().next());
            assertThat(ByteBuffer.wrap(copy.headers().lastHeader("jitmask.source.partition").value()).getInt())
                    .isEqualTo(source.partition());
            assertThat(ByteBuffer.wrap(copy.headers().lastHeader("jitmask.source.offset").value()).getLong())
                    .isEqualTo(source.offset());
        });
    }

    /** Returns how many matching records were produced after the grant's expiry (none of which may be copied). */
    static int assertShortGrant(String dataset, String id, Instant expiresAt, List<ConsumerRecord<byte[], byte[]>> copies,
                                List<RawLoad.Sent> sent) {
        assertThat(copies).as("the short grant got copies while it lived").isNotEmpty();
        assertThat(copies).allSatisfy(copy -> {
            assertThat(copy.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(Instant.ofEpochMilli(copy.timestamp())).as("copy appended before expiresAt").isBefore(expiresAt);
        });
        Map<Long, Integer> counts = Delivery.bySeq(copies);
        assertThat(counts.values()).as("no duplicate copy").allMatch(c -> c == 1);
        Map<Long, RawLoad.Sent> bySeq = sent.stream().collect(Collectors.toMap(RawLoad.Sent::seq, Function.identity()));
        assertThat(counts.keySet()).allSatisfy(seq -> {
            assertThat(SHORT_GRANT_KEYS).contains(bySeq.get(seq).key());
            assertThat(bySeq.get(seq).sentAt()).as("copied record produced before expiry").isBefore(expiresAt);
        });
        assertSourceHeadersMatch(copies, sent);
        List<RawLoad.Sent> afterExpiry = sent.stream()
                .filter(s -> SHORT_GRANT_KEYS.contains(s.key()) && !s.sentAt().isBefore(expiresAt)).toList();
        assertThat(afterExpiry).as("matching records were produced after expiry, while jitmask was dead").isNotEmpty();

        List<AuditEvent> trail = GrantRequests.audit(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, EXPIRY_DETECTED,
                DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        assertThat(trail.get(4).records()).as("nothing was copied after the restart").isEqualTo((long) copies.size());
        assertThat(TopicReader.readAll(Topics.GRANTS).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(Topics.grantKey(dataset, id)))
                .map(r -> r.value() == null ? "tombstone" : "grant").toList()).containsExactly("grant", "tombstone");
        try (var admin = SharedKafka.admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).doesNotContain(Topics.grant(dataset, id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return afterExpiry.size();
    }
}
