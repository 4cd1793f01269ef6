package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/**
 * Each command's Admin steps, in order, and the result it posts; failures worth retrying are thrown (one command) or
 * are that command's outcome (a batch: one Admin request per step for every command, one outcome per command).
 */
class GrantCommandExecutorTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    /**
     * Records every item asked as "verb topic [principal]" and every request as "verb n" (one per batch step); fails
     * what the test says, per item (a failure is that item's outcome) or for every item.
     */
    static final class RecordingResources implements GrantResources {
        final List<String> calls = new ArrayList<>();
        final List<String> requests = new ArrayList<>();
        final Map<String, RuntimeException> failTopic = new HashMap<>();
        /** Topics whose next creation fails (then succeeds), as a broker going away fails one attempt. */
        final java.util.Set<String> failTopicOnce = new java.util.HashSet<>();
        final Map<String, RuntimeException> failRaw = new HashMap<>();
        final Map<String, RuntimeException> notServed = new HashMap<>();
        RuntimeException failPartitions;
        RuntimeException failAcl;

        @Override
        public Map<String, Outcome<Integer>> partitionsOf(Collection<String> topics) {
            requests.add("describe " + topics.size());
            Map<String, Outcome<Integer>> out = new LinkedHashMap<>();
            for (String t : topics) {
                RuntimeException failure = failPartitions != null ? failPartitions : failRaw.get(t);
                out.put(t, failure != null ? Outcome.failed(failure) : Outcome.ok(3));
            }
            return out;
        }

        @Override
        public Map<String, Outcome<Void>> createTopics(List<NewGrantTopic> topics) {
            requests.add("create " + topics.size());
            Map<String, Outcome<Void>> out = new LinkedHashMap<>();
            for (NewGrantTopic t : topics) {
                calls.add("create " + t.topic() + " " + t.partitions() + " " + t.retentionMs());
                RuntimeException failure = failTopicOnce.remove(t.topic())
                        ? new IllegalStateException("cannot create grant topic " + t.topic() + ": TimeoutException")
                        : failTopic.get(t.topic());
                out.put(t.topic(), failure != null ? Outcome.failed(failure) : Outcome.ok(null));
            }
            return out;
        }

        @Override
        public Map<String, Outcome<Void>> awaitServed(List<String> topics) {
            requests.add("served " + topics.size());
            Map<String, Outcome<Void>> out = new LinkedHashMap<>();
            for (String t : topics) {
                RuntimeException failure = notServed.get(t);
                out.put(t, failure != null ? Outcome.failed(failure) : Outcome.ok(null));
            }
            return out;
        }

        @Override
        public Map<Access, Outcome<Void>> allowRead(List<Access> accesses) {
            requests.add("allow " + accesses.size());
            Map<Access, Outcome<Void>> out = new LinkedHashMap<>();
            for (Access a : accesses) {
                if (failAcl != null) {
                    out.put(a, Outcome.failed(failAcl));
                } else {
                    calls.add("allow " + a.topic() + " " + a.principal());
                    out.put(a, Outcome.ok(null));
                }
            }
            return out;
        }

        @Override
        public Map<Access, Outcome<Void>> revokeRead(List<Access> accesses) {
            requests.add("revoke " + accesses.size());
            Map<Access, Outcome<Void>> out = new LinkedHashMap<>();
            for (Access a : accesses) {
                calls.add("revoke " + a.topic() + " " + a.principal());
                out.put(a, Outcome.ok(null));
            }
            return out;
        }

        @Override
        public Map<String, Outcome<Void>> deleteTopics(List<String> topics) {
            requests.add("delete " + topics.size());
            Map<String, Outcome<Void>> out = new LinkedHashMap<>();
            for (String t : topics) {
                calls.add("delete " + t);
                RuntimeException failure = failTopic.get(t);
                out.put(t, failure != null ? Outcome.failed(failure) : Outcome.ok(null));
            }
            return out;
        }
    }

    final RecordingResources resources = new RecordingResources();
    final GrantCommandExecutor executor = new GrantCommandExecutor(resources,
            new GrantTopicCounter(() -> { throw new AssertionError("no count: every grant's copies are in the ledger"); }),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void provisioningCreatesTheTopicThenTheAclAndSaysHowManyPartitions() {
        GrantResult result = executor.execute(GrantCommand.provision("r1", "customers", "grant.customers.r1", "raw.customers",
                "User:alice", true, 125_000));
        assertThat(resources.calls).containsExactly("create grant.customers.r1 3 125000", "allow grant.customers.r1 User:alice");
        assertThat(result).isEqualTo(GrantResult.provisioned("r1", NOW, 3));

        // Run again (a new owner after a crash): the same calls, all idempotent, the same result.
        resources.calls.clear();
        assertThat(executor.execute(GrantCommand.provision("r1", "customers", "grant.customers.r1", "raw.customers",
                "User:alice", false, 125_000))).isEqualTo(GrantResult.provisioned("r1", NOW, 3));
        assertThat(resources.calls).as("no ACL when jitmask does not manage ACLs").containsExactly("create grant.customers.r1 3 125000");
    }

    @Test
    void aMissingRawTopicFailsForGoodAnythingElseIsThrownToBeRetried() {
        resources.failPartitions = new IllegalStateException("x", new UnknownTopicOrPartitionException("gone"));
        assertThat(executor.execute(GrantCommand.provision("r2", "customers", "grant.customers.r2", "raw.customers",
                "User:alice", true, 1000))).isEqualTo(GrantResult.provisionFailed("r2", NOW, "UnknownTopicOrPartitionException"));
        assertThat(resources.calls).isEmpty();

        resources.failPartitions = null;
        resources.failAcl = new IllegalStateException("TimeoutException", new org.apache.kafka.common.errors.TimeoutException("t"));
        assertThatThrownBy(() -> executor.execute(GrantCommand.provision("r3", "customers", "grant.customers.r3",
                "raw.customers", "User:alice", true, 1000))).isSameAs(resources.failAcl);
    }

    @Test
    void endingWithdrawsAccessThenDeletesTheTopic() {
        assertThat(executor.execute(GrantCommand.withdrawAccess("r4", "customers", "grant.customers.r4", "User:alice", true)))
                .isEqualTo(GrantResult.accessWithdrawn("r4", NOW));
        assertThat(executor.execute(GrantCommand.deleteTopic("r4", "customers", "grant.customers.r4", NOW, false)))
                .isEqualTo(GrantResult.topicDeleted("r4", NOW, null, null));
        assertThat(resources.calls).containsExactly("revoke grant.customers.r4 User:alice", "delete grant.customers.r4");
    }

    static GrantCommand provision(String id, boolean manageAcls) {
        return GrantCommand.provision(id, "customers", "grant.customers." + id, "raw.customers", "User:" + id, manageAcls, 1000);
    }

    @Test
    void aBatchAsksTheBrokerOncePerStepForAllItsCommandsAndAnswersEachCommand() {
        List<GrantCommand> batch = List.of(provision("a", true), provision("b", false), provision("c", true),
                GrantCommand.withdrawAccess("d", "customers", "grant.customers.d", "User:d", true),
                GrantCommand.withdrawAccess("e", "customers", "grant.customers.e", "User:e", true),
                GrantCommand.deleteTopic("f", "customers", "grant.customers.f", NOW, false),
                GrantCommand.deleteTopic("g", "customers", "grant.customers.g", NOW, false));

        assertThat(executor.execute(batch)).containsExactly(
                Outcome.ok(GrantResult.provisioned("a", NOW, 3)),
                Outcome.ok(GrantResult.provisioned("b", NOW, 3)),
                Outcome.ok(GrantResult.provisioned("c", NOW, 3)),
                Outcome.ok(GrantResult.accessWithdrawn("d", NOW)),
                Outcome.ok(GrantResult.accessWithdrawn("e", NOW)),
                Outcome.ok(GrantResult.topicDeleted("f", NOW, null, null)),
                Outcome.ok(GrantResult.topicDeleted("g", NOW, null, null)));
        assertThat(resources.requests).as("one request per step for the whole batch, the raw topic described once")
                .containsExactly("describe 1", "create 3", "served 3", "allow 2", "revoke 2", "delete 2");
        assertThat(resources.calls).containsExactly(
                "create grant.customers.a 3 1000", "create grant.customers.b 3 1000", "create grant.customers.c 3 1000",
                "allow grant.customers.a User:a", "allow grant.customers.c User:c",
                "revoke grant.customers.d User:d", "revoke grant.customers.e User:e",
                "delete grant.customers.f", "delete grant.customers.g");
    }

    @Test
    void oneTopicFailingInABatchFailsOnlyItsOwnCommandAndItGetsNoAcl() {
        RuntimeException refused = new IllegalStateException("cannot create grant topic grant.customers.b: PolicyViolationException");
        resources.failTopic.put("grant.customers.b", refused);
        List<GrantCommand> batch = List.of(provision("a", true), provision("b", true), provision("c", true));

        List<Outcome<GrantResult>> outcomes = executor.execute(batch);
        assertThat(outcomes).containsExactly(
                Outcome.ok(GrantResult.provisioned("a", NOW, 3)),
                Outcome.failed(refused),
                Outcome.ok(GrantResult.provisioned("c", NOW, 3)));
        assertThat(resources.calls).as("topic first, then ACL: none for the grant whose topic failed").containsExactly(
                "create grant.customers.a 3 1000", "create grant.customers.b 3 1000", "create grant.customers.c 3 1000",
                "allow grant.customers.a User:a", "allow grant.customers.c User:c");

        // The worker retries the failed command alone, or again with others: the same steps, the same answers.
        resources.failTopic.clear();
        resources.calls.clear();
        assertThat(executor.execute(batch)).containsExactly(
                Outcome.ok(GrantResult.provisioned("a", NOW, 3)),
                Outcome.ok(GrantResult.provisioned("b", NOW, 3)),
                Outcome.ok(GrantResult.provisioned("c", NOW, 3)));
        assertThat(resources.calls).containsExactly(
                "create grant.customers.a 3 1000", "create grant.customers.b 3 1000", "create grant.customers.c 3 1000",
                "allow grant.customers.a User:a", "allow grant.customers.b User:b", "allow grant.customers.c User:c");
    }

    @Test
    void aMissingRawTopicFailsOnlyTheGrantsOfThatDatasetForGood() {
        resources.failRaw.put("raw.gone", new IllegalStateException("cannot describe topic raw.gone",
                new UnknownTopicOrPartitionException("gone")));
        List<Outcome<GrantResult>> outcomes = executor.execute(List.of(provision("a", true),
                GrantCommand.provision("b", "gone", "grant.gone.b", "raw.gone", "User:b", true, 1000), provision("c", true)));
        assertThat(outcomes).containsExactly(
                Outcome.ok(GrantResult.provisioned("a", NOW, 3)),
                Outcome.ok(GrantResult.provisionFailed("b", NOW, "UnknownTopicOrPartitionException")),
                Outcome.ok(GrantResult.provisioned("c", NOW, 3)));
        assertThat(resources.requests).containsExactly("describe 2", "create 2", "served 2", "allow 2");
    }

    @Test
    void aDeletionThatFailsLeavesTheOthersOfItsBatchDeleted() {
        RuntimeException timeout = new IllegalStateException("cannot delete grant topic grant.customers.g: TimeoutException");
        resources.failTopic.put("grant.customers.g", timeout);
        assertThat(executor.execute(List.of(
                GrantCommand.deleteTopic("f", "customers", "grant.customers.f", NOW, false),
                GrantCommand.deleteTopic("g", "customers", "grant.customers.g", NOW, false)))).containsExactly(
                Outcome.ok(GrantResult.topicDeleted("f", NOW, null, null)),
                Outcome.failed(timeout));
    }

    @Test
    void aTopicTheBrokerDoesNotServeYetIsNotProvisionedAndGetsNoAclUntilItIs() {
        RuntimeException lagging = new IllegalStateException("grant topic grant.customers.b has a partition without a leader");
        resources.notServed.put("grant.customers.b", lagging);
        List<GrantCommand> batch = List.of(provision("a", true), provision("b", true));
        assertThat(executor.execute(batch)).containsExactly(
                Outcome.ok(GrantResult.provisioned("a", NOW, 3)), Outcome.failed(lagging));
        assertThat(resources.calls).containsExactly("create grant.customers.a 3 1000", "create grant.customers.b 3 1000",
                "allow grant.customers.a User:a");

        resources.notServed.clear();
        resources.calls.clear();
        assertThat(executor.execute(List.of(provision("b", true)))).containsExactly(Outcome.ok(GrantResult.provisioned("b", NOW, 3)));
        assertThat(resources.calls).containsExactly("create grant.customers.b 3 1000", "allow grant.customers.b User:b");
    }
}
