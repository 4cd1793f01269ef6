package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry is asked at most once per dataset and max age; failures are never cached. */
class SensitiveFieldsCacheTest {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    final List<String> reads = new ArrayList<>();
    boolean registryDown;

    final SensitiveFieldsCache cache = new SensitiveFieldsCache(dataset -> {
        reads.add(dataset);
        if (registryDown) {
            throw new IllegalStateException("registry unavailable");
        }
        return Map.of("email", Set.of("PII"), "version" + reads.size(), Set.of("PII"));
    }, Duration.ofSeconds(5), new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void readsOncePerMaxAgeAndNeverCachesAFailure() {
        assertThat(cache.apply("customers")).containsOnlyKeys("email", "version1");
        now = now.plusMillis(4_999);
        assertThat(cache.apply("customers")).containsOnlyKeys("email", "version1");
        assertThat(cache.apply("payments")).containsOnlyKeys("email", "version2");
        now = now.plusMillis(1);
        registryDown = true;
        assertThatThrownBy(() -> cache.apply("customers")).hasMessage("registry unavailable");
        registryDown = false;
        assertThat(cache.apply("customers")).containsOnlyKeys("email", "version4");
        assertThat(reads).containsExactly("customers", "payments", "customers", "customers");
    }
}
