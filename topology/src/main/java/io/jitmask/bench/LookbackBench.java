package io.jitmask.bench;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantJson;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
        List<Map<String, Object>> none = new ArrayList<>();
        List<Map<String, Object>> with = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++) {
            for (boolean withGrants : pair % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                bench.step("masking with " + (withGrants ? grants : 0) + " lookback grants, pair " + pair + " of " + pairs);
                if (withGrants) {
                    String tag = "lb" + grants + "p" + pair + "_";
                    writeLookbackGrants(grants, tag);
                    with.add(masking.run(records, grants));
                    bench.deleteGrants(grants, tag);
                } else {
                    none.add(masking.run(records, 0));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grants", grants);
        out.put("pairs", pairs);
        out.put("throughputRatio", BenchCommand.round(Stats.pairedRatio(FloodBench.column(with, "perSecond"),
                FloodBench.column(none, "perSecond"))));
        out.put("throughputRatios", FloodBench.ratios(FloodBench.column(with, "perSecond"), FloodBench.column(none, "perSecond")));
        out.put("maskingCpuPerRecordRatio", BenchCommand.round(Stats.pairedRatio(
                FloodBench.column(with, "maskingCpuMicrosPerRecord"), FloodBench.column(none, "maskingCpuMicrosPerRecord"))));
        out.put("none", none);
        out.put("with", with);
        return out;
    }
}
