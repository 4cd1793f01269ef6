package io.jitmask.mask;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Compiled plans by key. A schema that cannot be masked fails the same way for every record written with it, so the
 * failure is kept too: a flood of such records costs a map lookup each, not a compilation. Each caller gets a fresh
 * copy of the failure.
 */
final class PlanCache<K, P> {
    private final Map<K, Object> plans = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    P get(K key, Function<K, P> compiler) {
        Object plan = plans.computeIfAbsent(key, k -> {
            try {
                return compiler.apply(k);
            } catch (UncoveredFieldException | MaskingConfigException e) {
                return e;
            }
        });
        if (plan instanceof UncoveredFieldException e) {
            throw new UncoveredFieldException(e.getMessage());
        }
        if (plan instanceof MaskingConfigException e) {
            throw new MaskingConfigException(e.getMessage());
        }
        return (P) plan;
    }
}
