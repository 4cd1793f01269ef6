package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jitmask.config.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An ACTIVE grant as published on {@code jit.grants} (key {@code <dataset>/<requestId>}). Only the lifecycle
 * processor writes these; the masking path reads them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grant(
        @JsonProperty("requestId") String requestId,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("grantee") String grantee,
        @JsonProperty("fields") List<String> fields,
        @JsonProperty("filter") GrantFilter filter,
        @JsonProperty("topic") String topic,
        @JsonProperty("requester") String requester,
        @JsonProperty("approvers") List<String> approvers,
        @JsonProperty("justification") String justification,
        @JsonProperty("activatedAt") Instant activatedAt,
        @JsonProperty("expiresAt") Instant expiresAt,
        @JsonProperty("status") String status) {

    public static final String ACTIVE = "ACTIVE";

    public Grant {
        fields = List.copyOf(fields);
        filter = filter == null ? new GrantFilter.All() : filter;
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
    }

    @JsonIgnore
    public String key() {
        return Topics.grantKey(dataset, requestId);
    }

    @JsonIgnore
    public Set<String> clearPaths() {
        return Set.copyOf(fields);
    }

    /** Live at {@code now}: the last guard before a copy is written. */
    public boolean isLiveAt(Instant now) {
        return ACTIVE.equals(status) && now.isBefore(expiresAt);
    }
}
