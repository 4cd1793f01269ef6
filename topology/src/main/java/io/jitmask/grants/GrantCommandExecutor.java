package io.jitmask.grants;

import io.jitmask.grants.GrantResources.Access;
import io.jitmask.grants.GrantResources.NewGrantTopic;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Carries out {@link GrantCommand}s with the Admin API and says what happened, a batch at a time: the raw topics of
 * all provisionings are described in one request, their grant topics created in one (and described until the broker
 * serves them all), their ACLs added in one; the
 * withdrawals' ACLs are removed in one request and the deletions' topics deleted in one. Each command gets its own
 * outcome from its own items' answers, so one grant that fails does not fail the others of its batch. Every step is
 * idempotent (a topic that exists, an ACL already there or already gone, a topic already deleted all count as done),
 * so running a command again after a crash or a handover is harmless. A failed outcome is worth retrying.
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

    /** One command alone. @throws RuntimeException on a failure worth retrying */
    public GrantResult execute(GrantCommand command) {
        return execute(List.of(command)).get(0).get();
    }

    /** The outcome of each command, in the order given; never throws for one command's failure. */
    public List<Outcome<GrantResult>> execute(List<GrantCommand> commands) {
        @SuppressWarnings("unchecked")
        Outcome<GrantResult>[] out = new Outcome[commands.size()];
        provision(commands, out);
        withdrawAccess(commands, out);
        deleteTopics(commands, out);
        return Arrays.asList(out);
    }

    /** Topic first, then ACL: the lifecycle publishes the grant only when both exist. */
    private void provision(List<GrantCommand> commands, Outcome<GrantResult>[] out) {
        List<Integer> todo = indices(commands, c -> c.type() == GrantCommand.Type.PROVISION);
        if (todo.isEmpty()) {
            return;
        }
        Map<String, Outcome<Integer>> rawPartitions = resources.partitionsOf(
                todo.stream().map(i -> commands.get(i).rawTopic()).distinct().toList());
        int[] partitions = new int[commands.size()];
        List<Integer> described = new ArrayList<>();
        for (int i : todo) {
            Outcome<Integer> raw = rawPartitions.get(commands.get(i).rawTopic());
            if (raw.succeeded()) {
                partitions[i] = raw.value();
                described.add(i);
            } else if (causedBy(raw.failure(), UnknownTopicOrPartitionException.class)) {
                // Retrying cannot help: the dataset's raw topic does not exist.
                out[i] = Outcome.ok(GrantResult.provisionFailed(commands.get(i).requestId(), clock.instant(),
                        "UnknownTopicOrPartitionException"));
            } else {
                out[i] = Outcome.failed(raw.failure());
            }
        }
        Map<String, Outcome<Void>> created = ifAny(described.stream()
                .map(i -> new NewGrantTopic(commands.get(i).topic(), partitions[i], commands.get(i).retentionMs())).toList(),
                resources::createTopics);
        List<Integer> createdOnes = topicStepDone(described, created, commands, out);
        // The controller has the topic; the grantee can read it once the broker serves it (a burst of creations
        // leaves the broker behind the controller).
        Map<String, Outcome<Void>> served = ifAny(createdOnes.stream().map(i -> commands.get(i).topic()).toList(),
                resources::awaitServed);
        List<Integer> withTopic = topicStepDone(createdOnes, served, commands, out);
        Map<Access, Outcome<Void>> allowed = ifAny(withTopic.stream().map(commands::get)
                .filter(GrantCommand::manageAcls).map(GrantCommandExecutor::access).toList(), resources::allowRead);
        for (int i : withTopic) {
            GrantCommand command = commands.get(i);
            Outcome<Void> acl = command.manageAcls() ? allowed.get(access(command)) : Outcome.ok(null);
            out[i] = acl.map(v -> GrantResult.provisioned(command.requestId(), clock.instant(), partitions[i]));
        }
    }

    /** The commands whose topic step succeeded; each other one's outcome is that step's failure. */
    private static List<Integer> topicStepDone(List<Integer> indices, Map<String, Outcome<Void>> step,
            List<GrantCommand> commands, Outcome<GrantResult>[] out) {
        List<Integer> done = new ArrayList<>();
        for (int i : indices) {
            Outcome<Void> topic = step.get(commands.get(i).topic());
            if (topic.succeeded()) {
                done.add(i);
            } else {
                out[i] = Outcome.failed(topic.failure());
            }
        }
        return done;
    }

    private void withdrawAccess(List<GrantCommand> commands, Outcome<GrantResult>[] out) {
        List<Integer> todo = indices(commands, c -> c.type() == GrantCommand.Type.WITHDRAW_ACCESS);
        Map<Access, Outcome<Void>> revoked = ifAny(todo.stream().map(commands::get)
                .filter(GrantCommand::manageAcls).map(GrantCommandExecutor::access).toList(), resources::revokeRead);
        for (int i : todo) {
            GrantCommand command = commands.get(i);
            Outcome<Void> acl = command.manageAcls() ? revoked.get(access(command)) : Outcome.ok(null);
            out[i] = acl.map(v -> GrantResult.accessWithdrawn(command.requestId(), clock.instant()));
        }
    }

    private void deleteTopics(List<GrantCommand> commands, Outcome<GrantResult>[] out) {
        List<Integer> todo = indices(commands, c -> c.type() == GrantCommand.Type.DELETE_TOPIC);
        GrantTopicCounter.Count[] counts = new GrantTopicCounter.Count[commands.size()];
        List<Integer> counted = new ArrayList<>();
        for (int i : todo) {
            if (commands.get(i).countCopies()) {
                // Only commands written before lookback copies went through the ledger ask for a count (an upgrade).
                try {
                    counts[i] = counter.count(commands.get(i).topic());
                } catch (RuntimeException e) {
                    out[i] = Outcome.failed(e);
                    continue;
                }
            }
            counted.add(i);
        }
        Map<String, Outcome<Void>> deleted = ifAny(counted.stream().map(i -> commands.get(i).topic()).toList(),
                resources::deleteTopics);
        for (int i : counted) {
            GrantCommand command = commands.get(i);
            GrantTopicCounter.Count count = counts[i];
            out[i] = deleted.get(command.topic()).map(v -> GrantResult.topicDeleted(command.requestId(), clock.instant(),
                    count == null ? null : count.records(), count == null ? null : count.offsets()));
        }
    }

    /** A step of the batch, asked of the broker only when it has items. */
    private static <I, K, V> Map<K, Outcome<V>> ifAny(List<I> items, Function<List<I>, Map<K, Outcome<V>>> step) {
        return items.isEmpty() ? Map.of() : step.apply(items);
    }

    private static Access access(GrantCommand command) {
        return new Access(command.topic(), command.grantee());
    }

    private static List<Integer> indices(List<GrantCommand> commands, Predicate<GrantCommand> which) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (which.test(commands.get(i))) {
                out.add(i);
            }
        }
        return out;
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
