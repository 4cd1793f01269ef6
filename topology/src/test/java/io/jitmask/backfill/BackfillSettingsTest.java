package io.jitmask.backfill;

import static io.jitmask.testing.TestSettings.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackfillSettingsTest {
    @Test
    void defaultsBoundTheRateAndTheProgressEvents() {
        JitmaskConfig config = JitmaskConfig.of(BASE);
        assertThat(config.backfillMaxRecordsPerSecond()).isEqualTo(10_000);
        assertThat(config.backfillProgressInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.clientProperties()).doesNotContainKeys(JitmaskConfig.BACKFILL_MAX_RECORDS_PER_SECOND,
                JitmaskConfig.BACKFILL_PROGRESS_INTERVAL_MS);
    }

    @Test
    void anUnboundedOrBrokenRateIsRefusedByName() {
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.BACKFILL_MAX_RECORDS_PER_SECOND, "0")))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.backfill.max.records.per.second must be positive, got 0");
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.BACKFILL_PROGRESS_INTERVAL_MS, "soon")))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.backfill.progress.interval.ms must be a number, got 'soon'");
    }
}
