package io.jitmask.crash;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.keys.Keyset;
import io.jitmask.registry.HttpSchemaRegistryClient;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.stream.SourceCoordinates;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskProcess;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance that owns a grant is SIGKILLed at the worst moments of its life, the moment the step shows in the
 * audit trail, never after waiting for a quiet moment: (a) right after the approval, while its topic and ACL are
 * being provisioned; (b) right after EXPIRY_DETECTED, while its ledger closes and its topic is due for deletion;
 * (c) right after REVOKE_ACCEPTED, while its revocation is carried out. Each grant still ends exactly once: one of
 * each audit event, REVOKED with who revoked and why, ACL and topic gone, and a DISCLOSURE_SUMMARY equal, record
 * for record, to what a read_committed consumer read from the topic before it was deleted. (d) With two instances,
 * one of them is SIGKILLed the moment a grant's expiry is detected: the rebalance moves masking tasks, lifecycle
 * tasks and command partitions in the middle of the end, and the grant still ends exactly once, its ledger exact.
 */
class GrantHandoverIT {
    /**
     * Long enough to read a grant topic between its tombstone (ledger closed) and its deletion, also on a machine
     * as loaded as the shared 2-core one.
     */
    static final String DELETE_GRACE_MS = "30000";

    /** The broker and registry of the forked processes; each test registers a dataset of its own. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("handover").withoutApp().build();

    @TempDir
    Path dir;

    @Test
    void sigkillAtActivationExpiryAndRevocationEndsEachGrantExactlyOnceWithAnExactLedger() throws Exception {
        Instances instances = instances("handover", 3, 1);
        String dataset = instances.dataset();
        Path config = instances.configs().get(0);
        Path log = instances.log();
        Admin admin = STACK.admin();
        try (GrantRequests grants = new GrantRequests()) {
            RawLoad load = RawLoad.start(STACK.bootstrapServers(), STACK.registry(), Topics.raw(dataset), seq -> "K" + (seq % 10));
            String revokedGrant;
            String expiringGrant;
            try {
                // (a) killed while the grant is being provisioned.
                try (JitmaskProcess jitmask = JitmaskProcess.start(config, log)) {
                    TopicReader.awaitProgress(STACK.bootstrapServers(), Topics.masked(dataset), 20);
                    revokedGrant = grants.grant(dataset, List.of("email"), null, 3600);
                    GrantRequests.await(revokedGrant, APPROVED, Duration.ofSeconds(60));
                }
                // (b) killed the moment the grant's expiry is detected.
                try (JitmaskProcess jitmask = JitmaskProcess.start(config, log)) {
                    GrantRequests.await(revokedGrant, ACTIVATED, Duration.ofSeconds(90));
                    expiringGrant = grants.grant(dataset, List.of("email"), List.of("K3", "K7"), 15);
                    GrantRequests.await(expiringGrant, ACTIVATED, Duration.ofSeconds(60));
                    TopicReader.readAtLeast(Topics.grant(dataset, expiringGrant), 1, Duration.ofSeconds(15));
                    GrantRequests.await(expiringGrant, EXPIRY_DETECTED, Duration.ofSeconds(60));
                }
                // (c) killed the moment the revocation is accepted.
                try (JitmaskProcess jitmask = JitmaskProcess.start(config, log)) {
                    TopicReader.awaitProgress(STACK.bootstrapServers(), Topics.masked(dataset), 20);
                    grants.revoke(revokedGrant);
                    GrantRequests.await(revokedGrant, REVOKE_ACCEPTED, Duration.ofSeconds(60));
                }
                try (JitmaskProcess jitmask = JitmaskProcess.start(config, log)) {
                    Map<String, List<ConsumerRecord<byte[], byte[]>>> copies = new TreeMap<>();
                    for (String id : List.of(expiringGrant, revokedGrant)) {
                        // Tombstoned once every masking task closed its ledger: all copies are committed now, and the
                        // topic stays for the grace.
                        awaitTombstone(dataset, id);
                        copies.put(id, TopicReader.readAll(Topics.grant(dataset, id)));
                    }
                    for (String id : List.of(expiringGrant, revokedGrant)) {
                        GrantRequests.await(id, TOPIC_DELETED, Duration.ofSeconds(60));
                    }
                    assertEndedOnce(admin, dataset, expiringGrant, EXPIRY_DETECTED, EXPIRED, "jitmask", copies.get(expiringGrant));
                    assertEndedOnce(admin, dataset, revokedGrant, REVOKE_ACCEPTED, REVOKED, "alice", copies.get(revokedGrant));
                    assertThat(GrantRequests.audit(revokedGrant).get(5).reason()).isEqualTo("test done");
                    System.out.printf("FIGURES GrantHandoverIT kills=3 revokedGrantCopies=%d expiredGrantCopies=%d%n",
                            copies.get(revokedGrant).size(), copies.get(expiringGrant).size());
                }
            } finally {
                load.close();
            }
        }
        assertThat(Files.readString(log)).as("no unmasked value in the killed processes' logs").doesNotContain("ada.canary@example.com");
    }

    @Test
    void aRebalanceInTheMiddleOfAnEndEndsTheGrantExactlyOnceWithAnExactLedger() throws Exception {
        Instances instances = instances("handover2", 4, 2);
        String dataset = instances.dataset();
        Path log = instances.log();
        Admin admin = STACK.admin();
        try (GrantRequests grants = new GrantRequests()) {
            RawLoad load = RawLoad.start(STACK.bootstrapServers(), STACK.registry(), Topics.raw(dataset), seq -> "K" + (seq % 10));
            try (JitmaskProcess survivor = JitmaskProcess.start(instances.configs().get(0), log)) {
                String id;
                try (JitmaskProcess killed = JitmaskProcess.start(instances.configs().get(1), log)) {
                    TopicReader.awaitProgress(STACK.bootstrapServers(), Topics.masked(dataset), 20);
                    id = grants.grant(dataset, List.of("email"), null, 15);
                    GrantRequests.await(id, ACTIVATED, Duration.ofSeconds(90));
                    TopicReader.readAtLeast(Topics.grant(dataset, id), 1, Duration.ofSeconds(15));
                    GrantRequests.await(id, EXPIRY_DETECTED, Duration.ofSeconds(60));
                }
                awaitTombstone(dataset, id);
                List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(Topics.grant(dataset, id));
                GrantRequests.await(id, TOPIC_DELETED, Duration.ofSeconds(90));
                assertEndedOnce(admin, dataset, id, EXPIRY_DETECTED, EXPIRED, "jitmask", copies);
                System.out.printf("FIGURES GrantHandoverIT rebalanceMidEnd copies=%d%n", copies.size());
            } finally {
                load.close();
            }
        }
    }

    /**
     * The check from outside, at scale: an unfiltered grant gets 100,000 copies made by two instances, one of them
     * SIGKILLed and restarted twice while the copies are made; after the revocation its DISCLOSURE_SUMMARY equals,
     * record for record, what a read_committed consumer reads from its topic.
     */
    @Test
    @org.junit.jupiter.api.Tag("soak")
    void aHundredThousandCopiesByTwoInstancesAcrossSigkillsAreCountedExactly() throws Exception {
        int total = Integer.getInteger("jitmask.ledger.copies", 100_000);
        Instances instances = instances("ledger", 4, 2);
        String dataset = instances.dataset();
        Path log = instances.log();
        HttpSchemaRegistryClient registry = STACK.registry();
        Admin admin = STACK.admin();
        try (GrantRequests grants = new GrantRequests();
             org.apache.kafka.clients.producer.KafkaProducer<String, Object> bulk = new org.apache.kafka.clients.producer.KafkaProducer<>(
                     Map.of(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers(),
                             org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "20"),
                     new org.apache.kafka.common.serialization.StringSerializer(),
                     new io.jitmask.serde.ConfluentAvroSerializer(registry, false))) {
            try (JitmaskProcess steady = JitmaskProcess.start(instances.configs().get(0), log)) {
                String id = grants.grant(dataset, List.of("email"), null, 3600);
                GrantRequests.await(id, ACTIVATED, Duration.ofSeconds(90));
                // The grant is visible before the first record: every record produced from here is copied once.
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names().get()
                        .contains(Topics.grant(dataset, id)));
                for (int round = 0; round < 4; round++) {
                    try (JitmaskProcess killed = JitmaskProcess.start(instances.configs().get(1), log)) {
                        for (int i = round * total / 4; i < (round + 1) * total / 4; i++) {
                            String key = "K" + (i % 1000);
                            var record = new org.apache.kafka.clients.producer.ProducerRecord<String, Object>(
                                    Topics.raw(dataset), key, io.jitmask.testing.TestCustomers.customer(key));
                            record.headers().add(RawLoad.SEQ_HEADER, Long.toString(i).getBytes(StandardCharsets.UTF_8));
                            bulk.send(record);
                        }
                        bulk.flush();
                        if (round < 2) {
                            // Killed while its share of the copies is in flight.
                            TopicReader.awaitProgress(STACK.bootstrapServers(), Topics.grant(dataset, id), 100);
                            continue;
                        }
                        TopicReader.readAllWhenAtLeast(STACK.bootstrapServers(), Topics.grant(dataset, id),
                                (round + 1L) * total / 4, Duration.ofSeconds(600));
                    }
                }
                grants.revoke(id);
                awaitTombstone(dataset, id);
                List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(Topics.grant(dataset, id));
                GrantRequests.await(id, TOPIC_DELETED, Duration.ofSeconds(120));
                assertThat(copies).hasSize(total);
                assertEndedOnce(admin, dataset, id, REVOKE_ACCEPTED, REVOKED, "alice", copies);
                System.out.printf("FIGURES GrantHandoverIT ledger copies=%d summary=%d%n", copies.size(),
                        GrantRequests.audit(id).get(4).records());
            }
        }
    }

    /**
     * What a test forks: a dataset of its own ({@code <name>_<suffix>}, sample customers on {@code partitions}
     * partitions), the configs of {@code count} instances of one application, each with its own state directory,
     * and the one log file they all write.
     */
    record Instances(String dataset, List<Path> configs, Path log) {
    }

    Instances instances(String name, int partitions, int count) {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = name + "_" + suffix;
        STACK.registry().register(Topics.raw(dataset) + "-value", SampleSchemas.of("customers"));
        STACK.broker().createTopics(partitions, Topics.raw(dataset), Topics.masked(dataset));
        Keyset.loadOrCreate(dir.resolve("keyset.json"));
        List<Path> configs = IntStream.range(0, count).mapToObj(i -> JitmaskProcess.writeConfig(
                dir.resolve("app" + i + ".properties"), STACK.bootstrapServers(), STACK.registryServer().url(),
                name + "-it-" + suffix, dir.resolve("app" + i + "-state"), dir.resolve("keyset.json"), dataset,
                Map.of("jitmask.grant.delete.grace.ms", DELETE_GRACE_MS))).toList();
        return new Instances(dataset, configs, dir.resolve(name + ".log"));
    }

    static void awaitTombstone(String dataset, String id) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                TopicReader.readAll(Topics.GRANTS).stream().anyMatch(r -> r.value() == null
                        && new String(r.key(), StandardCharsets.UTF_8).equals(Topics.grantKey(dataset, id))));
    }

    static void assertEndedOnce(Admin admin, String dataset, String id, AuditEvent.Type first, AuditEvent.Type last,
                                String actor, List<ConsumerRecord<byte[], byte[]>> copies) throws Exception {
        List<AuditEvent> trail = GrantRequests.audit(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, first,
                DISCLOSURE_SUMMARY, last, TOPIC_DELETED);
        assertThat(Delivery.bySeq(copies).values()).as("no duplicate copy").allMatch(c -> c == 1);
        AuditEvent summary = trail.get(4);
        assertThat(summary.records()).as("the ledger counts exactly the copies read").isEqualTo((long) copies.size());
        Map<String, AuditEvent.OffsetRange> offsets = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> copy : copies) {
            SourceCoordinates source = SourceCoordinates.of(copy.headers());
            offsets.merge(Integer.toString(source.partition()), new AuditEvent.OffsetRange(source.offset(), source.offset()),
                    (a, b) -> new AuditEvent.OffsetRange(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
        }
        assertThat(summary.sourceOffsets()).isEqualTo(offsets);
        assertThat(summary.fields()).containsExactly("email");
        assertThat(trail.get(5).actor()).isEqualTo(actor);
        assertThat(admin.listTopics().names().get()).doesNotContain(Topics.grant(dataset, id));
        assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get())
                .noneMatch(b -> b.pattern().name().equals(Topics.grant(dataset, id)));
    }
}
