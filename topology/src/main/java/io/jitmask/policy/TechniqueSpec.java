package io.jitmask.policy;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A masking technique and its options, as written in the policy: {@code {type: partial, keepLast: 4}}. */
public final class TechniqueSpec {
    private final String type;
    private final Map<String, Object> options = new LinkedHashMap<>();

    @JsonCreator
    public TechniqueSpec(@JsonProperty("type") String type) {
        this.type = Objects.requireNonNull(type, "technique needs a 'type'");
    }

    public static TechniqueSpec of(String type, Map<String, Object> options) {
        TechniqueSpec spec = new TechniqueSpec(type);
        spec.options.putAll(options);
        return spec;
    }

    @JsonProperty("type")
    public String type() {
        return type;
    }

    @JsonAnyGetter
    public Map<String, Object> options() {
        return options;
    }

    @JsonAnySetter
    void option(String name, Object value) {
        options.put(name, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TechniqueSpec t && t.type.equals(type) && t.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, options);
    }

    @Override
    public String toString() {
        return type + options;
    }
}
