package io.jitmask.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.app.JitmaskTopology;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.grants.RequestState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/** Signed grant requests and approvals by the demo actors on the shared broker, and the audit trail they leave. */
public final class GrantRequests implements AutoCloseable {
    private final KafkaProducer<String, String> approvals = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new StringSerializer(), new StringSerializer());

    /**
     * alice asks for {@code fields} of {@code dataset} in clear for {@code seconds} (only records with
     * {@code keys} when not null) and bob approves; returns the request id.
     */
    public String grant(String dataset, List<String> fields, List<String> keys, long seconds) {
        return grant(dataset, fields, keys, seconds, null);
    }

    /** As {@link #grant(String, List, List, long)}, covering also the {@code lookbackSeconds} before activation. */
    public String grant(String dataset, List<String> fields, List<String> keys, long seconds, Long lookbackSeconds) {
        String id = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ObjectNode request = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", dataset, fields, keys,
                "INC-77 reliability test", seconds, lookbackSeconds, DemoActors.key("alice"));
        post(request);
        post(ApprovalEvents.approved(request, "bob", Instant.now(), "ok", DemoActors.key("bob")));
        return id;
    }

    /**
     * {@code base-<n>} for the smallest n that Kafka's default partitioner puts on {@code partition} of a topic with
     * {@code partitions} partitions: clients key jit.approvals by request id, and jit.grant-results is partitioned the
     * same way, so a test that wants a request on a given partition picks its id, never the partition alone.
     */
    public static String idOnPartition(String base, int partition, int partitions) {
        for (int n = 0; ; n++) {
            String id = base + "-" + n;
            if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    id.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return id;
            }
        }
    }

    public void revoke(String id) {
        post(ApprovalEvents.revoked(id, "alice", Instant.now(), "test done", DemoActors.key("alice")));
    }

    private void post(ObjectNode event) {
        try {
            approvals.send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString())).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot post to " + Topics.APPROVALS, e);
        }
    }

    /** The audit trail of one request, in order. */
    public static List<AuditEvent> audit(String id) {
        return AuditTrail.shared().events(id);
    }

    /** Waits for the request's first audit event of {@code type} and returns it. */
    public static AuditEvent await(String id, AuditEvent.Type type, Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> audit(id).stream().filter(e -> e.type() == type).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    /**
     * Waits until the lifecycle of {@code applicationId} has recorded the request as ENDED (its changelog, which
     * belongs to the control plane's Kafka Streams instance), after which no restart or rebalance hands the grant's
     * end over again.
     */
    public static void awaitEnded(String applicationId, String id, Duration timeout) {
        String changelog = applicationId + io.jitmask.config.JitmaskConfig.CONTROL_SUFFIX + "-"
                + JitmaskTopology.GRANT_REQUESTS_STORE + "-changelog";
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicReader.readAll(changelog).stream()
                        .filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() != null)
                        .reduce((first, second) -> second).map(r -> RequestState.fromBytes(r.value()).status())
                        .orElse(null) == RequestState.Status.ENDED);
    }

    @Override
    public void close() {
        approvals.close();
    }
}
