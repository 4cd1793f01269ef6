package io.jitmask.cli;

import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.AuditFilter;
import io.jitmask.config.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask audit}: the audit trail as JSON lines, filtered by request, actor or type, optionally followed. */
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

    @Option(names = "--type", description = "Only events of this type, e.g. ACTIVATED.")
    AuditEvent.Type type;

    @Option(names = "--follow", description = "Keep printing new events until Ctrl-C.")
    boolean follow;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AuditFilter filter = new AuditFilter(requestId, actor, type);
        TopicScan.follow(cluster.kafka(), Topics.AUDIT, follow, record -> {
            if (record.value() == null) {
                return;
            }
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            AuditEvent event = null;
            if (filter.needsEvent()) {
                try {
                    event = AuditEvent.fromBytes(record.value());
                } catch (IllegalArgumentException e) {
                    return;
                }
            }
            if (filter.matches(key, event)) {
                out.println(new String(record.value(), StandardCharsets.UTF_8));
                out.flush();
            }
        });
        return 0;
    }
}
