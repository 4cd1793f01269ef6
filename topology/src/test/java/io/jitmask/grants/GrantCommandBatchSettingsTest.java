package io.jitmask.grants;

import static io.jitmask.testing.TestSettings.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jitmask.grant.command.batch.max}: how many grant commands a worker carries out together. */
class GrantCommandBatchSettingsTest {
    @Test
    void defaultsTo500AndIsNotPassedToKafka() {
        JitmaskConfig config = JitmaskConfig.of(BASE);
        assertThat(config.grantCommandBatchMax()).isEqualTo(500);
        assertThat(config.clientProperties()).doesNotContainKey(JitmaskConfig.GRANT_COMMAND_BATCH_MAX);
        assertThat(config.with(Map.of(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, "1")).grantCommandBatchMax()).isEqualTo(1);
        assertThat(config.with(Map.of(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, "5000")).grantCommandBatchMax()).isEqualTo(5000);
    }

    @Test
    void aBatchOutsideOneTo5000IsRefusedByName() {
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, "0")))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.grant.command.batch.max must be positive, got 0");
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, "5001")))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.grant.command.batch.max must be at most 5000, got 5001");
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.GRANT_COMMAND_BATCH_MAX, "many")))
                .isInstanceOf(ConfigException.class).hasMessage("jitmask.grant.command.batch.max must be a number, got 'many'");
    }
}
