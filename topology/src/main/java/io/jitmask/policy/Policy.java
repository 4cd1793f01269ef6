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

    /**
     * Who must approve access to fields carrying a tag, and within which limits. {@code requireWebAuthn}: every
     * approval must carry a passkey assertion of the approver (an Ed25519 signature alone, which the server may hold,
     * is not enough).
     */
    public record ApprovalRule(
            @JsonProperty("approvers") int approvers,
            @JsonProperty("roles") List<String> roles,
            @JsonProperty("maxDurationSeconds") long maxDurationSeconds,
            @JsonProperty("justificationPattern") String justificationPattern,
            @JsonProperty("maxLookbackSeconds") long maxLookbackSeconds,
            @JsonProperty("maxTotalDurationSeconds") Long maxTotalDurationSeconds,
            @JsonProperty("requireWebAuthn") boolean requireWebAuthn) {
        public ApprovalRule {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        /** The longest a grant may live, extensions included: maxTotalDurationSeconds, or maxDurationSeconds without it. */
        public long maxTotalSeconds() {
            return maxTotalDurationSeconds == null ? maxDurationSeconds : Math.max(maxDurationSeconds, maxTotalDurationSeconds);
        }
    }

    /**
     * Per dataset: a technique for string record keys, rules by field path (dotted, e.g. {@code address.street}),
     * and how fields no rule or tag names are treated ({@code mode}). In {@code defaultDeny} mode a field passes in
     * clear only when {@code public} lists it (or a parent of it); every other field, including fields a future
     * schema version adds, is masked by the {@code default} rule. {@code declassified} lists paths that were
     * sensitive once (by a tag in an earlier schema version or a removed rule) and that the policy owners release,
     * with who and why. {@code subjects}: the registry subjects whose schemas may be written to the dataset's raw
     * topic when records are framed with RecordNameStrategy (with TopicNameStrategy it is {@code raw.<dataset>-value}).
     * {@code format}: absent for Confluent-framed records whose type (Avro, JSON Schema, Protobuf) the registry names,
     * {@value #PLAIN_JSON} for JSON without a registry, classified by path rules (and {@code defaultDeny}) only.
     */
    public record DatasetPolicy(
            @JsonProperty("key") TechniqueSpec key,
            @JsonProperty("fields") Map<String, FieldRule> fields,
            @JsonProperty("mode") Mode mode,
            @JsonProperty("default") FieldRule defaults,
            @JsonProperty("public") List<String> publicFields,
            @JsonProperty("declassified") List<Declassification> declassified,
            @JsonProperty("subjects") List<String> subjects,
            @JsonProperty("format") String format) {
        public static final String PLAIN_JSON = "json";

        public DatasetPolicy {
            fields = fields == null ? Map.of() : Map.copyOf(fields);
            mode = mode == null ? Mode.TAGS : mode;
            publicFields = publicFields == null ? List.of() : List.copyOf(publicFields);
            declassified = declassified == null ? List.of() : List.copyOf(declassified);
            subjects = subjects == null ? List.of() : List.copyOf(subjects);
        }

        public DatasetPolicy(TechniqueSpec key, Map<String, FieldRule> fields) {
            this(key, fields, Mode.TAGS, null, null, null, null, null);
        }

        public boolean isPlainJson() {
            return PLAIN_JSON.equals(format);
        }

        public boolean defaultDeny() {
            return mode == Mode.DEFAULT_DENY;
        }

        /** Whether {@code path} is listed public, itself or through a parent ({@code address} covers {@code address.city}). */
        public boolean isPublic(String path) {
            for (String p : publicFields) {
                if (path.equals(p) || path.startsWith(p + ".")) {
                    return true;
                }
            }
            return false;
        }

        /** The declassification of a path, or null when the policy does not release it. */
        public Declassification declassification(String path) {
            for (Declassification d : declassified) {
                if (d.path().equals(path)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** {@code tags}: only tagged fields and path rules are sensitive. {@code defaultDeny}: everything not public is. */
    public enum Mode {
        @JsonProperty("tags") TAGS,
        @JsonProperty("defaultDeny") DEFAULT_DENY
    }

    /** A path the policy owners release from the dataset's classification: who decided it, and why. */
    public record Declassification(
            @JsonProperty("path") String path,
            @JsonProperty("by") String by,
            @JsonProperty("reason") String reason) {
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
