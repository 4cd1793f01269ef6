package io.jitmask.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask approve}: sign an approval of exactly the request as it was posted. */
@Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending request (signed by you).")
public final class ApproveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ActorOptions signer;

    @Option(names = "--request", required = true, description = "The request id.")
    String requestId;

    @Option(names = "--comment", description = "Why you approve.")
    String comment;

    @Option(names = "--extension", description = "Approve this extension of the live grant instead (from jitmask extend).")
    String extensionId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (extensionId != null) {
            ObjectNode extension = EventPoster.findExtension(cluster, requestId, extensionId);
            out.println("approving extension " + extensionId + " of " + requestId + ": " + extension.path("actor").asText()
                    + " asks for " + extension.path("extendSeconds").asLong() + "s more ("
                    + extension.path("justification").asText() + ")");
            EventPoster.post(cluster, ApprovalEvents.approved(extension, signer.actor(), Instant.now(), comment,
                    signer.privateKey()));
            out.println("approved");
            out.flush();
            return 0;
        }
        ObjectNode request = EventPoster.findRequest(cluster, requestId);
        out.println("approving " + requestId + ": " + request.path("actor").asText() + " asks for "
                + request.path("fields") + " of " + request.path("dataset").asText() + " for "
                + request.path("durationSeconds").asLong() + "s"
                + (request.path("lookbackSeconds").asLong(0) > 0
                        ? ", including the last " + request.path("lookbackSeconds").asLong() + "s of records before approval" : "")
                + " (" + request.path("justification").asText() + ")");
        EventPoster.post(cluster, ApprovalEvents.approved(request, signer.actor(), Instant.now(), comment,
                signer.privateKey()));
        out.println("approved");
        out.flush();
        return 0;
    }
}
