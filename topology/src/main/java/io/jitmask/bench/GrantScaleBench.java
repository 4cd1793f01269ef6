package io.jitmask.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 16: N active grants created through the real lifecycle, each with its topic and ACLs. N signed REQUESTED +
 * APPROVED pairs (signed in a pool before anything is timed: signing is the clients' cost) are posted at once to a
 * running instance; its audit trail gives the activation rate (ACTIVATED events/s between 10% and 90% of them) and
 * the time until all are active. Then masking throughput with those N live grants against none, in interleaved pairs:
 * for a run without them the grants are tombstoned on jit.grants, for a run with them the records the lifecycle wrote
 * there are written back (their topics and ACLs stay); jit.approvals, jit.grant-commands and jit.grant-results are
 * emptied first, so a fresh application does not provision them all again while it is measured. Each grant's key
 * filter matches no record: every record is checked against all N, none is copied.
 */
final class GrantScaleBench {
    private final BenchHarness bench;
    private final MaskingRun masking;

    GrantScaleBench(BenchHarness bench) {
        this.bench = bench;
        this.masking = new MaskingRun(bench, "bench-grantscale-");
    }

    Map<String, Object> run(int records, int grants, int pairs) throws Exception {
        String tag = "gs" + UUID.randomUUID().toString().substring(0, 6) + "-";
        bench.step("signing " + grants + " requests and approvals in a pool (not measured)");
        List<ProducerRecord<String, byte[]>> events = sign(tag, grants);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grants", grants);
        bench.step("activating " + grants + " grants through the lifecycle");
        out.put("activation", activate(records, tag, grants, events));
        Map<String, byte[]> published = publishedGrants(tag);
        out.put("grantsOnJitGrants", published.size());
        for (String topic : List.of(Topics.APPROVALS, Topics.GRANT_COMMANDS, Topics.GRANT_RESULTS)) {
            ControlPlaneBench.recreate(bench.admin(), topic, BenchHarness.PARTITIONS);
        }
        boolean[] live = {true};
        PairedRuns runs = PairedRuns.of(bench, pairs, "masking with " + grants + " lifecycle grants",
                "masking with no grant", (withGrants, label) -> {
                    if (withGrants != live[0]) {
                        write(published, withGrants);
                        live[0] = withGrants;
                    }
                    return masking.run(records, withGrants ? published.size() : 0);
                });
        out.putAll(runs.summary("with", "none"));
        return out;
    }

    /** REQUESTED by alice for herself, then APPROVED by bob, per grant: a key filter no record has, one hour. */
    private List<ProducerRecord<String, byte[]>> sign(String tag, int grants) throws Exception {
        PrivateKey alice = bench.key("alice");
        PrivateKey bob = bench.key("bob");
        return IntStream.range(0, grants).parallel().mapToObj(i -> {
            String id = tag + i;
            Instant at = Instant.now();
            ObjectNode request = ApprovalEvents.requested(id, "alice", at, "User:alice", BenchHarness.DATASET,
                    List.of("email"), List.of("no-such-key-" + id), "BENCH-16 grant scale " + i, 3600, null, alice);
            ObjectNode approved = ApprovalEvents.approved(request, "bob", at, null, bob);
            return List.of(record(id, request), record(id, approved));
        }).flatMap(List::stream).toList();
    }

    private static ProducerRecord<String, byte[]> record(String id, ObjectNode event) {
        return new ProducerRecord<>(Topics.APPROVALS, id, event.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A fresh instance, once it has masked the pre-loaded records, is given every signed event at once; its audit
     * trail is read until every grant is ACTIVATED (or refused: any other outcome is counted and fails the run).
     */
    private Map<String, Object> activate(int records, String tag, int grants, List<ProducerRecord<String, byte[]>> events)
            throws Exception {
        ControlPlaneBench.recreate(bench.admin(), Topics.APPROVALS, BenchHarness.PARTITIONS);
        CommittedProgress masked = new CommittedProgress(bench.admin(), Topics.masked(BenchHarness.DATASET), BenchHarness.PARTITIONS);
        long base = bench.admin().listTopics().names().get().contains(Topics.masked(BenchHarness.DATASET)) ? masked.committed() : 0;
        // Pending requests are not what this measures: no requester limit gets in the way of the posting order.
        JitmaskApp app = JitmaskApp.start(bench.config("bench-activate-" + UUID.randomUUID().toString().substring(0, 8),
                "exactly_once_v2", Map.of(JitmaskConfig.REQUEST_MAX_PENDING_PER_REQUESTER, Integer.toString(2 * grants))));
        double loadBefore = FloodBench.loadAverage();
        try (KafkaConsumer<byte[], byte[]> audit = bench.consumer()) {
            app.awaitRunning(Duration.ofSeconds(120));
            masked.await(base, records, 600);
            List<TopicPartition> partitions = audit.partitionsFor(Topics.AUDIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            audit.assign(partitions);
            audit.seekToEnd(partitions);
            partitions.forEach(audit::position);
            long postedFrom = System.nanoTime();
            long cpuFrom = CommittedProgress.processCpuNanos();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bench.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
                events.forEach(producer::send);
                producer.flush();
            }
            long postedMs = (System.nanoTime() - postedFrom) / 1_000_000;
            List<long[]> progress = new ArrayList<>();
            long activated = 0;
            Map<String, Long> otherOutcomes = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
            while (activated + otherOutcomes.values().stream().mapToLong(Long::longValue).sum() < grants) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + activated + " of " + grants + " grants ACTIVATED in 2 hours");
                }
                for (ConsumerRecord<byte[], byte[]> r : audit.poll(Duration.ofMillis(100))) {
                    AuditEvent event = AuditEvent.fromBytes(r.value());
                    if (!event.requestId().startsWith(tag)) {
                        continue;
                    }
                    switch (event.type()) {
                        case ACTIVATED -> activated++;
                        case REJECTED, ACTIVATION_FAILED -> otherOutcomes.merge(event.type().name(), 1L, Long::sum);
                        default -> { }
                    }
                }
                progress.add(new long[] {System.nanoTime(), activated, CommittedProgress.processCpuNanos()});
            }
            long[] last = progress.get(progress.size() - 1);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("activated", activated);
            out.put("otherOutcomes", otherOutcomes);
            out.put("postMs", postedMs);
            out.put("activatedPerSecond", BenchCommand.round(Stats.steadyRate(progress, grants)));
            out.put("secondsToAllActive", BenchCommand.round((last[0] - postedFrom) / 1e9));
            out.put("processCpuMillisPerActivation", BenchCommand.round((last[2] - cpuFrom) / 1e6 / Math.max(1, activated)));
            out.put("loadAverage", List.of(BenchCommand.round(loadBefore), BenchCommand.round(FloodBench.loadAverage())));
            // Each grant topic partition holds an open log segment of the in-process broker: the limit of this run.
            out.put("openFiles", openFiles());
            if (!otherOutcomes.isEmpty()) {
                throw new IllegalStateException("not every grant was activated: " + out);
            }
            return out;
        } finally {
            app.close();
        }
    }

    /** Open file descriptors of this process (broker included), or -1 where /proc is not there. */
    static long openFiles() {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The records the lifecycle wrote to jit.grants for this run's grants, by key (the latest of each). */
    private Map<String, byte[]> publishedGrants(String tag) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = bench.consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.GRANTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.contains(tag)) {
                        if (r.value() == null) {
                            out.remove(key);
                        } else {
                            out.put(key, r.value());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Writes the grants back, or tombstones them. */
    private void write(Map<String, byte[]> grants, boolean live) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bench.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
            grants.forEach((key, value) -> producer.send(new ProducerRecord<>(Topics.GRANTS, key, live ? value : null)));
            producer.flush();
        }
    }
}
