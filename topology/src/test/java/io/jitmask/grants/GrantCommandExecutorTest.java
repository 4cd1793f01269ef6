package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** Each command's Admin steps, in order, and the result it posts; failures worth retrying are thrown. */
class GrantCommandExecutorTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    /** Records every call as "verb topic [principal]"; fails what the test says. */
    static final class RecordingResources implements GrantResources {
        final List<String> calls = new ArrayList<>();
        RuntimeException failPartitions;
        RuntimeException failAcl;

        @Override
        public int partitionsOf(String topic) {
            if (failPartitions != null) {
                throw failPartitions;
            }
            return 3;
        }

        @Override
        public void createTopic(String topic, int partitions, long retentionMs) {
            calls.add("create " + topic + " " + partitions + " " + retentionMs);
        }

        @Override
        public void allowRead(String topic, String principal) {
            if (failAcl != null) {
                throw failAcl;
            }
            calls.add("allow " + topic + " " + principal);
        }

        @Override
        public void revokeRead(String topic, String principal) {
            calls.add("revoke " + topic + " " + principal);
        }

        @Override
        public void deleteTopic(String topic) {
            calls.add("delete " + topic);
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
}
