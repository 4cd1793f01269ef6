package io.jitmask.crash;

import static io.jitmask.audit.AuditEvent.Type.ACTIVATED;
import static io.jitmask.audit.AuditEvent.Type.APPROVED;
import static io.jitmask.audit.AuditEvent.Type.DISCLOSURE_SUMMARY;
import static io.jitmask.audit.AuditEvent.Type.EXPIRED;
import static io.jitmask.audit.AuditEvent.Type.EXPIRY_DETECTED;
import static io.jitmask.audit.AuditEvent.Type.REQUESTED;
import static io.jitmask.audit.AuditEvent.Type.REVOKED;
import static io.jitmask.audit.AuditEvent.Type.REVOKE_ACCEPTED;
import static io.jitmask.audit.AuditEvent.Type.SIDE_EFFECT_FAILING;
import static io.jitmask.audit.AuditEvent.Type.TOPIC_DELETED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdminGrantResources;
import io.jitmask.grants.GrantResult;
import io.jitmask.testing.AuditTrail;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.LogCapture;
import io.jitmask.testing.TestBroker;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker stops and starts again in the middle of batched grant side effects (issue 16 on the command log): a few
 * hundred grants approved at once are provisioned by the command worker in batches of {@value #BATCH} while the broker
 * goes down once some but not all of their topics exist; then they are revoked at once while more grants, short ones,
 * expire, and the broker goes down again once some but not all of their topics are deleted. Afterwards every grant was ACTIVATED
 * exactly once with its topic (partitions, configs) and exactly its requester's READ and DESCRIBE ACLs, published
 * ACTIVE once, and every end withdrew the ACLs and deleted the topic with its exact audit sequence once, whatever
 * step of which batch the outage cut: results lost with the broker are posted again by the re-run commands (each
 * step idempotent: a topic that exists, an ACL already there or gone, a topic already deleted), and the lifecycle
 * applies each once.
 *
 * <p>On a broker of the class's own that it can stop and start ({@link JitmaskStack.Builder#restartableBroker()}),
 * one dataset per test; the moment of each outage is read from the broker (grant topics existing or gone), never
 * from a clock.
 */
class GrantOutageIT {
    static final int BATCH = 50;
    static final int OUTAGE_SECONDS = 5;
    static final int LONG_OUTAGE_SECONDS = 240;
    /** The grants ended by expiry live this long: long enough to be activated, short enough to end in the test. */
    static final long EXPIRING_SECONDS = 10;
    /** Longest a grant of the customers' email may live with extensions (PII: 8 h), plus 0 grace and one minute. */
    static final String RETENTION_MS = Long.toString(Duration.ofHours(8).toMillis() + 60_000);
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("goutage").restartableBroker()
            .dataset("goutage", "customers").dataset("goutages", "customers")
            .setting(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, Integer.toString(BATCH))
            // Two requesters ask for thousands of grants at once in the soak variant.
            .setting(JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, "10000")
            .setting(JitmaskConfig.METRICS_ENABLED, "true").setting(JitmaskConfig.METRICS_HOST, "127.0.0.1")
            .setting(JitmaskConfig.METRICS_PORT, "0").build();

    @Test
    void grantsProvisionedAndEndedInBatchesAcrossBrokerOutagesAreEachDoneExactlyOnce() throws Exception {
        outagesThroughBatchedSideEffects(STACK.dataset("goutage"), 300, 100, List.of(OUTAGE_SECONDS), List.of(OUTAGE_SECONDS));
    }

    /**
     * Thousands of grants, three outages while they are provisioned and three while they end; the second one in
     * provisioning outlasts every client timeout of the worker several times over (a result's delivery gives up
     * after 120 s, a commit and a read of the committed offsets each after 60 s), so it drops what it holds and
     * cannot read the committed offsets at once.
     */
    @Test
    @Tag("soak")
    void thousandsOfGrantsAcrossSeveralOutagesAreEachDoneExactlyOnce() throws Exception {
        outagesThroughBatchedSideEffects(STACK.dataset("goutages"), 2000, 1000,
                List.of(OUTAGE_SECONDS, LONG_OUTAGE_SECONDS, OUTAGE_SECONDS), List.of(OUTAGE_SECONDS, OUTAGE_SECONDS, OUTAGE_SECONDS));
    }

    /** One grant: its request id, requester (also the grantee) and how long it lives. */
    record Ask(String id, String requester, long seconds) {
        String principal() {
            return "User:" + requester;
        }
    }

    void outagesThroughBatchedSideEffects(String dataset, int revoked, int expiring, List<Integer> provisioningOutages,
                                          List<Integer> endingOutages) throws Exception {
        // A stream thread whose write timed out in the outage is replaced (REPLACE_THREAD): the design, not a failure.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        try (Trail trail = new Trail(AuditTrail.of(STACK.bootstrapServers())); LogCapture log = new LogCapture()) {
            run(dataset, revoked, expiring, provisioningOutages, endingOutages, trail, log);
        } finally {
            Awaitility.reset();
        }
    }

    private void run(String dataset, int revokedCount, int expiringCount, List<Integer> provisioningOutages,
                     List<Integer> endingOutages, Trail trail, LogCapture log) throws Exception {
        TestBroker broker = STACK.broker();
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        // alice and dave take turns, so a grant whose ACL went to the other requester would show.
        List<Ask> revoked = asks(run + "r", revokedCount, 3600);
        List<Ask> expiring = asks(run + "e", expiringCount, EXPIRING_SECONDS);
        List<Ask> all = new ArrayList<>(revoked);
        all.addAll(expiring);
        Set<String> topics = topicsOf(dataset, all);
        long startedAt = System.nanoTime();
        List<String> atOutage = new ArrayList<>();

        // 1. The long grants requested and approved at once; outages while their topics are being created.
        post(dataset, revoked);
        Set<String> revokedTopics = topicsOf(dataset, revoked);
        for (int outage = 1; outage <= provisioningOutages.size(); outage++) {
            int threshold = outage * revoked.size() / (2 * (provisioningOutages.size() + 1));
            int existing = awaitUntil(() -> existing(revokedTopics), n -> n >= threshold, "grant topics created");
            assertThat(existing).as("the outage starts while grant topics are still being created")
                    .isLessThan(revoked.size());
            atOutage.add("provisioning:" + existing + "/" + revoked.size() + " topics," + trail.count(revoked, ACTIVATED)
                    + " activated," + provisioningOutages.get(outage - 1) + "s");
            outage(broker, provisioningOutages.get(outage - 1));
        }
        Map<String, List<AuditEvent>> audits = trail.await(revoked, ACTIVATED);
        long provisionedMs = (System.nanoTime() - startedAt) / 1_000_000;
        for (Ask ask : revoked) {
            assertThat(types(audits.get(ask.id()), "PROVISION")).as(ask.id())
                    .containsExactly(REQUESTED, APPROVED, ACTIVATED);
            AuditEvent activated = only(audits.get(ask.id()), ACTIVATED);
            assertThat(activated.topic()).isEqualTo(Topics.grant(dataset, ask.id()));
            assertThat(activated.grantee()).isEqualTo(ask.principal());
        }
        assertTopicsAsProvisioned(List.copyOf(revokedTopics));
        // ACLs reach the broker's authorizer through the metadata log, after createAcls returns.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, List<String>> acls = acls(revokedTopics);
            assertThat(acls.keySet()).containsExactlyInAnyOrderElementsOf(revokedTopics);
            for (Ask ask : revoked) {
                assertThat(acls.get(Topics.grant(dataset, ask.id()))).as(ask.id())
                        .containsExactly(ask.principal() + " DESCRIBE ALLOW", ask.principal() + " READ ALLOW");
            }
        });

        // 2. Ends: short grants are approved; once the first expired, the long ones are revoked at once; outages while
        // the topics of both are being deleted.
        post(dataset, expiring);
        awaitUntil(() -> trail.count(expiring, EXPIRY_DETECTED), n -> n > 0, "a short grant's expiry detected");
        long endsFrom = System.nanoTime();
        revoke(revoked);
        for (int outage = 1; outage <= endingOutages.size(); outage++) {
            // The lifecycle's view: TOPIC_DELETED audited (the broker's list of topics lags behind its controller).
            // Ends finish in bursts: an early threshold leaves most of them in flight.
            int threshold = Math.max(1, outage * all.size() / (4 * (endingOutages.size() + 1)));
            int ended = awaitUntil(() -> trail.count(all, TOPIC_DELETED), n -> n >= threshold, "grants ended");
            assertThat(ended).as("the outage starts while grants are still ending").isLessThan(all.size());
            Map<String, List<AuditEvent>> now = trail.of(all);
            atOutage.add("ending:" + count(now, TOPIC_DELETED) + "/" + all.size() + " ended ("
                    + count(now, EXPIRY_DETECTED) + " expiring," + count(now, REVOKE_ACCEPTED) + " revoking),"
                    + endingOutages.get(outage - 1) + "s");
            outage(broker, endingOutages.get(outage - 1));
        }
        audits = trail.await(all, TOPIC_DELETED);
        long endedMs = (System.nanoTime() - endsFrom) / 1_000_000;
        int failingAudited = 0;
        for (Ask ask : all) {
            List<AuditEvent> events = audits.get(ask.id());
            boolean expired = ask.seconds() == EXPIRING_SECONDS;
            assertThat(types(events, "PROVISION", "WITHDRAW_ACCESS", "DELETE_TOPIC")).as(ask.id()).containsExactly(
                    REQUESTED, APPROVED, ACTIVATED, expired ? EXPIRY_DETECTED : REVOKE_ACCEPTED, DISCLOSURE_SUMMARY,
                    expired ? EXPIRED : REVOKED, TOPIC_DELETED);
            assertThat(only(events, DISCLOSURE_SUMMARY).records()).as("no raw record: nothing disclosed").isZero();
            assertThat(only(events, expired ? EXPIRED : REVOKED).actor()).isEqualTo(expired ? "jitmask" : ask.requester());
            assertThat(only(events, TOPIC_DELETED).topic()).isEqualTo(Topics.grant(dataset, ask.id()));
            failingAudited += (int) events.stream().filter(e -> e.type() == SIDE_EFFECT_FAILING).count();
        }
        assertThat(existing(topics)).as("every grant topic deleted").isZero();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(acls(topics)).as("no ACL left on any grant topic").isEmpty());

        // Published ACTIVE, then ENDING, then tombstoned: each once.
        Map<String, List<String>> published = published(dataset, all);
        for (Ask ask : all) {
            assertThat(published.get(ask.id())).as(ask.id()).containsExactly("ACTIVE", "ENDING", null);
        }
        // Results are posted at least once (a command run again after the outage posts its result again); the
        // lifecycle applied each once, as the audits show. Counted for the figures.
        Map<GrantResult.Type, Integer> reposted = reposted(all);
        assertThat(STACK.app().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        // Steps an earlier attempt had done (its answer lost in the outage, or the command run again), counted as done.
        List<String> alreadyDone = log.lines().stream().filter(l -> l.startsWith(AdminGrantResources.class.getName()))
                .map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        System.out.printf("FIGURES GrantOutageIT grants=%d (revoked=%d expiring=%d) batch=%d outages=%s "
                        + "provisionedMs=%d endedMs=%d totalMs=%d sideEffectFailingAudited=%d commandFailures=%s "
                        + "resultsPostedAgain=%s alreadyDone=%s workerRecoveries=%d%n", all.size(), revoked.size(),
                expiring.size(), BATCH, atOutage, provisionedMs, endedMs, (System.nanoTime() - startedAt) / 1_000_000,
                failingAudited, STACK.app().metrics().grantCommandFailures(), reposted, alreadyDone,
                log.lines().stream().filter(l -> l.contains("resuming from the last committed offsets")).count());
    }

    static Set<String> topicsOf(String dataset, List<Ask> asks) {
        return asks.stream().map(a -> Topics.grant(dataset, a.id())).collect(Collectors.toSet());
    }

    static List<Ask> asks(String prefix, int count, long seconds) {
        List<Ask> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Ask(prefix + i, i % 2 == 0 ? "alice" : "dave", seconds));
        }
        return out;
    }

    /** The broker away for {@code seconds} (every client notices), then back on its ports with its data. */
    static void outage(TestBroker broker, int seconds) throws Exception {
        broker.stop();
        Awaitility.await().pollDelay(Duration.ofSeconds(seconds)).atMost(Duration.ofSeconds(seconds + 1)).until(() -> true);
        broker.startAgain();
    }

    static void post(String dataset, List<Ask> asks) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Ask ask : asks) {
            ObjectNode request = ApprovalEvents.requested(ask.id(), ask.requester(), Instant.now(), ask.principal(),
                    dataset, List.of("email"), null, "INC-16 broker outage in a batch", ask.seconds(), null,
                    DemoActors.key(ask.requester()));
            sent.add(send(request));
            sent.add(send(ApprovalEvents.approved(request, "bob", Instant.now(), "ok", DemoActors.key("bob"))));
        }
        for (Future<RecordMetadata> one : sent) {
            one.get();
        }
    }

    static void revoke(List<Ask> asks) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Ask ask : asks) {
            sent.add(send(ApprovalEvents.revoked(ask.id(), ask.requester(), Instant.now(), "outage test done",
                    DemoActors.key(ask.requester()))));
        }
        for (Future<RecordMetadata> one : sent) {
            one.get();
        }
    }

    static Future<RecordMetadata> send(ObjectNode event) {
        return STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString()));
    }

    interface Probe {
        int get() throws Exception;
    }

    /** Polls {@code probe} until {@code done}; the value that satisfied it. */
    static int awaitUntil(Probe probe, Predicate<Integer> done, String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(600)).pollInterval(Duration.ofMillis(100))
                .until(probe::get, done::test);
    }

    static int existing(Set<String> topics) throws Exception {
        return (int) STACK.admin().listTopics().names().get().stream().filter(topics::contains).count();
    }

    /** The audit trail of the class's broker, each record parsed once (polled often, with thousands of grants). */
    static final class Trail implements AutoCloseable {
        private final AuditTrail trail;
        private final Map<String, List<AuditEvent>> byRequest = new HashMap<>();
        private int parsed;

        Trail(AuditTrail trail) {
            this.trail = trail;
        }

        /** Each grant's events, in order. */
        Map<String, List<AuditEvent>> of(List<Ask> asks) {
            List<ConsumerRecord<byte[], byte[]>> records = trail.records();
            for (ConsumerRecord<byte[], byte[]> record : records.subList(parsed, records.size())) {
                if (record.key() != null) {
                    byRequest.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(AuditEvent.fromBytes(record.value()));
                }
            }
            parsed = records.size();
            Map<String, List<AuditEvent>> out = new LinkedHashMap<>();
            asks.forEach(a -> out.put(a.id(), List.copyOf(byRequest.getOrDefault(a.id(), List.of()))));
            return out;
        }

        /** How many of the grants have an event of {@code type}. */
        int count(List<Ask> asks, AuditEvent.Type type) {
            return GrantOutageIT.count(of(asks), type);
        }

        /** Each grant's events, once every one of them has an event of {@code type}. */
        Map<String, List<AuditEvent>> await(List<Ask> asks, AuditEvent.Type type) {
            awaitUntil(() -> count(asks, type), n -> n == asks.size(), "every grant's " + type);
            return of(asks);
        }

        @Override
        public void close() {
            trail.close();
        }
    }

    /** How many of the trails have an event of {@code type}. */
    static int count(Map<String, List<AuditEvent>> audits, AuditEvent.Type type) {
        return (int) audits.values().stream().filter(events -> events.stream().anyMatch(e -> e.type() == type)).count();
    }

    static AuditEvent only(List<AuditEvent> events, AuditEvent.Type type) {
        List<AuditEvent> of = events.stream().filter(e -> e.type() == type).toList();
        assertThat(of).as(type.toString()).hasSize(1);
        return of.get(0);
    }

    /**
     * The types of a grant's trail without the SIDE_EFFECT_FAILING events an outage can justify: each reports one
     * of {@code commands} (the commands the grant was waiting for), after the 5th, 25th, 45th... failed attempt
     * (rising), while the grant waited for it. The outage of this test is short, so they are rare; any other one fails.
     */
    static List<AuditEvent.Type> types(List<AuditEvent> events, String... commands) {
        Map<String, Integer> lastAttempts = new TreeMap<>();
        List<AuditEvent.Type> out = new ArrayList<>();
        for (AuditEvent event : events) {
            if (event.type() != SIDE_EFFECT_FAILING) {
                out.add(event.type());
                continue;
            }
            String command = event.reason();
            boolean waiting = "PROVISION".equals(command) ? out.equals(List.of(REQUESTED, APPROVED))
                    : out.size() == 4 && (out.get(3) == EXPIRY_DETECTED || out.get(3) == REVOKE_ACCEPTED);
            assertThat(List.of(commands)).as("SIDE_EFFECT_FAILING of a command the grant waits for: %s", event)
                    .contains(command);
            assertThat(waiting).as("SIDE_EFFECT_FAILING while the grant waits for %s: %s", command, events).isTrue();
            int attempts = Integer.parseInt(event.detail().replaceAll("^\\S+ failed (\\d+) times.*", "$1"));
            assertThat((attempts - 5) % 20).as("reported after the 5th, then every 20th attempt: %s", event).isZero();
            assertThat(attempts).as("each report once, rising: %s", events)
                    .isGreaterThan(lastAttempts.getOrDefault(command, 0));
            lastAttempts.put(command, attempts);
        }
        return out;
    }

    static void assertTopicsAsProvisioned(List<String> topics) throws Exception {
        Map<String, TopicDescription> descriptions = STACK.admin().describeTopics(topics).allTopicNames().get();
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = STACK.admin().describeConfigs(resources).all().get();
        for (String topic : topics) {
            assertThat(descriptions.get(topic).partitions()).as(topic).hasSize(3)
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            assertThat(config.get("retention.ms").value()).as(topic).isEqualTo(RETENTION_MS);
            assertThat(config.get("cleanup.policy").value()).as(topic).isEqualTo("delete");
            assertThat(config.get("message.timestamp.type").value()).as(topic).isEqualTo("LogAppendTime");
            assertThat(config.get("file.delete.delay.ms").value()).as(topic).isEqualTo("1000");
        }
    }

    /** The ACL bindings on each of {@code topics} that has any, as "principal OPERATION PERMISSION", sorted. */
    static Map<String, List<String>> acls(Set<String> topics) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (AclBinding binding : STACK.admin().describeAcls(AclBindingFilter.ANY).values().get()) {
            if (topics.contains(binding.pattern().name())) {
                out.computeIfAbsent(binding.pattern().name(), t -> new ArrayList<>()).add(binding.entry().principal()
                        + " " + binding.entry().operation() + " " + binding.entry().permissionType());
            }
        }
        out.values().forEach(java.util.Collections::sort);
        return out;
    }

    /** The statuses each grant was published with on jit.grants, in order (null: its tombstone). */
    static Map<String, List<String>> published(String dataset, List<Ask> asks) throws Exception {
        Map<String, String> byKey = new HashMap<>();
        asks.forEach(a -> byKey.put(Topics.grantKey(dataset, a.id()), a.id()));
        Map<String, List<String>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(STACK.bootstrapServers(), Topics.GRANTS)) {
            String id = byKey.get(new String(record.key(), StandardCharsets.UTF_8));
            if (id != null) {
                out.computeIfAbsent(id, k -> new ArrayList<>())
                        .add(record.value() == null ? null : JSON.readTree(record.value()).path("status").asText());
            }
        }
        return out;
    }

    /** Per result type, how many results were posted beyond one per grant (LEDGER_CLOSED: per grant and partition). */
    static Map<GrantResult.Type, Integer> reposted(List<Ask> asks) {
        Set<String> ids = asks.stream().map(Ask::id).collect(Collectors.toSet());
        Map<GrantResult.Type, Map<String, Integer>> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(STACK.bootstrapServers(), Topics.GRANT_RESULTS)) {
            for (GrantResult result : GrantResult.fromBytes(record.value()).unbatched()) {
                if (ids.contains(result.requestId())) {
                    // LEDGER_CLOSED: one per raw partition of the grant.
                    String key = result.requestId() + (result.partition() == null ? "" : "/" + result.partition());
                    counts.computeIfAbsent(result.type(), t -> new HashMap<>()).merge(key, 1, Integer::sum);
                }
            }
        }
        Map<GrantResult.Type, Integer> out = new TreeMap<>();
        counts.forEach((type, perRequest) -> out.put(type,
                perRequest.values().stream().mapToInt(n -> n - 1).sum()));
        return out;
    }
}
