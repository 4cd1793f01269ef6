package io.jitmask.config;

import static io.jitmask.testing.TestSettings.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.mask.JsonValidation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jitmask.formats.json.validation}: how much of a JSON Schema record masking validates. */
class JsonValidationSettingTest {
    @Test
    void fullByDefaultAndRewrittenOnRequestNeverPassedToKafkaClients() {
        JitmaskConfig config = JitmaskConfig.of(BASE);
        assertThat(config.jsonValidation()).isEqualTo(JsonValidation.FULL);
        assertThat(config.with(Map.of(JitmaskConfig.FORMATS_JSON_VALIDATION, "rewritten")).jsonValidation()).isEqualTo(JsonValidation.REWRITTEN);
        assertThat(config.with(Map.of(JitmaskConfig.FORMATS_JSON_VALIDATION, " Full ")).jsonValidation()).isEqualTo(JsonValidation.FULL);
        assertThat(config.clientProperties()).doesNotContainKey(JitmaskConfig.FORMATS_JSON_VALIDATION);
        assertThat(config.streamsProperties()).doesNotContainKey(JitmaskConfig.FORMATS_JSON_VALIDATION);
    }

    @Test
    void anyOtherValueIsRefusedNamingTheSettingAndItsValues() {
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.FORMATS_JSON_VALIDATION, "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.formats.json.validation must be 'full' or 'rewritten', got 'none'");
        assertThatThrownBy(() -> JitmaskConfig.of(BASE).with(Map.of(JitmaskConfig.FORMATS_JSON_VALIDATION, "")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jitmask.formats.json.validation must be 'full' or 'rewritten', got ''");
    }
}
