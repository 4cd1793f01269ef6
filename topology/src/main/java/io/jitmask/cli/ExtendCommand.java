package io.jitmask.cli;

import io.jitmask.approval.ApprovalEvents;
import io.jitmask.config.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jitmask extend <requestId> --by 30m --justification ...}: ask for more time on your live grant. Approvers
 * decide it as they decide a request ({@code jitmask approve --request <id> --extension <extensionId>}, or deny).
 */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Ask to extend your live grant (signed by you); decided by the same approvers as the request.")
public final class ExtendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ActorOptions signer;

    @Parameters(index = "0", description = "The request id of the live grant.")
    String requestId;

    @Option(names = "--by", required = true, converter = DurationConverter.class,
            description = "How much longer, e.g. 30m (the grant's total is capped by the policy's maxTotalDurationSeconds).")
    Duration by;

    @Option(names = "--justification", required = true, description = "Why more time is needed.")
    String justification;

    @Option(names = "--extension-id", description = "Extension id (default: generated).")
    String extensionId;

    @Override
    public Integer call() {
        String id = extensionId != null ? Topics.requireName("extension id", extensionId) : ApprovalEvents.newExtensionId();
        EventPoster.post(cluster, ApprovalEvents.extendRequested(Topics.requireName("request id", requestId), id,
                signer.actor(), Instant.now(), justification, by.toSeconds(), signer.privateKey()));
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
