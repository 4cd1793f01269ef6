package io.jitmask.grants;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The sensitive fields of each dataset's current schema, as the lifecycle checks every REQUESTED event against
 * them, re-read at most every {@code maxAge}. Asking the registry for the latest schema on every request made a
 * flood of requests a flood of registry calls, the largest cost per event after the signature. A schema registered
 * meanwhile counts for requests at most {@code maxAge} later: a field newly tagged is refused as unknown until
 * then, a field no longer tagged is shown in clear on masked.* anyway. A failed read is not cached: the request is
 * refused (SCHEMA_UNAVAILABLE) and the next one asks again.
 */
public final class SensitiveFieldsCache implements Function<String, Map<String, Set<String>>> {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);

    private record Entry(Map<String, Set<String>> fields, Instant readAt) {
    }

    private final Function<String, Map<String, Set<String>>> source;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public SensitiveFieldsCache(Function<String, Map<String, Set<String>>> source, Duration maxAge, Clock clock) {
        this.source = source;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public Map<String, Set<String>> apply(String dataset) {
        Instant now = clock.instant();
        Entry entry = entries.get(dataset);
        if (entry == null || !now.isBefore(entry.readAt().plus(maxAge))) {
            entry = new Entry(Map.copyOf(source.apply(dataset)), now);
            entries.put(dataset, entry);
        }
        return entry.fields();
    }
}
