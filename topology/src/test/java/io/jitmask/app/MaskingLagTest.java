package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The masking lag the control plane's budget and the lookback catch-ups read. */
class MaskingLagTest {
    static Metric metric(String name, String group, String topic, Object value) {
        MetricName metricName = new MetricName(name, group, "", Map.of("client-id", "c", "topic", topic, "partition", "0"));
        return new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }

    static final List<Metric> METRICS = List.of(
            metric("records-lag", "consumer-fetch-manager-metrics", "raw.customers", 1_500.0),
            metric("records-lag", "consumer-fetch-manager-metrics", "raw_orders", 20.0),
            metric("records-lag", "consumer-fetch-manager-metrics", "jit.approvals", 9_000.0),
            metric("records-lag-max", "consumer-fetch-manager-metrics", "raw.customers", 9_000.0),
            metric("records-lag", "consumer-fetch-manager-metrics", "raw.clicks", Double.NaN));

    @Test
    void aRunningInstanceLagsByTheSumOfItsRawPartitionsRecordsLag() {
        assertThat(JitmaskApp.maskingLag(KafkaStreams.State.RUNNING, METRICS)).isEqualTo(1_520);
    }

    @Test
    void anInstanceThatStartsOrRebalancesHasNotFetchedYetAndCountsAsLagging() {
        assertThat(JitmaskApp.maskingLag(KafkaStreams.State.CREATED, List.of())).isEqualTo(Long.MAX_VALUE);
        assertThat(JitmaskApp.maskingLag(KafkaStreams.State.REBALANCING, METRICS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aStoppedOrFailedInstanceIsReadFromItsLastMetricsLikeARunningOne() {
        assertThat(JitmaskApp.maskingLag(KafkaStreams.State.ERROR, METRICS)).isEqualTo(1_520);
        assertThat(JitmaskApp.maskingLag(KafkaStreams.State.NOT_RUNNING, List.of())).isZero();
    }
}
