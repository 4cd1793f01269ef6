package io.jitmask.bench;

import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantJson;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 16: simultaneous lookback grants on one instance. Each run masks the pre-loaded topic with N lookback grants
 * whose window covers every pre-loaded record (their catch-ups read it all, while masking reads it too), and samples
 * the process's threads and Kafka clients (app-info MBeans) while it runs: both are meant not to grow with N.
 * Throughput is against the run with no grant, in the same invocation.
 */
final class LookbackBench {
    private final BenchHarness bench;

    private final MaskingRun masking;

    LookbackBench(BenchHarness bench) {
        this.bench = bench;
        this.masking = new MaskingRun(bench, "bench-lookback-");
    }

    /** Lookback grants written straight to jit.grants with a key filter no record has: read by every catch-up, copied never. */
    void writeLookbackGrants(int count, String tag) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bench.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                String id = tag + i;
                Grant grant = new Grant(id, BenchHarness.DATASET, "User:bench" + i, List.of("email"),
                        new GrantFilter.Keys(List.of("no-such-key-" + i)), Topics.grant(BenchHarness.DATASET, id), "bench",
                        List.of("bench"), "BENCH-16 lookback", now, now.plus(Duration.ofHours(2)), Grant.ACTIVE, 86_400L);
                producer.send(new ProducerRecord<>(Topics.GRANTS, grant.key(), GrantJson.toBytes(grant)));
            }
            producer.flush();
        }
    }

    /**
     * {@code pairs} interleaved pairs of runs without and with {@code grants} lookback grants (written before, and
     * tombstoned after, each run with them), the order alternating from pair to pair; the ratio is the median of the
     * pairs' ratios, so a neighbour loading the machine for a minute hits both runs of a pair.
     */
    Map<String, Object> paired(int records, int grants, int pairs) throws Exception {
        int[] written = {0};
        PairedRuns runs = PairedRuns.of(bench, pairs, "masking with " + grants + " lookback grants",
                "masking with no lookback grant", (withGrants, label) -> {
                    if (!withGrants) {
                        return masking.run(records, 0);
                    }
                    String tag = "lb" + grants + "p" + ++written[0] + "_";
                    writeLookbackGrants(grants, tag);
                    try {
                        return masking.run(records, grants);
                    } finally {
                        bench.deleteGrants(grants, tag);
                        // Each fresh application's control plane reads jit.grant-results from the start: the next
                        // run must not process this run's CATCH_UP_* results.
                        ControlPlaneBench.recreate(bench.admin(), io.jitmask.config.Topics.GRANT_RESULTS, BenchHarness.PARTITIONS);
                    }
                });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grants", grants);
        out.putAll(runs.summary("with", "none"));
        return out;
    }
}
