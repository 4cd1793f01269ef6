package io.jitmask.classify;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code schema} of a {@code SCHEMA_CHANGED} audit event: which version of which subject a raw topic saw for
 * the first time, and what it changes about the dataset's classification. The event's requestId,
 * {@code schema/<subject>/<version>}, is the same whichever instance writes it, so consumers can drop repeats.
 */
public record SchemaChange(
        @JsonProperty("subject") String subject,
        @JsonProperty("version") int version,
        @JsonProperty("id") int id,
        @JsonProperty("changes") ClassificationDiff changes) {

    /** The deterministic id of the event announcing a version. */
    public static String eventId(String subject, int version) {
        return "schema/" + subject + "/" + version;
    }
}
