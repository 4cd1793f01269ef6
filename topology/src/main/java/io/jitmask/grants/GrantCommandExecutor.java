package io.jitmask.grants;

import java.time.Clock;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Carries out one {@link GrantCommand} with the Admin API and says what happened. Every step is idempotent (a topic
 * that exists, an ACL already there or already gone, a topic already deleted all count as done), so running a
 * command again after a crash or a handover is harmless. Throws on a failure worth retrying.
 */
public final class GrantCommandExecutor {
    private final GrantResources resources;
    private final GrantTopicCounter counter;
    private final Clock clock;

    public GrantCommandExecutor(GrantResources resources, GrantTopicCounter counter, Clock clock) {
        this.resources = resources;
        this.counter = counter;
        this.clock = clock;
    }

    public GrantResult execute(GrantCommand command) {
        return switch (command.type()) {
            case PROVISION -> provision(command);
            case WITHDRAW_ACCESS -> {
                if (command.manageAcls()) {
                    resources.revokeRead(command.topic(), command.grantee());
                }
                yield GrantResult.accessWithdrawn(command.requestId(), clock.instant());
            }
            case DELETE_TOPIC -> deleteTopic(command);
        };
    }

    /** Topic first, then ACL: the lifecycle publishes the grant only when both exist. */
    private GrantResult provision(GrantCommand command) {
        int partitions;
        try {
            partitions = resources.partitionsOf(command.rawTopic());
        } catch (RuntimeException e) {
            if (causedBy(e, UnknownTopicOrPartitionException.class)) {
                // Retrying cannot help: the dataset's raw topic does not exist.
                return GrantResult.provisionFailed(command.requestId(), clock.instant(), "UnknownTopicOrPartitionException");
            }
            throw e;
        }
        resources.createTopic(command.topic(), partitions, command.retentionMs());
        if (command.manageAcls()) {
            resources.allowRead(command.topic(), command.grantee());
        }
        return GrantResult.provisioned(command.requestId(), clock.instant(), partitions);
    }

    private GrantResult deleteTopic(GrantCommand command) {
        GrantTopicCounter.Count count = null;
        if (command.countCopies()) {
            // Only commands written before lookback copies went through the ledger ask for a count (an upgrade).
            count = counter.count(command.topic());
        }
        resources.deleteTopic(command.topic());
        return GrantResult.topicDeleted(command.requestId(), clock.instant(), count == null ? null : count.records(),
                count == null ? null : count.offsets());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
