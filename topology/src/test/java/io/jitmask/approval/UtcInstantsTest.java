package io.jitmask.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcInstantsTest {
    @Test
    void thePlainFormIsReadOnTheFastPathExactlyAsInstantParseReadsIt() {
        Random random = new Random(16);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
                    random.nextInt(1_000_000_000));
            String iso = instant.toString(); // 0, 3, 6 or 9 fraction digits
            String truncated = iso.substring(0, 19) + (i % 10 == 0 ? "" : iso.substring(19, Math.min(iso.length() - 1,
                    20 + i % 10))) + "Z";
            for (String text : List.of(iso, truncated)) {
                assertThat(UtcInstants.fast(text)).as(text).isNotNull().isEqualTo(Instant.parse(text));
            }
        }
    }

    @Test
    void everythingElseIsLeftToInstantParseWithItsAnswer() {
        List<String> others = List.of("2026-12-06t12:00:00z", "2026-12-06T12:00:00+01:00", "2026-02-30T12:00:00Z",
                "2026-13-01T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T23:59:60Z", "2026-12-06T12:60:00Z",
                "2026-12-06T12:00:00.Z", "2026-12-06T12:00:00.1234567890Z", "+12026-12-06T12:00:00Z",
                "2026-12-06T12:00:0aZ", "2026-12-06 12:00:00Z", "2026-12-06T12:00:00", "", "Z");
        for (String text : others) {
            assertThat(UtcInstants.fast(text)).as(text).isNull();
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> UtcInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(expected);
        }
    }
}
