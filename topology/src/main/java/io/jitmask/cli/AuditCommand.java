package io.jitmask.cli;

import io.jitmask.audit.AuditEvent;
import io.jitmask.audit.AuditFilter;
import io.jitmask.config.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jitmask audit}: the audit trail as JSON lines, filtered by request, actor or type, a page at a time in a
 * stable order, or followed.
 */
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

    @Option(names = "--follow", description = "Keep printing new events until Ctrl-C (all of them: no --limit/--offset).")
    boolean follow;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AuditFilter filter = new AuditFilter(requestId, actor, type);
        if (follow) {
            TopicScan.follow(cluster.kafka(), Topics.AUDIT, true, record -> {
                if (matches(filter, record)) {
                    out.println(new String(record.value(), StandardCharsets.UTF_8));
                    out.flush();
                }
            });
            return 0;
        }
        // The newest page, oldest first, in a stable order: by time (never before the partition's previous event, so
        // one request's trail keeps its topic order), then partition and offset: the order of the API's audit pages.
        List<Positioned> matching = new ArrayList<>();
        Map<Integer, Long> partitionTime = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.readAll(cluster.kafka(), Topics.AUDIT)) {
            long time = partitionTime.merge(record.partition(), record.timestamp(), Math::max);
            if (matches(filter, record)) {
                matching.add(new Positioned(time, record.partition(), record.offset(), record.value()));
            }
        }
        matching.sort(Comparator.comparingLong(Positioned::time).thenComparingInt(Positioned::partition)
                .thenComparingLong(Positioned::offset));
        for (Positioned event : page.pageFromEnd(matching, spec.commandLine())) {
            out.println(new String(event.value(), StandardCharsets.UTF_8));
        }
        out.flush();
        return 0;
    }

    private record Positioned(long time, int partition, long offset, byte[] value) {
    }

    private static boolean matches(AuditFilter filter, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return false;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        AuditEvent event = null;
        if (filter.needsEvent()) {
            try {
                event = AuditEvent.fromBytes(record.value());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return filter.matches(key, event);
    }
}
