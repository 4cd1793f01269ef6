package io.jitmask.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.config.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask request}: ask for temporary clear access to some fields of a dataset. */
@Command(name = "request", mixinStandardHelpOptions = true, description = "Request temporary access to sensitive fields in clear.")
public final class RequestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ActorOptions signer;

    @Option(names = "--dataset", required = true)
    String dataset;

    @Option(names = "--fields", required = true, split = ",", description = "Field paths, e.g. email,address.street.")
    List<String> fields;

    @Option(names = "--keys", split = ",", description = "Only records with these keys (default: every record).")
    List<String> keys;

    @Option(names = "--justification", required = true, description = "Why, e.g. a ticket id and a sentence.")
    String justification;

    @Option(names = "--duration", defaultValue = "PT30M", description = "How long (ISO-8601, default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--lookback", description = "Also copy the records of this window before approval, e.g. 24h "
            + "(capped per sensitivity tag by the policy; shown to approvers).", converter = DurationConverter.class)
    Duration lookback;

    @Option(names = "--grantee", description = "Kafka principal to receive access (default: User:<actor>).")
    String grantee;

    @Option(names = "--request-id", description = "Request id (default: generated).")
    String requestId;

    @Override
    public Integer call() {
        String id = requestId != null ? Topics.requireName("request id", requestId)
                : ApprovalEvents.newRequestId();
        ObjectNode event = ApprovalEvents.requested(id, signer.actor(), Instant.now(),
                grantee != null ? grantee : "User:" + signer.actor(), dataset, fields, keys, justification,
                duration.toSeconds(), lookback == null ? null : lookback.toSeconds(), signer.privateKey());
        EventPoster.post(cluster, event);
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
