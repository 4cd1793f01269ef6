package io.jitmask.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.AdmissionCommand;
import io.jitmask.testing.AuditTrail;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.GrantRequests;
import io.jitmask.testing.JitmaskProcess;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admission step under SIGKILL, with jitmask as its own OS process: one requester's requests are posted together
 * with their reviewers' and their own events right behind them (so those events are held while the request waits
 * ADMITTING), and the process is killed the moment a record of the wave is written, committed or not, to a topic
 * of the admission round trip: an ADMIT on the admission topic, an answer on the answers topic, a held event on the
 * held-events changelog, or an audit event of the wave on {@code jit.audit} (the transaction that applies an
 * answer and its held events). After each restart: every request audited exactly once REQUESTED (or REJECTED
 * TOO_MANY_PENDING beyond the limit), every held event applied exactly once and in order (the exact audit sequence
 * per request), every held event released from the store; and the count afterwards exact: the limit admits exactly
 * as many more requests as it should, one more after a denial, none beyond.
 *
 * <p>Two kinds of waves, so the outcome of each request does not depend on timing: a releasing wave (every request
 * admitted: the requester has nothing pending and the wave is no larger than the limit; each request's events
 * release its place) and a filling wave (all on one partition, in order, so the admission task sees their ADMITs in
 * that order: the first ones up to the limit admitted, the rest refused; no event of an admitted request releases a
 * place, so no RELEASE can overtake an ADMIT). After each round the requester's pending requests are denied.
 *
 * <p>On a broker of its own: each application reads {@code jit.approvals} from the beginning, so on the shared broker
 * it would count every earlier class's requests of the same requester.
 */
class AdmissionKillIT {
    static final int LIMIT = 4;
    static final int PARTITIONS = 3;

    @RegisterExtension
    static final JitmaskStack STACK = stack("admkill");

    static JitmaskStack stack(String prefix) {
        return JitmaskStack.builder(prefix).dataset(prefix, "customers").partitions(PARTITIONS).ownBroker()
                .withoutApp().build();
    }

    /** Where a round kills the process: the first record of its wave written (committed or not) there. */
    enum KillPoint {
        /** The lifecycle's ADMIT on the admission topic: answers not given yet. */
        ADMIT_WRITTEN,
        /** The admission task's answer on the answers topic: answers in flight back to the lifecycle. */
        ANSWER_WRITTEN,
        /** An event held for an ADMITTING request, on the held-events changelog. */
        EVENTS_HELD,
        /** An audit event of the wave: the transaction that applies an answer and the events held for it. */
        AUDIT_WRITTEN
    }

    enum Wave { RELEASING, FILLING }

    record Round(Wave wave, KillPoint kill) {
    }

    @Test
    void sigkillWhileAnswersAreInFlightOrHeldEventsAreAppliedLosesAndDoublesNothing() throws Exception {
        new Scenario(STACK, "erin").run(List.of(new Round(Wave.FILLING, KillPoint.ANSWER_WRITTEN),
                new Round(Wave.RELEASING, KillPoint.AUDIT_WRITTEN)));
    }

    /** One event of a wave: who posts what, right behind its request. */
    record Event(String type, String actor) {
    }

    /**
     * A request of a wave, its events, whether it is still pending after them, and the audit it must get:
     * {@code TYPE} or {@code REJECTED:REASON} each.
     */
    record Request(String id, int partition, List<Event> events, boolean pendingAfter, List<String> audit) {
    }

    static final class Scenario {
        final JitmaskStack stack;
        final String requester;
        final String applicationId = "admkill-it-" + UUID.randomUUID().toString().substring(0, 6);
        final String control = applicationId + JitmaskConfig.CONTROL_SUFFIX;
        final Path log;
        final Path config;
        final Map<String, ObjectNode> requests = new LinkedHashMap<>();
        final Map<String, Integer> partitionOf = new LinkedHashMap<>();
        /** Every request's exact audit so far, in order. */
        final Map<String, List<String>> expected = new LinkedHashMap<>();
        /** Requests whose events were posted right behind them: each must have been held, then released. */
        final Set<String> withHeldEvents = new java.util.LinkedHashSet<>();
        final List<String> figures = new ArrayList<>();
        int round;

        Scenario(JitmaskStack stack, String requester) {
            this.stack = stack;
            this.requester = requester;
            this.log = stack.dir().resolve(applicationId + ".log");
            this.config = JitmaskProcess.writeConfig(stack.dir().resolve(applicationId + ".properties"),
                    stack.bootstrapServers(), stack.registryServer().url(), applicationId, stack.dir().resolve("state-" + applicationId),
                    stack.dir().resolve("keyset.json"), stack.dataset(), Map.of(
                            JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, Integer.toString(LIMIT),
                            JitmaskConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS)));
        }

        void run(List<Round> rounds) throws Exception {
            JitmaskProcess jitmask = JitmaskProcess.start(config, log);
            try {
                for (Round r : rounds) {
                    round++;
                    List<Request> wave = wave(r.wave());
                    post(wave);
                    awaitWritten(r.kill(), wave);
                    jitmask.kill();
                    int committedAtKill = committedAuditOf(wave);
                    jitmask = JitmaskProcess.start(config, log);
                    awaitExpected();
                    figures.add(r.kill() + ": " + committedAtKill + " of " + wave.stream().mapToInt(q -> q.audit().size()).sum()
                            + " audit events of the wave committed at the kill");
                    denyPending(wave);
                }
                limitStillExact();
                assertHeldThenReleased();
                System.out.printf("FIGURES AdmissionKillIT %s: %s%n", requester, String.join("; ", figures));
            } finally {
                jitmask.close();
                // The processes' log outlives the temporary directory, for the failure analysis.
                Files.copy(log, Path.of("target", "AdmissionKillIT-" + requester + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }

        /**
         * A wave of this round; its requests' ids carry the round, so every round's are new, and are chosen to hash
         * to the partition each is meant for: clients key jit.approvals by request id, and jit.grant-results (an
         * approved request's activation) is partitioned the same way.
         */
        List<Request> wave(Wave wave) {
            return wave(wave, "w" + round + "-").stream().map(q -> new Request(onPartition(q.id(), q.partition()),
                    q.partition(), q.events(), q.pendingAfter(), q.audit())).toList();
        }

        static String onPartition(String base, int partition) {
            return GrantRequests.idOnPartition(base, partition, PARTITIONS);
        }

        List<Request> wave(Wave wave, String r) {
            Event reviewerDenies = new Event("DENIED", "bob");
            Event reviewerApproves = new Event("APPROVED", "bob");
            Event withdrawn = new Event("REVOKED", requester);
            Event selfApproval = new Event("APPROVED", requester);
            Event selfDenial = new Event("DENIED", requester);
            if (wave == Wave.RELEASING) {
                // Spread over the partitions: every one is admitted whatever order the admission task sees them in.
                return List.of(
                        new Request(r + "denied", 0, List.of(reviewerDenies), false, List.of("REQUESTED", "DENIED")),
                        new Request(r + "withdrawn", 1, List.of(withdrawn), false, List.of("REQUESTED", "REVOKED")),
                        new Request(r + "denied-then-approved", 2, List.of(reviewerDenies, reviewerApproves), false,
                                List.of("REQUESTED", "DENIED", "REJECTED:NOT_PENDING")),
                        new Request(r + "approved", 0, List.of(reviewerApproves), false,
                                List.of("REQUESTED", "APPROVED", "ACTIVATED")));
            }
            int partition = round % PARTITIONS;
            return List.of(
                    new Request(r + "self-approved", partition, List.of(selfApproval), true,
                            List.of("REQUESTED", "REJECTED:SELF_APPROVAL")),
                    new Request(r + "alone", partition, List.of(), true, List.of("REQUESTED")),
                    new Request(r + "self-denied", partition, List.of(selfDenial), true,
                            List.of("REQUESTED", "REJECTED:NOT_AUTHORIZED_TO_DENY")),
                    new Request(r + "self-both", partition, List.of(selfApproval, selfDenial), true,
                            List.of("REQUESTED", "REJECTED:SELF_APPROVAL", "REJECTED:NOT_AUTHORIZED_TO_DENY")),
                    new Request(r + "over-denied", partition, List.of(reviewerDenies), false,
                            List.of("REJECTED:TOO_MANY_PENDING", "REJECTED:UNKNOWN_REQUEST")),
                    new Request(r + "over-withdrawn-approved", partition, List.of(withdrawn, reviewerApproves), false,
                            List.of("REJECTED:TOO_MANY_PENDING", "REJECTED:UNKNOWN_REQUEST", "REJECTED:UNKNOWN_REQUEST")));
        }

        ObjectNode request(String id) {
            return ApprovalEvents.requested(id, requester, Instant.now(), "User:" + requester, stack.dataset(),
                    List.of("email"), null, "INC-16 admission kill " + id, 600, null, DemoActors.key(requester));
        }

        ObjectNode event(String id, Event event) {
            Instant now = Instant.now();
            return switch (event.type()) {
                case "APPROVED" -> ApprovalEvents.approved(requests.get(id), event.actor(), now, "ok", DemoActors.key(event.actor()));
                case "DENIED" -> ApprovalEvents.denied(id, event.actor(), now, "no", DemoActors.key(event.actor()));
                case "REVOKED" -> ApprovalEvents.revoked(id, event.actor(), now, "not needed", DemoActors.key(event.actor()));
                default -> throw new IllegalArgumentException(event.type());
            };
        }

        /** The whole wave in one go, each request's events right behind it, then flushed together. */
        void post(List<Request> wave) {
            KafkaProducer<String, String> approvals = stack.approvals();
            for (Request q : wave) {
                requests.put(q.id(), request(q.id()));
                partitionOf.put(q.id(), q.partition());
                expected.put(q.id(), q.audit());
                send(q.id(), requests.get(q.id()));
                for (Event e : q.events()) {
                    send(q.id(), event(q.id(), e));
                }
                if (!q.events().isEmpty()) {
                    withHeldEvents.add(q.id());
                }
            }
            approvals.flush();
        }

        void send(String id, ObjectNode event) {
            stack.approvals().send(new ProducerRecord<>(Topics.APPROVALS, partitionOf.get(id), id, event.toString()));
        }

        void awaitWritten(KillPoint kill, List<Request> wave) {
            Set<String> ids = new java.util.HashSet<>(wave.stream().map(Request::id).toList());
            Predicate<ConsumerRecord<byte[], byte[]>> keyed = r -> r.key() != null
                    && ids.contains(new String(r.key(), StandardCharsets.UTF_8));
            String topic = switch (kill) {
                case ADMIT_WRITTEN -> control + "-" + JitmaskTopology.ADMISSION_TOPIC;
                case ANSWER_WRITTEN -> control + "-" + JitmaskTopology.ADMISSION_ANSWERS_TOPIC;
                case EVENTS_HELD -> control + "-" + JitmaskTopology.GRANT_HELD_EVENTS_STORE + "-changelog";
                case AUDIT_WRITTEN -> Topics.AUDIT;
            };
            // ADMIT is keyed by requester: the wave's are told by the request id they carry.
            Predicate<ConsumerRecord<byte[], byte[]>> wanted = kill == KillPoint.ADMIT_WRITTEN
                    ? r -> ids.contains(AdmissionCommand.fromBytes(r.value()).requestId())
                    : kill == KillPoint.EVENTS_HELD ? keyed.and(r -> r.value() != null) : keyed;
            TopicReader.awaitWritten(stack.bootstrapServers(), topic, wanted, Duration.ofSeconds(120));
        }

        /** The committed audit events of the wave's requests right after the kill (what it had finished). */
        int committedAuditOf(List<Request> wave) {
            try (AuditTrail trail = AuditTrail.of(stack.bootstrapServers())) {
                return wave.stream().mapToInt(q -> trail.events(q.id()).size()).sum();
            }
        }

        /** Waits until every request has at least its expected audit, then asserts each is exactly that. */
        void awaitExpected() {
            try (AuditTrail trail = AuditTrail.of(stack.bootstrapServers())) {
                Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                        .until(() -> expected.entrySet().stream()
                                .allMatch(e -> trail.events(e.getKey()).size() >= e.getValue().size()));
                expected.forEach((id, audit) -> assertThat(trail.events(id).stream().map(Scenario::outcome).toList())
                        .as(id).containsExactlyElementsOf(audit));
            }
        }

        static String outcome(AuditEvent event) {
            return event.type() == AuditEvent.Type.REJECTED ? "REJECTED:" + event.reason() : event.type().name();
        }

        /** Every request of the wave still pending denied by the reviewer (not held: they are PENDING), so none is. */
        void denyPending(List<Request> wave) {
            for (Request q : wave.stream().filter(Request::pendingAfter).toList()) {
                send(q.id(), event(q.id(), new Event("DENIED", "bob")));
                List<String> audit = new ArrayList<>(expected.get(q.id()));
                audit.add("DENIED");
                expected.put(q.id(), audit);
            }
            stack.approvals().flush();
            awaitExpected();
        }

        /**
         * Nothing pending now: exactly the limit admitted, one more refused; a denial lets exactly one more in. Each
         * posted once the previous one is audited, so the admission task sees them in this order.
         */
        void limitStillExact() {
            String f = "final-";
            for (int i = 0; i < LIMIT; i++) {
                postAlone(f + i, i % PARTITIONS, "REQUESTED");
            }
            awaitExpected();
            postAlone(f + "over", 0, "REJECTED:TOO_MANY_PENDING");
            awaitExpected();
            String first = onPartition(f + "0", 0);
            send(first, event(first, new Event("DENIED", "bob")));
            expected.put(first, List.of("REQUESTED", "DENIED"));
            stack.approvals().flush();
            awaitExpected();
            postAlone(f + "after-deny", 1, "REQUESTED");
            awaitExpected();
            postAlone(f + "over-again", 2, "REJECTED:TOO_MANY_PENDING");
            awaitExpected();
        }

        void postAlone(String base, int partition, String audit) {
            String id = onPartition(base, partition);
            requests.put(id, request(id));
            partitionOf.put(id, partition);
            expected.put(id, List.of(audit));
            send(id, requests.get(id));
            stack.approvals().flush();
        }

        /**
         * Each request whose events were posted right behind it had them held (a committed record in the held-events
         * changelog) and has nothing held any more (its last record there a tombstone).
         */
        void assertHeldThenReleased() {
            Map<String, List<byte[]>> changelog = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(stack.bootstrapServers(),
                    control + "-" + JitmaskTopology.GRANT_HELD_EVENTS_STORE + "-changelog")) {
                changelog.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r.value());
            }
            for (String id : withHeldEvents) {
                List<byte[]> values = changelog.getOrDefault(id, List.of());
                assertThat(values).as("held events of " + id).anyMatch(java.util.Objects::nonNull);
                assertThat(values.get(values.size() - 1)).as("nothing held for " + id + " any more").isNull();
            }
            assertThat(changelog.keySet()).as("only requests posted with events had events held")
                    .isSubsetOf(withHeldEvents);
        }
    }
}
