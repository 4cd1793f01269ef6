package io.jitmask.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The policy file (YAML): which fields are sensitive, how each is masked, and who may unmask it for how long.
 * Tags come from the Avro schema ({@code "confluent:tags": ["PII"]}) or from a dataset's path rules.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Policy(
        @JsonProperty("version") int version,
        @JsonProperty("tags") Map<String, TagPolicy> tags,
        @JsonProperty("datasets") Map<String, DatasetPolicy> datasets,
        @JsonProperty("headers") HeaderPolicy headers,
        @JsonProperty("autoApproval") AutoApprovalPolicy autoApproval) {

    public Policy {
        // Tag order matters: when a field carries several tags with a technique, the first in policy order wins.
        tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags));
        datasets = datasets == null ? Map.of() : Map.copyOf(datasets);
        headers = headers == null ? new HeaderPolicy(List.of()) : headers;
    }

    /** Per sensitivity tag: default technique and approval rule. */
    public record TagPolicy(
            @JsonProperty("technique") TechniqueSpec technique,
            @JsonProperty("sensitivity") Sensitivity sensitivity,
            @JsonProperty("approval") ApprovalRule approval) {
        public TagPolicy {
            sensitivity = sensitivity == null ? Sensitivity.HIGH : sensitivity;
        }
    }

    public enum Sensitivity {
        @JsonProperty("low") LOW,
        @JsonProperty("medium") MEDIUM,
        @JsonProperty("high") HIGH
    }

    /** Who must approve access to fields carrying a tag, and within which limits. */
    public record ApprovalRule(
            @JsonProperty("approvers") int approvers,
            @JsonProperty("roles") List<String> roles,
            @JsonProperty("maxDurationSeconds") long maxDurationSeconds,
            @JsonProperty("justificationPattern") String justificationPattern,
            @JsonProperty("maxLookbackSeconds") long maxLookbackSeconds) {
        public ApprovalRule {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /**
     * Per dataset: a technique for string record keys, rules by field path (dotted, e.g. {@code address.street}), and
     * the record format: absent for Confluent-framed records whose type (Avro, JSON Schema, Protobuf) the registry
     * names, {@value #PLAIN_JSON} for JSON without a registry, classified by path rules only.
     */
    public record DatasetPolicy(
            @JsonProperty("key") TechniqueSpec key,
            @JsonProperty("fields") Map<String, FieldRule> fields,
            @JsonProperty("format") String format) {
        public static final String PLAIN_JSON = "json";

        public DatasetPolicy {
            fields = fields == null ? Map.of() : Map.copyOf(fields);
        }

        public DatasetPolicy(TechniqueSpec key, Map<String, FieldRule> fields) {
            this(key, fields, null);
        }

        public boolean isPlainJson() {
            return PLAIN_JSON.equals(format);
        }
    }

    /** A path rule: extra tags for the field and/or a technique overriding the tags' default. */
    public record FieldRule(
            @JsonProperty("technique") TechniqueSpec technique,
            @JsonProperty("tags") List<String> tags) {
        public FieldRule {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /** Record headers that may pass to masked and grant topics; every other header is dropped. */
    public record HeaderPolicy(@JsonProperty("allow") List<String> allow) {
        public HeaderPolicy {
            allow = allow == null ? List.of() : List.copyOf(allow);
        }
    }

    /** Automated risk rules that may approve a request without a person. Absent means disabled. */
    public record AutoApprovalPolicy(
            @JsonProperty("enabled") boolean enabled,
            @JsonProperty("maxSensitivity") Sensitivity maxSensitivity,
            @JsonProperty("maxDurationSeconds") long maxDurationSeconds,
            @JsonProperty("maxActiveGrantsPerGrantee") int maxActiveGrantsPerGrantee,
            @JsonProperty("businessHours") BusinessHours businessHours) {
    }

    /** e.g. {@code {zone: Europe/Zurich, days: [MONDAY, ...], from: "08:00", to: "18:00"}}. */
    public record BusinessHours(
            @JsonProperty("zone") String zone,
            @JsonProperty("days") List<java.time.DayOfWeek> days,
            @JsonProperty("from") java.time.LocalTime from,
            @JsonProperty("to") java.time.LocalTime to) {
    }
}
