package io.jitmask.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/jitmask-dashboard.json is a valid Grafana dashboard whose every query reads only metrics jitmask
 * defines. The names of Kafka's and the JVM's metrics are checked against a real scrape in {@link MetricsIT}.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("../deploy/grafana/jitmask-dashboard.json");

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.get("expr").asText());
            }
        }
        return out;
    }

    static Set<String> metricNamesUsed() {
        Set<String> names = new TreeSet<>();
        expressions().forEach(e -> names.addAll(PromQl.metricNames(e)));
        return names;
    }

    @Test
    void isAGrafanaDashboardWithAPrometheusDatasourceVariable() {
        JsonNode d = dashboard();
        assertThat(d.get("title").asText()).isEqualTo("jitmask");
        assertThat(d.get("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(d.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        JsonNode datasource = null;
        for (JsonNode variable : d.at("/templating/list")) {
            if (variable.get("name").asText().equals("datasource")) {
                datasource = variable;
            }
        }
        assertThat(datasource).isNotNull();
        assertThat(datasource.get("type").asText()).isEqualTo("datasource");
        assertThat(datasource.get("query").asText()).isEqualTo("prometheus");
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : d.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("unique panel id " + panel.get("id")).isTrue();
            assertThat(panel.get("title").asText()).isNotBlank();
            assertThat(panel.get("type").asText()).isIn("timeseries", "stat", "table", "row");
            assertThat(panel.has("gridPos")).isTrue();
            if (!panel.get("type").asText().equals("row")) {
                assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
                assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            }
        }
    }

    @Test
    void chartsEveryJitmaskMetricAndNoOtherJitmaskName() {
        Set<String> used = metricNamesUsed();
        Set<String> own = new TreeSet<>();
        used.stream().filter(n -> n.startsWith("jitmask_")).forEach(own::add);
        assertThat(JitmaskMetrics.PROMETHEUS_NAMES).containsAll(own);
        assertThat(own).contains("jitmask_records_masked_total", "jitmask_dlq_records_total", "jitmask_grants_active",
                "jitmask_grant_records_delivered_total", "jitmask_approval_to_activation_seconds_bucket",
                "jitmask_expiry_to_revocation_seconds_bucket", "jitmask_audit_events_total");
        assertThat(used).anyMatch(n -> n.contains("records_lag"));
    }

    @Test
    void groupsNoQueryByALabelThatCouldHoldData() {
        // The only labels jitmask sets are dataset, reason, request_id, type and le; none may be a record key.
        for (String expr : expressions()) {
            assertThat(expr).doesNotContainIgnoringCase("key").doesNotContain("field");
        }
    }

    @Test
    void promQlNamesAreFoundInExpressionsOfEveryShape() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le) (rate(a_bucket{x=\"y\"}[$__rate_interval])))"))
                .containsExactly("a_bucket");
        assertThat(PromQl.metricNames("sum(rate(b_total[5m])) by (dataset) / ignoring(x) max(c) * 1e3"))
                .containsExactly("b_total", "c");
    }
}
