package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grant command executor's batches against a real broker (its StandardAuthorizer holds the ACLs): one Admin
 * request per step for a whole batch, each grant's own outcome read from its own future, so a topic the broker
 * refuses fails only its grant; every step run again (a new owner after a crash) is harmless and answers the same.
 */
class GrantBatchIT {
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("gbatch").dataset("gbatch", "customers").withoutApp().build();
    static final String DATASET = STACK.dataset("gbatch");
    static final Instant NOW = Instant.parse("2026-12-06T16:00:00Z");
    static final long RETENTION_MS = 3_600_000;

    final GrantCommandExecutor executor = new GrantCommandExecutor(new AdminGrantResources(STACK.admin(), (short) 1),
            new GrantTopicCounter(() -> { throw new AssertionError("no count: every grant's copies are in the ledger"); }),
            Clock.fixed(NOW, ZoneOffset.UTC));

    static String newId() {
        return "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static GrantCommand provision(String id) {
        return GrantCommand.provision(id, DATASET, Topics.grant(DATASET, id), Topics.raw(DATASET), "User:" + id, true, RETENTION_MS);
    }

    static List<String> acls(String topic) throws Exception {
        return STACK.admin().describeAcls(AclBindingFilter.ANY).values().get().stream()
                .filter(b -> b.pattern().name().equals(topic))
                .map(b -> b.entry().principal() + " " + b.entry().operation() + " " + b.entry().permissionType()).sorted().toList();
    }

    static boolean exists(String topic) throws Exception {
        return STACK.admin().listTopics().names().get().contains(topic);
    }

    @Test
    void aBatchProvisionsWithdrawsAndDeletesEachGrantAndOneRefusedTopicFailsOnlyItsOwnGrant() throws Exception {
        String a = newId();
        String b = newId();
        String c = newId();
        String bad = newId();
        String orphan = newId();
        // A name the broker refuses ('/' is not a topic character): this grant's topic alone fails.
        GrantCommand refused = GrantCommand.provision(bad, DATASET, "grant." + DATASET + "." + bad + "/x", Topics.raw(DATASET),
                "User:" + bad, true, RETENTION_MS);
        GrantCommand noRawTopic = GrantCommand.provision(orphan, "nosuch", Topics.grant("nosuch_" + orphan, orphan),
                Topics.raw("nosuch_" + orphan), "User:" + orphan, true, RETENTION_MS);
        List<GrantCommand> batch = List.of(provision(a), refused, provision(b), noRawTopic, provision(c));

        List<Outcome<GrantResult>> outcomes = executor.execute(batch);
        assertThat(outcomes.get(0)).isEqualTo(Outcome.ok(GrantResult.provisioned(a, NOW, 3)));
        assertThat(outcomes.get(1).succeeded()).isFalse();
        assertThat(outcomes.get(1).failure()).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot create grant topic grant." + DATASET + "." + bad + "/x: InvalidTopicException")
                .hasCauseInstanceOf(InvalidTopicException.class);
        assertThat(outcomes.get(2)).isEqualTo(Outcome.ok(GrantResult.provisioned(b, NOW, 3)));
        assertThat(outcomes.get(3)).as("a missing raw topic fails for good, the others go on")
                .isEqualTo(Outcome.ok(GrantResult.provisionFailed(orphan, NOW, "UnknownTopicOrPartitionException")));
        assertThat(outcomes.get(4)).isEqualTo(Outcome.ok(GrantResult.provisioned(c, NOW, 3)));
        for (String id : List.of(a, b, c)) {
            String topic = Topics.grant(DATASET, id);
            TopicDescription description = STACK.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = STACK.admin().describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(RETENTION_MS));
            assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
            // ACLs reach the broker's authorizer through the metadata log, after createAcls/deleteAcls return.
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls(topic)).containsExactly("User:" + id + " DESCRIBE ALLOW", "User:" + id + " READ ALLOW"));
        }
        // ACLs reach the broker's authorizer through the metadata log, after createAcls/deleteAcls return.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls("grant." + DATASET + "." + bad + "/x")).as("no ACL for the grant whose topic failed").isEmpty());
        assertThat(exists(Topics.grant("nosuch_" + orphan, orphan))).isFalse();

        // Run again, as a new owner does after a crash: the topics exist and the ACLs are there, which counts as done.
        assertThat(executor.execute(List.of(provision(a), provision(b), provision(c)))).containsExactly(
                Outcome.ok(GrantResult.provisioned(a, NOW, 3)), Outcome.ok(GrantResult.provisioned(b, NOW, 3)),
                Outcome.ok(GrantResult.provisioned(c, NOW, 3)));
        for (String id : List.of(a, b, c)) {
            // ACLs reach the broker's authorizer through the metadata log, after createAcls/deleteAcls return.
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls(Topics.grant(DATASET, id))).containsExactly("User:" + id + " DESCRIBE ALLOW", "User:" + id + " READ ALLOW"));
        }

        List<GrantCommand> withdrawals = List.of(a, b, c).stream()
                .map(id -> GrantCommand.withdrawAccess(id, DATASET, Topics.grant(DATASET, id), "User:" + id, true)).toList();
        List<Outcome<GrantResult>> expectedWithdrawn = List.of(Outcome.ok(GrantResult.accessWithdrawn(a, NOW)),
                Outcome.ok(GrantResult.accessWithdrawn(b, NOW)), Outcome.ok(GrantResult.accessWithdrawn(c, NOW)));
        assertThat(executor.execute(withdrawals)).isEqualTo(expectedWithdrawn);
        for (String id : List.of(a, b, c)) {
            // ACLs reach the broker's authorizer through the metadata log, after createAcls/deleteAcls return.
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls(Topics.grant(DATASET, id))).isEmpty());
        }
        assertThat(executor.execute(withdrawals)).as("no ACL left to remove counts as removed").isEqualTo(expectedWithdrawn);

        List<GrantCommand> deletions = List.of(a, b, c).stream()
                .map(id -> GrantCommand.deleteTopic(id, DATASET, Topics.grant(DATASET, id), NOW, false)).toList();
        List<Outcome<GrantResult>> expectedDeleted = List.of(Outcome.ok(GrantResult.topicDeleted(a, NOW, null, null)),
                Outcome.ok(GrantResult.topicDeleted(b, NOW, null, null)), Outcome.ok(GrantResult.topicDeleted(c, NOW, null, null)));
        assertThat(executor.execute(deletions)).isEqualTo(expectedDeleted);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> List.of(a, b, c).stream()
                .noneMatch(id -> {
                    try {
                        return exists(Topics.grant(DATASET, id));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
        assertThat(executor.execute(deletions)).as("a topic already gone counts as deleted").isEqualTo(expectedDeleted);
    }

    /**
     * The real resources, but the answer of one step is lost after the broker carried it out, as when the broker
     * goes away before it answers: each item of that step fails with a TimeoutException, so the worker retries it.
     */
    static final class LostAnswers implements GrantResources {
        final GrantResources real = new AdminGrantResources(STACK.admin(), (short) 1);
        String lose = "";

        private <K> Map<K, Outcome<Void>> answer(String step, Map<K, Outcome<Void>> answers) {
            if (!step.equals(lose)) {
                return answers;
            }
            Map<K, Outcome<Void>> lost = new LinkedHashMap<>();
            answers.forEach((item, outcome) -> {
                assertThat(outcome.succeeded()).as("the broker did %s %s", step, item).isTrue();
                lost.put(item, Outcome.failed(new IllegalStateException(step + " " + item + ": TimeoutException",
                        new org.apache.kafka.common.errors.TimeoutException("the broker went away"))));
            });
            return lost;
        }

        @Override
        public Map<String, Outcome<Integer>> partitionsOf(Collection<String> topics) {
            return real.partitionsOf(topics);
        }

        @Override
        public Map<String, Outcome<Void>> createTopics(List<NewGrantTopic> topics) {
            return answer("create", real.createTopics(topics));
        }

        @Override
        public Map<String, Outcome<Void>> awaitServed(List<String> topics) {
            return real.awaitServed(topics);
        }

        @Override
        public Map<Access, Outcome<Void>> allowRead(List<Access> accesses) {
            return answer("allow", real.allowRead(accesses));
        }

        @Override
        public Map<Access, Outcome<Void>> revokeRead(List<Access> accesses) {
            return answer("revoke", real.revokeRead(accesses));
        }

        @Override
        public Map<String, Outcome<Void>> deleteTopics(List<String> topics) {
            return answer("delete", real.deleteTopics(topics));
        }
    }

    /** Runs the commands with the answers of {@code step} lost: every command fails (to be retried). */
    static void runLosing(GrantCommandExecutor executor, LostAnswers resources, String step, List<GrantCommand> commands) {
        resources.lose = step;
        assertThat(executor.execute(commands)).allSatisfy(o -> assertThat(o.failure())
                .hasMessageEndingWith(": TimeoutException"));
        resources.lose = "";
    }

    /**
     * Every step of a batch whose answer was lost after the broker did it (topics created, ACLs added, ACLs removed,
     * topics deleted): the commands fail, no result is posted, and the worker's retry finds the step done (a topic
     * that exists, ACLs already there, none left to remove, a topic already gone) and answers as the first attempt
     * would have. Nothing is done twice: each topic has its configs and exactly its grantee's two ACLs.
     */
    @Test
    void aStepTheBrokerDidButWhoseAnswerWasLostIsDoneWhenTheCommandRunsAgain() throws Exception {
        LostAnswers resources = new LostAnswers();
        GrantCommandExecutor lossy = new GrantCommandExecutor(resources,
                new GrantTopicCounter(() -> { throw new AssertionError("no count: every grant's copies are in the ledger"); }),
                Clock.fixed(NOW, ZoneOffset.UTC));
        List<String> ids = List.of(newId(), newId(), newId());
        List<GrantCommand> provisions = ids.stream().map(GrantBatchIT::provision).toList();
        List<Outcome<GrantResult>> provisioned = ids.stream()
                .map(id -> Outcome.ok(GrantResult.provisioned(id, NOW, 3))).toList();

        // createTopics done, its answer lost: no ACL is asked for, the commands fail.
        runLosing(lossy, resources, "create", provisions);
        for (String id : ids) {
            // The controller has it; the broker lists it once it applied it.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exists(Topics.grant(DATASET, id)));
            assertThat(acls(Topics.grant(DATASET, id))).isEmpty();
        }
        // createAcls done, its answer lost: the retry's createTopics meets TopicExistsException, counted as created.
        runLosing(lossy, resources, "allow", provisions);
        for (String id : ids) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls(Topics.grant(DATASET, id)))
                    .as("the broker added them").containsExactly("User:" + id + " DESCRIBE ALLOW", "User:" + id + " READ ALLOW"));
        }
        // Run again: the ACLs are there already, which counts as added; nothing is added twice.
        assertThat(lossy.execute(provisions)).isEqualTo(provisioned);
        for (String id : ids) {
            String topic = Topics.grant(DATASET, id);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = STACK.admin().describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(RETENTION_MS));
            assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acls(topic))
                    .containsExactly("User:" + id + " DESCRIBE ALLOW", "User:" + id + " READ ALLOW"));
        }

        // deleteAcls done, its answer lost; the retry finds none left to remove.
        List<GrantCommand> withdrawals = ids.stream()
                .map(id -> GrantCommand.withdrawAccess(id, DATASET, Topics.grant(DATASET, id), "User:" + id, true)).toList();
        runLosing(lossy, resources, "revoke", withdrawals);
        for (String id : ids) {
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(acls(Topics.grant(DATASET, id))).as("the broker removed them").isEmpty());
        }
        assertThat(lossy.execute(withdrawals)).isEqualTo(ids.stream()
                .map(id -> Outcome.ok(GrantResult.accessWithdrawn(id, NOW))).toList());

        // deleteTopics done, its answer lost; the retry meets UnknownTopicOrPartitionException, counted as deleted.
        List<GrantCommand> deletions = ids.stream()
                .map(id -> GrantCommand.deleteTopic(id, DATASET, Topics.grant(DATASET, id), NOW, false)).toList();
        runLosing(lossy, resources, "delete", deletions);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().noneMatch(id -> {
            try {
                return exists(Topics.grant(DATASET, id));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThat(lossy.execute(deletions)).isEqualTo(ids.stream()
                .map(id -> Outcome.ok(GrantResult.topicDeleted(id, NOW, null, null))).toList());
    }
}
