package io.jitmask.cli;

import io.jitmask.approval.ApprovalEvents;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask revoke}: end a grant (or withdraw a request) now. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a grant or withdraw a request (signed by you).")
public final class RevokeCommand implements Callable<Integer> {
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
        EventPoster.post(cluster.bootstrapServers(), ApprovalEvents.revoked(requestId, signer.actor(), Instant.now(), reason,
                signer.privateKey()));
        spec.commandLine().getOut().println("revocation of " + requestId + " posted");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
