package io.jitmask.crash;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.GrantCopies;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskProcess;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    /** The broker, registry and dataset of the forked processes. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("kill").dataset("kill", "customers").withoutApp().build();

    @Test
    void sigkillAgainAndAgainLosesDuplicatesAndLeaksNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = STACK.dataset();
        Path dir = STACK.dir();
        Path log = dir.resolve("jitmask.log");
        try (GrantRequests grants = new GrantRequests()) {
            Path config = JitmaskProcess.writeConfig(dir.resolve("app.properties"), STACK.bootstrapServers(),
                    STACK.registryServer().url(), "kill-it-" + suffix, dir.resolve("state"), dir.resolve("keyset.json"), dataset, Map.of());
            RawLoad load = RawLoad.start(STACK.bootstrapServers(), STACK.registry(), Topics.raw(dataset), seq -> "K" + (seq % 10));
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
                            GrantRequests.awaitEnded("kill-it-" + suffix, shortLived, Duration.ofSeconds(30));
                        }
                        // Let it make progress, then kill it mid-flight (SIGKILL: no shutdown hook, no commit).
                        TopicReader.awaitProgress(STACK.bootstrapServers(), Topics.masked(dataset), 20);
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
                            STACK.bootstrapServers(), Topics.masked(dataset), total, Duration.ofSeconds(120));
                    Delivery.assertExactlyOnce("masked", Delivery.bySeq(masked), 0, total);
                    assertThat(masked).hasSize(total);
                    List<ConsumerRecord<byte[], byte[]>> liveCopies = TopicReader.readAllWhenAtLeast(
                            STACK.bootstrapServers(), Topics.grant(dataset, live), total - liveFrom, Duration.ofSeconds(60));
                    Delivery.assertExactlyOnce("live grant", Delivery.bySeq(liveCopies), liveFrom, total);
                    GrantCopies.assertSourceHeadersMatch(liveCopies, sent);
                    int shortChecked = GrantCopies.assertEndedWithoutLateCopy(dataset, shortLived, SHORT_GRANT_KEYS, shortExpiresAt, shortCopies, sent);
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
}
