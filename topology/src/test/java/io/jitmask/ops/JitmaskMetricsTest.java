package io.jitmask.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.mask.UncoveredFieldException;
import io.jitmask.serde.MalformedRecordException;
import io.jitmask.testing.HandClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JitmaskMetricsTest {
    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final HandClock clock = new HandClock(T0);
    final JitmaskMetrics metrics = new JitmaskMetrics(registry, clock, Duration.ofMinutes(5));
    final GrantIndex index = new GrantIndex();

    PrometheusText scrape() {
        metrics.retireEndedGrants();
        return PrometheusText.parse(registry.scrape());
    }

    static Grant grant(String dataset, String requestId) {
        return new Grant(requestId, dataset, "User:alice", List.of("email"), new GrantFilter.All(),
                "grant." + dataset + "." + requestId, "alice", List.of("bob"), "INC-1 x", T0, T0.plusSeconds(60), Grant.ACTIVE);
    }

    @Test
    void countsPerDatasetReasonAndTypeWithExactLabels() {
        metrics.recordMasked("customers");
        metrics.recordMasked("customers");
        metrics.recordMasked("payments");
        metrics.recordDeadLetter("customers", new MalformedRecordException("bad magic byte"));
        metrics.recordDeadLetter("customers", new UncoveredFieldException("customers: tagged field email not covered"));
        metrics.recordDeadLetter("customers", new MalformedRecordException("truncated"));
        metrics.recordDeadLetter("payments", new RuntimeException() { });
        metrics.recordAudit(AuditEvent.Type.REJECTED);
        metrics.recordAudit(AuditEvent.Type.REJECTED);
        PrometheusText text = scrape();
        assertThat(text.value("jitmask_records_masked_total", Map.of("dataset", "customers"))).isEqualTo(2.0);
        assertThat(text.value("jitmask_records_masked_total", Map.of("dataset", "payments"))).isEqualTo(1.0);
        assertThat(text.value("jitmask_dlq_records_total", Map.of("dataset", "customers", "reason", "MalformedRecordException"))).isEqualTo(2.0);
        assertThat(text.value("jitmask_dlq_records_total", Map.of("dataset", "customers", "reason", "UncoveredFieldException"))).isEqualTo(1.0);
        assertThat(text.named("jitmask_dlq_records_total")).filteredOn(s -> s.labels().get("dataset").equals("payments"))
                .extracting(s -> s.labels().get("reason")).containsExactly("io.jitmask.ops.JitmaskMetricsTest$1");
        assertThat(text.value("jitmask_audit_events_total", Map.of("type", "REJECTED"))).isEqualTo(2.0);
        assertThat(text.value("jitmask_grants_active", Map.of())).isEqualTo(0.0);
        // The exception messages name fields; labels never carry them.
        assertThat(registry.scrape()).doesNotContain("bad magic byte").doesNotContain("truncated").doesNotContain("not covered");
    }

    @Test
    void latenciesAreMeasuredFromTheGivenInstantAndNeverNegative() {
        metrics.recordActivation(T0, T0.plusMillis(750));
        metrics.recordActivation(T0.plusSeconds(10), T0.plusMillis(750));
        metrics.recordRevocation(T0, T0.plusSeconds(4));
        PrometheusText text = scrape();
        assertThat(text.value("jitmask_approval_to_activation_seconds_count", Map.of())).isEqualTo(2.0);
        assertThat(text.value("jitmask_approval_to_activation_seconds_sum", Map.of())).isEqualTo(0.75);
        assertThat(text.value("jitmask_approval_to_activation_seconds_bucket", Map.of("le", "0.5"))).isEqualTo(1.0);
        assertThat(text.value("jitmask_approval_to_activation_seconds_bucket", Map.of("le", "1.0"))).isEqualTo(2.0);
        assertThat(text.value("jitmask_expiry_to_revocation_seconds_sum", Map.of())).isEqualTo(4.0);
        assertThat(text.value("jitmask_expiry_to_revocation_seconds_bucket", Map.of("le", "2.5"))).isEqualTo(0.0);
        assertThat(text.value("jitmask_expiry_to_revocation_seconds_bucket", Map.of("le", "5.0"))).isEqualTo(1.0);
        assertThat(text.names()).containsAll(JitmaskMetrics.PROMETHEUS_NAMES.stream()
                .filter(n -> n.contains("latency") || n.contains("activation") || n.contains("revocation")).toList());
    }

    @Test
    void aGrantsDeliverySeriesLivesWhileTheGrantDoesAndForTheRetentionAfter() {
        metrics.watch(index);
        index.put(grant("customers", "r1"));
        index.put(grant("customers", "r2"));
        metrics.recordGrantCopy("customers", "r1");
        metrics.recordGrantCopy("customers", "r1");
        metrics.recordGrantCopy("customers", "r2");
        PrometheusText live = scrape();
        assertThat(live.value("jitmask_grants_active", Map.of())).isEqualTo(2.0);
        assertThat(live.value("jitmask_grant_records_delivered_total", Map.of("dataset", "customers", "request_id", "r1"))).isEqualTo(2.0);
        assertThat(live.value("jitmask_grant_records_delivered_total", Map.of("dataset", "customers", "request_id", "r2"))).isEqualTo(1.0);

        index.remove(grant("customers", "r1").key());
        clock.now = T0.plusSeconds(10);
        assertThat(scrape().value("jitmask_grant_records_delivered_total", Map.of("dataset", "customers", "request_id", "r1")))
                .as("ended, kept for the retention so its final count is scraped").isEqualTo(2.0);
        clock.now = T0.plusSeconds(10).plus(Duration.ofMinutes(5)).minusMillis(1);
        assertThat(scrape().named("jitmask_grant_records_delivered_total")).hasSize(2);
        clock.now = T0.plusSeconds(10).plus(Duration.ofMinutes(5));
        PrometheusText after = scrape();
        assertThat(after.named("jitmask_grant_records_delivered_total")).extracting(s -> s.labels().get("request_id"))
                .containsExactly("r2");
        assertThat(after.value("jitmask_grants_active", Map.of())).isEqualTo(1.0);
    }

    @Test
    void noneCountsNothing() {
        JitmaskMetrics none = JitmaskMetrics.none();
        none.recordMasked("customers");
        none.recordDeadLetter("customers", new IllegalStateException());
        none.recordGrantCopy("customers", "r1");
        none.recordActivation(Instant.now(), Instant.now());
        none.retireEndedGrants();
        assertThat(none.registry().getMeters()).allSatisfy(m -> assertThat(m.measure()).allSatisfy(v -> assertThat(v.getValue()).isIn(0.0, Double.NaN)));
    }
}
