package io.jitmask.cli;

import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask grants}: the live grants, soonest to end first, with the time each has left; a page at a time. */
@Command(name = "grants", mixinStandardHelpOptions = true, description = "List active grants and their time left.")
public final class GrantsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        Map<String, Grant> live = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.readAll(cluster.kafka(), Topics.GRANTS)) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (key == null) {
                continue;
            }
            if (record.value() == null) {
                live.remove(key);
            } else {
                try {
                    live.put(key, GrantJson.fromBytes(record.value()));
                } catch (IllegalArgumentException e) {
                    live.remove(key);
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        out.printf("%-20s %-12s %-16s %-10s %s%n", "REQUEST", "DATASET", "GRANTEE", "TIME LEFT", "FIELDS");
        // Soonest to end first, as the API lists them.
        List<Grant> ordered = live.values().stream().filter(g -> g.isLiveAt(now))
                .sorted(Comparator.comparing(Grant::expiresAt).thenComparing(Grant::requestId)).toList();
        for (Grant grant : page.page(ordered, spec.commandLine())) {
            Duration left = Duration.between(now, grant.expiresAt());
            out.printf("%-20s %-12s %-16s %-10s %s%s%n", grant.requestId(), grant.dataset(), grant.grantee(),
                    String.format("%dm%02ds", left.toMinutes(), left.toSecondsPart()), String.join(",", grant.fields()),
                    grant.hasLookback() ? "  (lookback " + grant.lookbackSeconds() + "s)" : "");
        }
        out.flush();
        return 0;
    }
}
