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
        @JsonProperty("status") String status,
        @JsonProperty("lookbackSeconds") Long lookbackSeconds) {

    public static final String ACTIVE = "ACTIVE";
    /**
     * Ended, its side effects under way: the masking path copies nothing more for it, and each masking task closes
     * its ledger entries for it. The lifecycle tombstones the grant once every ledger partition is closed.
     */
    public static final String ENDING = "ENDING";

    public Grant {
        fields = List.copyOf(fields);
        filter = filter == null ? new GrantFilter.All() : filter;
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        lookbackSeconds = lookbackSeconds == null || lookbackSeconds <= 0 ? null : lookbackSeconds;
    }

    /** A grant without lookback: it covers records arriving after it became visible only. */
    public Grant(String requestId, String dataset, String grantee, List<String> fields, GrantFilter filter, String topic,
                 String requester, List<String> approvers, String justification, Instant activatedAt, Instant expiresAt,
                 String status) {
        this(requestId, dataset, grantee, fields, filter, topic, requester, approvers, justification, activatedAt,
                expiresAt, status, null);
    }

    /** True when the grant also covers records from before its activation (copied by the backfill). */
    @JsonIgnore
    public boolean hasLookback() {
        return lookbackSeconds != null;
    }

    @JsonIgnore
    public String key() {
        return Topics.grantKey(dataset, requestId);
    }

    @JsonIgnore
    public Set<String> clearPaths() {
        return Set.copyOf(fields);
    }

    /** This grant, ended. */
    public Grant ending() {
        return new Grant(requestId, dataset, grantee, fields, filter, topic, requester, approvers, justification,
                activatedAt, expiresAt, ENDING, lookbackSeconds);
    }

    /** Live at {@code now}: the last guard before a copy is written. */
    public boolean isLiveAt(Instant now) {
        return ACTIVE.equals(status) && now.isBefore(expiresAt);
    }
}
