package io.jitmask.cli;

import io.jitmask.approval.ApprovalEvents;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask deny}: refuse a pending request, with a reason. */
@Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a pending request (signed by you).")
public final class DenyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ActorOptions signer;

    @Option(names = "--request", required = true)
    String requestId;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() {
        EventPoster.post(cluster.bootstrapServers(), ApprovalEvents.denied(requestId, signer.actor(), Instant.now(), reason,
                signer.privateKey()));
        spec.commandLine().getOut().println("denied " + requestId);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
