package io.jitmask.scale;

import static io.jitmask.audit.AuditEvent.Type.ACTIVATED;
import static io.jitmask.audit.AuditEvent.Type.EXPIRY_DETECTED;
import static io.jitmask.audit.AuditEvent.Type.TOPIC_DELETED;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleSchemas;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jitmask processes sharing an application.id (separate state directories) under load: 1 → 2 → 1 (SIGTERM)
 * → 2 → 1 (SIGKILL). With read_committed, every raw record is in masked.* exactly once and a live grant gets every
 * record produced while it is visible exactly once, whichever instance processed it; a grant that expires while
 * two instances copy for it gets no copy after its expiresAt and ends once.
 */
class ScaleOutIT {
    static final int PARTITIONS = 4;
    static final List<String> EXPIRING_KEYS = List.of("K3", "K7");
    static final long EXPIRING_SECONDS = 8;
    /** Keeps an ended grant's topic long enough for the test to read it after EXPIRY_DETECTED. */
    static final Map<String, String> DELETE_GRACE = Map.of("jitmask.grant.delete.grace.ms", "5000");

    /** The broker and registry of the forked processes; each test registers a dataset of its own. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("scale").withoutApp().build();

    @TempDir
    Path dir;

    @Test
    void scalingOutAndBackInUnderLoadLosesAndDuplicatesNothing() throws Exception {
        scaleOutAndIn(2);
    }

    @Test
    @Tag("soak")
    void scalingOutAndInTenTimesLosesAndDuplicatesNothing() throws Exception {
        scaleOutAndIn(10);
    }

    /** Each cycle starts a second instance, then stops the older one: SIGTERM in even cycles, SIGKILL in odd. */
    void scaleOutAndIn(int cycles) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = "scale_" + suffix;
        String applicationId = "scale-it-" + suffix;
        HttpSchemaRegistryClient registry = STACK.registry();
        Admin admin = STACK.admin();
        try (GrantRequests grants = new GrantRequests()) {
            registry.register(Topics.raw(dataset) + "-value", SampleSchemas.of("customers"));
            STACK.broker().createTopics(PARTITIONS, Topics.raw(dataset), Topics.masked(dataset));
            Keyset.loadOrCreate(dir.resolve("keyset.json"));
            Path[] configs = new Path[2];
            for (int i = 0; i < 2; i++) {
                configs[i] = JitmaskProcess.writeConfig(dir.resolve("app" + i + ".properties"), STACK.bootstrapServers(),
                        STACK.registryServer().url(), applicationId, dir.resolve("state" + i), dir.resolve("keyset.json"), dataset, DELETE_GRACE);
            }
            Path log = dir.resolve("jitmask.log");
            String masked = Topics.masked(dataset);
            RawLoad load = RawLoad.start(STACK.bootstrapServers(), registry, Topics.raw(dataset), seq -> "K" + (seq % 40));
            JitmaskProcess[] instances = {JitmaskProcess.start(configs[0], log), null};
            try {
                String live = grants.grant(dataset, List.of("email"), null, 3600);
                GrantRequests.await(live, ACTIVATED, Duration.ofSeconds(90));
                String liveTopic = Topics.grant(dataset, live);
                // Visible to the first instance once it copied a record; a later instance restores the grant
                // before it processes anything. Every record numbered from here on must reach the grant once.
                TopicReader.readAtLeast(liveTopic, 1, Duration.ofSeconds(60));
                long liveFrom = load.nextSeq();
                awaitProgress(masked, 20);

                Expired expiring = null;
                int older = 0;
                for (int cycle = 0; cycle < cycles; cycle++) {
                    int newer = 1 - older;
                    instances[newer] = JitmaskProcess.start(configs[newer], log);
                    awaitMembersWithWork(admin, applicationId, 2);
                    awaitProgress(masked, 50);
                    if (cycle == 0) {
                        expiring = expireWhileScaledOut(grants, dataset, applicationId);
                    }
                    if (cycle % 2 == 0) {
                        instances[older].stop();
                    } else {
                        instances[older].kill();
                    }
                    awaitMembersWithWork(admin, applicationId, 1);
                    awaitProgress(masked, 50);
                    older = newer;
                }

                List<RawLoad.Sent> sent = load.stop();
                int total = sent.size();
                List<ConsumerRecord<byte[], byte[]>> maskedRecords = TopicReader.readAllWhenAtLeast(
                        STACK.bootstrapServers(), masked, total, Duration.ofSeconds(90));
                Delivery.assertExactlyOnce("masked", Delivery.bySeq(maskedRecords), 0, total);
                assertThat(maskedRecords).hasSize(total);
                List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAllWhenAtLeast(
                        STACK.bootstrapServers(), liveTopic, total - liveFrom, Duration.ofSeconds(60));
                Delivery.assertExactlyOnce("live grant", Delivery.bySeq(copies), liveFrom, total);
                GrantCopies.assertSourceHeadersMatch(copies, sent);
                assertThat(sent.stream().map(RawLoad.Sent::partition).distinct()).as("load on every partition")
                        .hasSize(PARTITIONS);
                // Checked after all the scaling: the later rebalances did not repeat its end either.
                int afterExpiry = GrantCopies.assertEndedWithoutLateCopy(dataset, expiring.id(), EXPIRING_KEYS,
                        expiring.expiresAt(), expiring.copies(), sent);
                System.out.printf("FIGURES ScaleOutIT scaleOuts=%d scaleIns=%d records=%d masked=%d liveGrantCopies=%d "
                                + "expiredGrantCopies=%d expiredGrantRecordsAfterExpiry=%d%n",
                        cycles, cycles, total, maskedRecords.size(), copies.size(), expiring.copies().size(), afterExpiry);
            } finally {
                load.close();
                for (JitmaskProcess instance : instances) {
                    if (instance != null) {
                        instance.close();
                    }
                }
            }
            assertThat(Files.readString(log)).as("no unmasked value in the instances' logs").doesNotContain("ada.canary@example.com");
        }
    }

    record Expired(String id, Instant expiresAt, List<ConsumerRecord<byte[], byte[]>> copies) {
    }

    /**
     * A key-filtered grant that expires while two instances copy for it. Its topic is kept for the delete grace
     * after EXPIRY_DETECTED, long enough to read every copy it will ever hold; the instance that ends it waits only
     * for its own view of the grant, so a copy the other instance wrote later would show as a summary mismatch.
     */
    static Expired expireWhileScaledOut(GrantRequests grants, String dataset, String applicationId) {
        String id = grants.grant(dataset, List.of("email"), EXPIRING_KEYS, EXPIRING_SECONDS);
        Instant expiresAt = GrantRequests.await(id, ACTIVATED, Duration.ofSeconds(60)).expiresAt();
        GrantRequests.await(id, EXPIRY_DETECTED, Duration.ofSeconds(EXPIRING_SECONDS + 60));
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(Topics.grant(dataset, id));
        GrantRequests.await(id, TOPIC_DELETED, Duration.ofSeconds(60));
        GrantRequests.awaitEnded(applicationId, id, Duration.ofSeconds(30));
        return new Expired(id, expiresAt, copies);
    }

    static void awaitProgress(String masked, int records) {
        TopicReader.awaitProgress(STACK.bootstrapServers(), masked, records);
    }

    /** Waits until the group is stable with exactly {@code members} members, each of them assigned partitions. */
    static void awaitMembersWithWork(Admin admin, String applicationId, int members) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId);
            return group.groupState() == GroupState.STABLE && group.members().size() == members
                    && group.members().stream().map(MemberDescription::assignment).allMatch(a -> !a.topicPartitions().isEmpty());
        });
    }
}
