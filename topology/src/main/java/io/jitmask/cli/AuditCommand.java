package io.jitmask.cli;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask audit}: the audit trail as JSON lines, filtered by request or actor, optionally followed. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Print the audit trail (jit.audit) as JSON lines.")
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--request", description = "Only this request.")
    String requestId;

    @Option(names = "--actor", description = "Only events by this actor.")
    String actor;

    @Option(names = "--follow", description = "Keep printing new events until Ctrl-C.")
    boolean follow;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TopicScan.follow(cluster.kafka(), Topics.AUDIT, follow, record -> {
            if (record.value() == null) {
                return;
            }
            if (requestId != null && (record.key() == null || !requestId.equals(new String(record.key(), StandardCharsets.UTF_8)))) {
                return;
            }
            if (actor != null) {
                try {
                    if (!actor.equals(AuditEvent.fromBytes(record.value()).actor())) {
                        return;
                    }
                } catch (IllegalArgumentException e) {
                    return;
                }
            }
            out.println(new String(record.value(), StandardCharsets.UTF_8));
            out.flush();
        });
        return 0;
    }
}
