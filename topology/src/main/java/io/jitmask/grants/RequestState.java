package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the lifecycle remembers about one request (store {@code grant-requests}, key requestId): the signed
 * request as received, what it needs, who approved, and where it is in its life. Metadata only: never a field
 * value (filter keys are record keys the requester named, not field values).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestState(
        @JsonProperty("requestId") String requestId,
        @JsonProperty("status") Status status,
        @JsonProperty("request") ObjectNode request,
        @JsonProperty("digest") String digest,
        @JsonProperty("requester") String requester,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("grantee") String grantee,
        @JsonProperty("fields") List<String> fields,
        @JsonProperty("filter") JsonNode filter,
        @JsonProperty("justification") String justification,
        @JsonProperty("durationSeconds") long durationSeconds,
        @JsonProperty("requestedAt") Instant requestedAt,
        @JsonProperty("requirement") Requirement requirement,
        @JsonProperty("approvals") List<Approval> approvals,
        @JsonProperty("signatures") List<String> signatures,
        @JsonProperty("activatedAt") Instant activatedAt,
        @JsonProperty("expiresAt") Instant expiresAt,
        @JsonProperty("topic") String topic,
        @JsonProperty("endedAt") Instant endedAt,
        @JsonProperty("endReason") String endReason,
        @JsonProperty("extensions") List<Extension> extensions) {

    /**
     * ADMITTING: checked, waiting for the per-requester limit's answer (not audited yet; its events are held).
     * ACTIVATING: approved, its topic and ACL being provisioned by a grant command worker.
     */
    public enum Status { ADMITTING, PENDING, ACTIVATING, ACTIVE, ENDING, ENDED, DENIED, REQUEST_EXPIRED, FAILED }

    /** How many distinct approvers, and for each tag of the requested fields the roles of which one must be held. */
    public record Requirement(@JsonProperty("approvers") int approvers,
                              @JsonProperty("rolesByTag") java.util.Map<String, List<String>> rolesByTag,
                              @JsonProperty("sensitivity") String sensitivity,
                              @JsonProperty("webAuthn") boolean webAuthn) {
        public Requirement(int approvers, java.util.Map<String, List<String>> rolesByTag, String sensitivity) {
            this(approvers, rolesByTag, sensitivity, false);
        }
    }

    public record Approval(@JsonProperty("actor") String actor, @JsonProperty("at") Instant at,
                           @JsonProperty("comment") String comment, @JsonProperty("auto") boolean auto) {
    }

    /**
     * An extension the grantee asked for ({@code EXTEND_REQUESTED}): decided like a request, by the same approvers
     * and rules; APPROVED moves the grant's expiresAt by {@code seconds}. {@code digest} is what an APPROVED event's
     * requestDigest names to approve it (SHA-256 of the canonical signed EXTEND_REQUESTED event).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Extension(@JsonProperty("extensionId") String extensionId, @JsonProperty("digest") String digest,
                            @JsonProperty("actor") String actor, @JsonProperty("seconds") long seconds,
                            @JsonProperty("justification") String justification,
                            @JsonProperty("requestedAt") Instant requestedAt, @JsonProperty("status") Status status,
                            @JsonProperty("approvals") List<Approval> approvals,
                            @JsonProperty("decidedAt") Instant decidedAt) {
        public enum Status { PENDING, APPROVED, DENIED }

        public Extension {
            approvals = approvals == null ? List.of() : List.copyOf(approvals);
        }

        public Extension withApproval(Approval approval) {
            List<Approval> a = new ArrayList<>(approvals);
            a.add(approval);
            return new Extension(extensionId, digest, actor, seconds, justification, requestedAt, status, a, decidedAt);
        }

        public Extension decided(Status outcome, Instant at) {
            return new Extension(extensionId, digest, actor, seconds, justification, requestedAt, outcome, approvals, at);
        }

        public List<String> approverNames() {
            return approvals.stream().map(Approval::actor).toList();
        }
    }

    public RequestState {
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
    }

    /** The extension waiting for a decision, or null. At most one is pending at a time. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Extension pendingExtension() {
        return extensions.stream().filter(e -> e.status() == Extension.Status.PENDING).findFirst().orElse(null);
    }

    /** Seconds added to the grant by approved extensions. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public long extendedSeconds() {
        return extensions.stream().filter(e -> e.status() == Extension.Status.APPROVED).mapToLong(Extension::seconds).sum();
    }

    /** The extension asked for (its event's signature now seen), or the pending one replaced by its next state. */
    public RequestState withExtension(Extension extension, String signature) {
        List<Extension> e = new ArrayList<>(extensions);
        e.removeIf(x -> x.extensionId().equals(extension.extensionId()));
        e.add(extension);
        return new RequestState(requestId, status, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, withSignature(signature),
                activatedAt, expiresAt, topic, endedAt, endReason, e);
    }

    /** An approved extension: the grant now ends {@code extension.seconds()} later. */
    public RequestState extended(Extension approved) {
        return withExtension(approved, null).withExpiresAt(expiresAt.plusSeconds(approved.seconds()));
    }

    private RequestState withExpiresAt(Instant newExpiresAt) {
        return new RequestState(requestId, status, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, signatures, activatedAt,
                newExpiresAt, topic, endedAt, endReason, extensions);
    }

    public RequestState withStatus(Status newStatus) {
        return new RequestState(requestId, newStatus, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, signatures, activatedAt, expiresAt,
                topic, endedAt, endReason, extensions);
    }

    public RequestState withApproval(Approval approval, String signature) {
        List<Approval> a = new ArrayList<>(approvals);
        a.add(approval);
        return new RequestState(requestId, status, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, a, withSignature(signature), activatedAt,
                expiresAt, topic, endedAt, endReason, extensions);
    }

    public RequestState withSignatureSeen(String signature) {
        return new RequestState(requestId, status, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, withSignature(signature),
                activatedAt, expiresAt, topic, endedAt, endReason, extensions);
    }

    private List<String> withSignature(String signature) {
        List<String> s = new ArrayList<>(signatures);
        if (signature != null && !s.contains(signature)) {
            s.add(signature);
        }
        return s;
    }

    public RequestState activating(String grantTopic) {
        return new RequestState(requestId, Status.ACTIVATING, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, signatures, activatedAt, expiresAt,
                grantTopic, endedAt, endReason, extensions);
    }

    public RequestState activated(Instant at, Instant expires, String grantTopic) {
        return new RequestState(requestId, Status.ACTIVE, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, signatures, at, expires, grantTopic,
                endedAt, endReason, extensions);
    }

    public RequestState ended(Status newStatus, Instant at, String reason) {
        return new RequestState(requestId, newStatus, request, digest, requester, dataset, grantee, fields, filter,
                justification, durationSeconds, requestedAt, requirement, approvals, signatures, activatedAt, expiresAt,
                topic, at, reason, extensions);
    }

    /** The signed request's lookback in seconds, or null when it asks for none. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Long lookbackSeconds() {
        long seconds = request == null ? 0 : request.path("lookbackSeconds").asLong(0);
        return seconds > 0 ? seconds : null;
    }

    public List<String> approverNames() {
        return approvals.stream().map(Approval::actor).toList();
    }

    public byte[] toBytes() {
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RequestState fromBytes(byte[] bytes) {
        try {
            return AuditEvent.MAPPER.readValue(bytes, RequestState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
