package io.jitmask.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.config.Topics;
import io.jitmask.testing.MaskingDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the fuzz tests check of each hostile raw record, whatever its format. */
final class LandsOnce {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LandsOnce() {
    }

    /**
     * Pipes {@code payload} to {@code raw.<dataset>}: it must be masked or dead-lettered, exactly once, with
     * {@code canary} in neither; a dead letter names its topic, error class and message.
     */
    static void assertLandsOnceWithout(String canary, MaskingDriver app, String dataset, String key, byte[] payload)
            throws Exception {
        app.produce(dataset, key, payload);
        List<byte[]> out = app.masked(dataset);
        List<byte[]> letters = app.dlq();
        assertThat(out.size() + letters.size()).as("every record is masked or dead-lettered, exactly once").isEqualTo(1);
        for (byte[] record : out) {
            assertThat(new String(record, StandardCharsets.ISO_8859_1)).doesNotContain(canary);
        }
        for (byte[] letter : letters) {
            assertThat(new String(letter, StandardCharsets.UTF_8)).doesNotContain(canary);
            JsonNode json = JSON.readTree(letter);
            assertThat(json.get("topic").asText()).isEqualTo(Topics.raw(dataset));
            assertThat(json.get("errorClass").asText()).isNotBlank();
            assertThat(json.get("message").asText()).isNotBlank();
        }
    }
}
