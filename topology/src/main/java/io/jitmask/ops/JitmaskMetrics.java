package io.jitmask.ops;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.grants.GrantIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jitmask's own metrics, the one place the processors report to. Labels are bounded and never carry data: the
 * dataset (from configuration), the error class simple name, the audit event type, and the request id of a grant
 * (an identifier chosen by the requester, not a value of a record). Record keys and field values are never
 * passed in.
 *
 * <p>Per-grant delivery counters are removed once their grant has left the {@link GrantIndex} for longer than
 * the retention, so the series count stays bounded by the live grants while the final count can still be scraped.
 */
public final class JitmaskMetrics {
    public static final String RECORDS_MASKED = "jitmask.records.masked";
    public static final String DLQ_RECORDS = "jitmask.dlq.records";
    public static final String GRANTS_ACTIVE = "jitmask.grants.active";
    public static final String GRANT_RECORDS_DELIVERED = "jitmask.grant.records.delivered";
    public static final String APPROVAL_TO_ACTIVATION = "jitmask.approval.to.activation";
    public static final String EXPIRY_TO_REVOCATION = "jitmask.expiry.to.revocation";
    public static final String AUDIT_EVENTS = "jitmask.audit.events";
    public static final String GRANT_COMMAND_FAILURES = "jitmask.grant.command.failures";
    public static final String GRANT_COMMANDS_FAILING = "jitmask.grant.commands.failing";
    public static final String REQUESTS_PRUNED = "jitmask.requests.pruned";
    public static final String SCHEMA_CHANGES = "jitmask.schema.changes";
    public static final String WRITE_FAILURES = "jitmask.write.failures";
    public static final String STREAM_THREAD_REPLACEMENTS = "jitmask.stream.thread.replacements";

    /** The names as Prometheus shows them (counters get {@code _total}, timers {@code _seconds_*}). */
    public static final List<String> PROMETHEUS_NAMES = List.of(
            "jitmask_records_masked_total", "jitmask_dlq_records_total", "jitmask_grants_active",
            "jitmask_grant_records_delivered_total",
            "jitmask_approval_to_activation_seconds_bucket", "jitmask_approval_to_activation_seconds_count",
            "jitmask_approval_to_activation_seconds_sum", "jitmask_approval_to_activation_seconds_max",
            "jitmask_expiry_to_revocation_seconds_bucket", "jitmask_expiry_to_revocation_seconds_count",
            "jitmask_expiry_to_revocation_seconds_sum", "jitmask_expiry_to_revocation_seconds_max",
            "jitmask_audit_events_total", "jitmask_schema_changes_total", "jitmask_grant_command_failures_total",
            "jitmask_grant_commands_failing", "jitmask_requests_pruned_total",
            "jitmask_write_failures_total", "jitmask_stream_thread_replacements_total");

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration endedGrantRetention;
    private final Map<String, Counter> masked = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> audits = new ConcurrentHashMap<>();
    private final Map<String, Counter> schemaChanges = new ConcurrentHashMap<>();
    private final Map<String, Delivered> delivered = new ConcurrentHashMap<>();
    private final Timer approvalToActivation;
    private final Timer expiryToRevocation;
    private final Counter pruned;
    private volatile GrantIndex grants;
    private final Map<String, Counter> commandFailures = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger commandsFailing = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, Counter> writeFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> threadReplacements = new ConcurrentHashMap<>();

    /** A grant's delivery counter, and when this instance first saw the grant gone from the index. */
    private static final class Delivered {
        final String grantKey;
        final Counter counter;
        Instant endSeen;

        Delivered(String grantKey, Counter counter) {
            this.grantKey = grantKey;
            this.counter = counter;
        }
    }

    public JitmaskMetrics(MeterRegistry registry, Clock clock, Duration endedGrantRetention) {
        this.registry = registry;
        this.clock = clock;
        this.endedGrantRetention = endedGrantRetention;
        this.approvalToActivation = latency(APPROVAL_TO_ACTIVATION,
                "from the approval (or request, when auto-approved) landing on jit.approvals to the grant being ACTIVE");
        this.expiryToRevocation = latency(EXPIRY_TO_REVOCATION,
                "from a grant's expiresAt to its topic being deleted and EXPIRED audited");
        this.pruned = Counter.builder(REQUESTS_PRUNED)
                .description("finished requests removed from the lifecycle store after the prune horizon").register(registry);
        Gauge.builder(GRANTS_ACTIVE, this, m -> m.grants == null ? 0 : m.grants.size())
                .description("grants live in this instance's grant index (the same on every instance)")
                .register(registry);
        Gauge.builder(GRANT_COMMANDS_FAILING, commandsFailing, java.util.concurrent.atomic.AtomicInteger::get)
                .description("grant commands (topic, ACL) of this instance's worker that failed 5 times or more and are"
                        + " still retried: alert when above 0")
                .register(registry);
    }

    /** One failed attempt of a grant command (it is retried). */
    public void recordGrantCommandFailure(String command) {
        commandFailures.computeIfAbsent(command, c -> Counter.builder(GRANT_COMMAND_FAILURES).tag("command", c)
                .description("failed attempts of grant commands, by command; every one is retried").register(registry))
                .increment();
    }

    /** Failed attempts of grant commands so far, by command (empty when metrics are off or none failed). */
    public Map<String, Long> grantCommandFailures() {
        Map<String, Long> out = new java.util.TreeMap<>();
        commandFailures.forEach((command, counter) -> out.put(command, Math.round(counter.count())));
        return out;
    }

    /**
     * A write of the masking path the broker did not take, by target ({@code grant} for a copy to a grant topic,
     * {@code masked}, or {@code other}) and the error's simple class name: in an outage longer than
     * delivery.timeout.ms the writes in flight fail with {@code TimeoutException}, the transaction is aborted and
     * replayed from the last commit.
     */
    public void recordWriteFailure(String target, Throwable error) {
        writeFailures.computeIfAbsent(target + "\n" + error.getClass().getSimpleName(), k ->
                Counter.builder(WRITE_FAILURES).tag("target", target).tag("reason", error.getClass().getSimpleName())
                        .description("writes of the masking path the broker did not take; the transaction is replayed")
                        .register(registry)).increment();
    }

    /** Failed writes to {@code target} so far, all reasons (0 when metrics are off). */
    public long writeFailures(String target) {
        return Math.round(writeFailures.entrySet().stream().filter(e -> e.getKey().startsWith(target + "\n"))
                .mapToDouble(e -> e.getValue().count()).sum());
    }

    /**
     * A stream thread of {@code streams} (masking or control) failed and was replaced, by the simple class name of
     * the innermost cause (e.g. {@code TimeoutException}), or {@code ExpiredWrite} when a write of its transaction
     * expired in the producer.
     */
    public void recordStreamThreadReplaced(String streams, String cause) {
        threadReplacements.computeIfAbsent(streams + "\n" + cause, k ->
                Counter.builder(STREAM_THREAD_REPLACEMENTS).tag("streams", streams).tag("cause", cause)
                        .description("stream threads that failed and were replaced; each resumes from the last commit")
                        .register(registry)).increment();
    }

    /** Stream threads replaced so far, all causes (0 when metrics are off). */
    public long streamThreadReplacements() {
        return Math.round(threadReplacements.values().stream().mapToDouble(Counter::count).sum());
    }

    /** Stream threads of {@code streams} replaced so far for {@code cause} (0 when metrics are off). */
    public long streamThreadReplacements(String streams, String cause) {
        Counter counter = threadReplacements.get(streams + "\n" + cause);
        return counter == null ? 0 : Math.round(counter.count());
    }

    /** How many commands of this instance's worker keep failing right now. */
    public void recordGrantCommandsFailing(int count) {
        commandsFailing.set(count);
    }

    /** Counts nothing and costs next to nothing: for unit tests and for a disabled management endpoint. */
    public static JitmaskMetrics none() {
        return new JitmaskMetrics(new CompositeMeterRegistry(), Clock.systemUTC(), Duration.ZERO);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0]).maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The grant index the active-grants gauge reads and per-grant series are retired against. */
    public void watch(GrantIndex index) {
        this.grants = index;
    }

    /** A record of {@code raw.<dataset>} forwarded to {@code masked.<dataset>}. */
    public void recordMasked(String dataset) {
        masked.computeIfAbsent(dataset, d -> Counter.builder(RECORDS_MASKED).tag("dataset", d)
                .description("raw records masked and forwarded to masked.<dataset>").register(registry)).increment();
    }

    /** A record sent to the DLQ; the reason is the error's class name, a bounded set. */
    public void recordDeadLetter(String dataset, Throwable error) {
        String reason = error.getClass().getSimpleName().isEmpty() ? error.getClass().getName() : error.getClass().getSimpleName();
        deadLetters.computeIfAbsent(dataset + "\n" + reason, k -> Counter.builder(DLQ_RECORDS).tag("dataset", dataset)
                .tag("reason", reason).description("records sent to jit.dlq, by error class").register(registry)).increment();
    }

    /** An unmasked copy forwarded to a grant's topic. */
    public void recordGrantCopy(String dataset, String requestId) {
        delivered.computeIfAbsent(Topics.grantKey(dataset, requestId), key -> new Delivered(key,
                Counter.builder(GRANT_RECORDS_DELIVERED).tag("dataset", dataset).tag("request_id", requestId)
                        .description("copies with granted fields in clear forwarded to the grant's topic").register(registry)))
                .counter.increment();
    }

    /** A grant activated at {@code activatedAt} (the instant its ACTIVATED audit event carries). */
    public void recordActivation(Instant approvedAt, Instant activatedAt) {
        approvalToActivation.record(nonNegative(Duration.between(approvedAt, activatedAt)));
    }

    /** An expired grant's topic deleted at {@code deletedAt} (the instant its TOPIC_DELETED audit event carries). */
    public void recordRevocation(Instant expiresAt, Instant deletedAt) {
        expiryToRevocation.record(nonNegative(Duration.between(expiresAt, deletedAt)));
    }

    /** A finished request left the lifecycle store (its history stays in the audit trail). */
    public void recordPruned() {
        pruned.increment();
    }

    /** A schema version seen for the first time on a raw topic (its SCHEMA_CHANGED event written). */
    public void recordSchemaChange(String dataset) {
        schemaChanges.computeIfAbsent(dataset, d -> Counter.builder(SCHEMA_CHANGES).tag("dataset", d)
                .description("schema versions seen for the first time on raw.<dataset>").register(registry)).increment();
    }

    public void recordAudit(AuditEvent.Type type) {
        audits.computeIfAbsent(type.name(), t -> Counter.builder(AUDIT_EVENTS).tag("type", t)
                .description("events written to jit.audit, by type").register(registry)).increment();
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /**
     * Removes the delivery series of grants that left the index more than the retention ago. Called before each
     * scrape: a series is seen ended at one scrape and removed at the first scrape after the retention.
     */
    public void retireEndedGrants() {
        GrantIndex index = grants;
        if (index == null) {
            return;
        }
        Instant now = clock.instant();
        delivered.values().removeIf(series -> {
            if (index.contains(series.grantKey)) {
                series.endSeen = null;
                return false;
            }
            if (series.endSeen == null) {
                series.endSeen = now;
            }
            if (Duration.between(series.endSeen, now).compareTo(endedGrantRetention) < 0) {
                return false;
            }
            registry.remove(series.counter);
            return true;
        });
    }
}
