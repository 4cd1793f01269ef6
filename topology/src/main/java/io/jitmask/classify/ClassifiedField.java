package io.jitmask.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.policy.TechniqueSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One sensitive field of a dataset, independent of the record format: its path (field names joined by dots;
 * arrays, maps and union branches are transparent, as in policy path rules and grant field lists), the tags it
 * carried, and the technique a policy path rule gave it, if any. Never a value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassifiedField(
        @JsonProperty("dataset") String dataset,
        @JsonProperty("path") String path,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("technique") TechniqueSpec technique) {

    public ClassifiedField {
        tags = tags == null ? List.of() : List.copyOf(new LinkedHashSet<>(tags));
    }

    /** This entry with the other's tags added and, if this has none, the other's technique. */
    public ClassifiedField merge(ClassifiedField other) {
        Set<String> all = new LinkedHashSet<>(tags);
        all.addAll(other.tags);
        return new ClassifiedField(dataset, path, List.copyOf(all), technique != null ? technique : other.technique);
    }

    /** Whether merging the other into this would change nothing. */
    public boolean covers(ClassifiedField other) {
        return tags.containsAll(other.tags) && (other.technique == null || technique != null);
    }
}
