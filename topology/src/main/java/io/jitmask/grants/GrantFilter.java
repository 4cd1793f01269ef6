package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Set;

/**
 * Which records of a dataset a grant covers. JSON: absent or {@code {}} = every record; {@code {"keys": [...]}}
 * = records whose key (as a string) is listed. New kinds are new subtypes with their own JSON property.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION, defaultImpl = GrantFilter.All.class)
@JsonSubTypes({@JsonSubTypes.Type(GrantFilter.Keys.class), @JsonSubTypes.Type(GrantFilter.All.class)})
public sealed interface GrantFilter permits GrantFilter.All, GrantFilter.Keys {

    boolean matches(String key);

    /** Keys this filter is limited to, or null when it is not limited by key (lets the masking path index grants). */
    Set<String> indexKeys();

    /** True when every record this filter matches is also matched by {@code broader}. */
    boolean isWithin(GrantFilter broader);

    record All() implements GrantFilter {
        @Override
        public boolean matches(String key) {
            return true;
        }

        @Override
        public Set<String> indexKeys() {
            return null;
        }

        @Override
        public boolean isWithin(GrantFilter broader) {
            return broader instanceof All;
        }
    }

    record Keys(@JsonProperty("keys") List<String> keys) implements GrantFilter {
        public Keys {
            if (keys == null || keys.isEmpty()) {
                throw new IllegalArgumentException("filter.keys must list at least one key");
            }
            keys = List.copyOf(keys);
        }

        @Override
        public boolean matches(String key) {
            return key != null && keys.contains(key);
        }

        @Override
        public Set<String> indexKeys() {
            return Set.copyOf(keys);
        }

        @Override
        public boolean isWithin(GrantFilter broader) {
            return broader instanceof All || (broader instanceof Keys k && k.keys.containsAll(keys));
        }
    }
}
