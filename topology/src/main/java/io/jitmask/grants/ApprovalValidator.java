package io.jitmask.grants;

import static io.jitmask.approval.Rejection.Reason.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jitmask.approval.ApprovalEvent;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.CanonicalJson;
import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.approval.Rejection;
import io.jitmask.config.Topics;
import io.jitmask.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Decides whether an approval event may take effect: signature, actor, roles, limits and the request's state.
 * Pure logic, no I/O: every refusal is a {@link Rejection} with a reason the audit trail records.
 */
public final class ApprovalValidator {
    /** How far in the future an event's {@code at} may be: clocks differ, but not by this much. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final String ADMIN_ROLE = "admin";

    private final Keyring keyring;
    private final Policy policy;
    private final Set<String> datasets;
    private final Function<String, Map<String, Set<String>>> sensitiveFields;
    /** The policy's justification patterns, compiled once (they were compiled for every REQUESTED). */
    private final Map<String, Pattern> compiledPatterns = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param sensitiveFields dataset to its sensitive field paths and their tags (from the current schema);
     *                        throws when the dataset's schema cannot be read
     */
    public ApprovalValidator(Keyring keyring, Policy policy, Set<String> datasets,
                             Function<String, Map<String, Set<String>>> sensitiveFields) {
        this.keyring = keyring;
        this.policy = policy;
        this.datasets = datasets;
        this.sensitiveFields = sensitiveFields;
    }

    /**
     * The signing actor, if the signature is theirs and the event is not from the future. An approval signed by a
     * passkey only ({@link ApprovalEvents#PASSKEY_SIGNATURE_PREFIX}) passes here when it carries the assertion its
     * signature names: the lifecycle then verifies that assertion against the actor's registered passkey
     * ({@link PasskeyApprovals}), always, since it carries one.
     */
    public Keyring.Actor authenticate(ApprovalEvent event, Instant now) {
        Keyring.Actor actor = keyring.actor(event.actor())
                .orElseThrow(() -> new Rejection(UNKNOWN_ACTOR, "actor is not in the keyring"));
        if (event.type() == ApprovalEvent.Type.APPROVED
                && event.signature().startsWith(ApprovalEvents.PASSKEY_SIGNATURE_PREFIX)) {
            JsonNode assertion = event.json().get("webauthn");
            if (assertion == null || !assertion.isObject() || !event.signature().equals(
                    ApprovalEvents.PASSKEY_SIGNATURE_PREFIX + assertion.path("signature").asText())) {
                throw new Rejection(BAD_SIGNATURE, "a passkey-signed approval must carry the assertion its signature names");
            }
        } else if (!Ed25519.verify(event.json(), actor.publicKey())) {
            throw new Rejection(BAD_SIGNATURE, "signature does not verify with " + actor.name() + "'s key");
        }
        if (event.at().isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new Rejection(CLOCK_SKEW, "'at' is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes in the future");
        }
        return actor;
    }

    /** A new request: checks it against the policy and returns its pending state. */
    public RequestState request(ApprovalEvent event, Keyring.Actor requester, RequestState existing) {
        if (existing != null) {
            throw new Rejection(DUPLICATE_REQUEST_ID, "request id " + event.requestId() + " is already in use");
        }
        String dataset = event.string("dataset");
        if (!datasets.contains(dataset)) {
            throw new Rejection(UNKNOWN_DATASET, "dataset '" + dataset + "' is not served by jitmask");
        }
        String grantee = event.string("grantee");
        if (!grantee.equals(requester.principal())) {
            throw new Rejection(GRANTEE_NOT_REQUESTER, "grantee must be the requester's own principal " + requester.principal());
        }
        Map<String, Set<String>> sensitive;
        try {
            sensitive = sensitiveFields.apply(dataset);
        } catch (RuntimeException e) {
            throw new Rejection(SCHEMA_UNAVAILABLE, "the current schema of dataset '" + dataset + "' cannot be read");
        }
        List<String> fields = event.fields();
        Map<String, List<String>> rolesByTag = new LinkedHashMap<>();
        int approvers = 0;
        boolean webAuthn = false;
        long maxDuration = Long.MAX_VALUE;
        long maxLookback = Long.MAX_VALUE;
        Policy.Sensitivity sensitivity = Policy.Sensitivity.LOW;
        List<Pattern> justificationPatterns = new ArrayList<>();
        for (String field : fields) {
            Set<String> tags = sensitive.get(field);
            if (tags == null) {
                throw new Rejection(UNKNOWN_FIELD, "'" + field + "' is not a sensitive field of dataset '" + dataset + "'");
            }
            boolean grantable = false;
            for (String tag : tags) {
                Policy.TagPolicy tagPolicy = policy.tags().get(tag);
                if (tagPolicy == null || tagPolicy.approval() == null) {
                    continue;
                }
                grantable = true;
                Policy.ApprovalRule rule = tagPolicy.approval();
                rolesByTag.put(tag, rule.roles());
                approvers = Math.max(approvers, rule.approvers());
                webAuthn |= rule.requireWebAuthn();
                maxDuration = Math.min(maxDuration, rule.maxDurationSeconds());
                maxLookback = Math.min(maxLookback, rule.maxLookbackSeconds());
                if (tagPolicy.sensitivity().compareTo(sensitivity) > 0) {
                    sensitivity = tagPolicy.sensitivity();
                }
                if (rule.justificationPattern() != null) {
                    justificationPatterns.add(compiled(rule.justificationPattern()));
                }
            }
            if (!grantable) {
                throw new Rejection(NOT_GRANTABLE, "no tag of field '" + field + "' has an approval rule in the policy");
            }
        }
        long duration = event.number("durationSeconds");
        if (duration > maxDuration) {
            throw new Rejection(DURATION_TOO_LONG, "durationSeconds " + duration + " exceeds the policy's maximum of " + maxDuration);
        }
        if (event.json().has("lookbackSeconds") && event.number("lookbackSeconds") > maxLookback) {
            throw new Rejection(LOOKBACK_TOO_LONG, "lookbackSeconds " + event.number("lookbackSeconds")
                    + " exceeds the policy's maximum of " + maxLookback);
        }
        String justification = event.string("justification");
        for (Pattern pattern : justificationPatterns) {
            if (!pattern.matcher(justification).find()) {
                throw new Rejection(JUSTIFICATION_MISMATCH, "justification does not match the policy's pattern " + pattern.pattern());
            }
        }
        JsonNode filter = event.json().has("filter") ? event.json().get("filter") : JsonNodeFactory.instance.objectNode();
        try {
            GrantJson.MAPPER.treeToValue(filter, GrantFilter.class);
        } catch (Exception e) {
            throw new Rejection(MALFORMED, "'filter' must be {} or {\"keys\": [\"...\"]}");
        }
        return new RequestState(event.requestId(), RequestState.Status.PENDING, event.json(),
                CanonicalJson.digest(event.json()), requester.name(), dataset, grantee, fields, filter, justification,
                duration, event.at(), new RequestState.Requirement(approvers, rolesByTag, sensitivity.name(), webAuthn),
                List.of(), List.of(event.signature()), null, null, Topics.grant(dataset, event.requestId()), null, null,
                List.of());
    }

    /** An approval of a pending request. */
    public RequestState.Approval approve(ApprovalEvent event, Keyring.Actor approver, RequestState state) {
        requirePending(state);
        if (!state.digest().equals(event.string("requestDigest"))) {
            throw new Rejection(DIGEST_MISMATCH, "requestDigest is not the digest of request " + state.requestId());
        }
        return approval(event, approver, state, state.approverNames());
    }

    /** The checks every approval passes, of a request or of an extension: not self, a role per tag, once each. */
    private static RequestState.Approval approval(ApprovalEvent event, Keyring.Actor approver, RequestState state,
                                                  List<String> approvedBy) {
        if (approver.name().equals(state.requester())) {
            throw new Rejection(SELF_APPROVAL, "the requester cannot approve their own request");
        }
        for (Map.Entry<String, List<String>> tag : state.requirement().rolesByTag().entrySet()) {
            if (!approver.hasAnyRole(tag.getValue())) {
                throw new Rejection(MISSING_ROLE, approver.name() + " holds none of the roles " + tag.getValue()
                        + " that may approve " + tag.getKey() + " data");
            }
        }
        if (approvedBy.contains(approver.name())) {
            throw new Rejection(DUPLICATE_APPROVER, approver.name() + " already approved; an approver counts once");
        }
        return new RequestState.Approval(approver.name(), event.at(), event.string("comment"), false);
    }

    /**
     * A grantee's request to extend their live grant: only its requester may ask, only while it is live, one at a
     * time, each extensionId once, the justification matching the policy, and never beyond the policy's maximum total
     * duration ({@link Policy.ApprovalRule#maxTotalSeconds()}) of the grant's tags.
     */
    public RequestState.Extension extension(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        if (state == null) {
            throw new Rejection(UNKNOWN_REQUEST, "no such request");
        }
        if (!actor.name().equals(state.requester())) {
            throw new Rejection(NOT_AUTHORIZED_TO_EXTEND, "only the grant's requester " + state.requester()
                    + " may ask to extend it");
        }
        if (state.status() != RequestState.Status.ACTIVE || !now.isBefore(state.expiresAt())) {
            throw new Rejection(NOT_ACTIVE, "request is " + (state.status() == RequestState.Status.ACTIVE ? "expired"
                    : state.status()) + "; only a live grant can be extended");
        }
        String extensionId = event.string("extensionId");
        if (state.extensions().stream().anyMatch(e -> e.extensionId().equals(extensionId))) {
            throw new Rejection(DUPLICATE_EXTENSION_ID, "extension id " + extensionId + " was already used for this grant");
        }
        if (state.pendingExtension() != null) {
            throw new Rejection(EXTENSION_PENDING, "extension " + state.pendingExtension().extensionId()
                    + " is still waiting for a decision");
        }
        String justification = event.string("justification");
        for (String tag : state.requirement().rolesByTag().keySet()) {
            String pattern = rule(tag).justificationPattern();
            if (pattern != null && !compiled(pattern).matcher(justification).find()) {
                throw new Rejection(JUSTIFICATION_MISMATCH, "justification does not match the policy's pattern " + pattern);
            }
        }
        long seconds = event.number("extendSeconds");
        long max = maxTotalSeconds(state);
        long total = totalSeconds(state, seconds);
        if (total > max) {
            throw new Rejection(EXTENSION_TOO_LONG, "the grant would last " + total + " seconds in all ("
                    + state.durationSeconds() + " granted + " + state.extendedSeconds() + " extended + " + seconds
                    + " asked), more than the policy's maximum total of " + max);
        }
        return new RequestState.Extension(extensionId, CanonicalJson.digest(event.json()), actor.name(), seconds,
                justification, event.at(), RequestState.Extension.Status.PENDING, List.of(), null);
    }

    /** An approval of the grant's pending extension: the APPROVED event's requestDigest names the extension. */
    public RequestState.Approval approveExtension(ApprovalEvent event, Keyring.Actor approver, RequestState state) {
        RequestState.Extension pending = state.pendingExtension();
        if (!pending.digest().equals(event.string("requestDigest"))) {
            throw new Rejection(DIGEST_MISMATCH, "requestDigest is neither the digest of request " + state.requestId()
                    + " nor of its pending extension " + pending.extensionId());
        }
        return approval(event, approver, state, pending.approverNames());
    }

    public void denyExtension(Keyring.Actor actor, RequestState state) {
        if (!mayReview(actor, state)) {
            throw new Rejection(NOT_AUTHORIZED_TO_DENY, actor.name() + " may not review this request");
        }
    }

    private Pattern compiled(String pattern) {
        return compiledPatterns.computeIfAbsent(pattern, Pattern::compile);
    }

    /** How long the grant would last in all with {@code moreSeconds} more. */
    private static long totalSeconds(RequestState state, long moreSeconds) {
        return state.durationSeconds() + state.extendedSeconds() + moreSeconds;
    }

    /**
     * The longest the grant may live, extensions included, under the current policy: the smallest maximum total of
     * its tags' approval rules. Also the grant topic's retention, so a copy is never deleted while the grant lives.
     */
    public long maxTotalSeconds(RequestState state) {
        long max = Long.MAX_VALUE;
        for (String tag : state.requirement().rolesByTag().keySet()) {
            Policy.TagPolicy tagPolicy = policy.tags().get(tag);
            if (tagPolicy != null && tagPolicy.approval() != null) {
                max = Math.min(max, tagPolicy.approval().maxTotalSeconds());
            }
        }
        return max == Long.MAX_VALUE ? state.durationSeconds() : Math.max(max, state.durationSeconds());
    }

    private Policy.ApprovalRule rule(String tag) {
        Policy.TagPolicy tagPolicy = policy.tags().get(tag);
        if (tagPolicy == null || tagPolicy.approval() == null) {
            throw new Rejection(NOT_GRANTABLE, "tag " + tag + " has no approval rule in the policy any more");
        }
        return tagPolicy.approval();
    }

    public void deny(Keyring.Actor actor, RequestState state) {
        requirePending(state);
        if (!mayReview(actor, state)) {
            throw new Rejection(NOT_AUTHORIZED_TO_DENY, actor.name() + " may not review this request");
        }
    }

    /** The requester, anyone who may approve such a request, or an admin may revoke. */
    public void revoke(Keyring.Actor actor, RequestState state) {
        if (state == null) {
            throw new Rejection(UNKNOWN_REQUEST, "no such request");
        }
        if (state.status() != RequestState.Status.ACTIVE && state.status() != RequestState.Status.PENDING
                && state.status() != RequestState.Status.ACTIVATING) {
            throw new Rejection(NOT_ACTIVE, "request is " + state.status() + ", nothing to revoke");
        }
        if (!mayRevoke(actor, state)) {
            throw new Rejection(NOT_AUTHORIZED_TO_REVOKE, actor.name() + " is neither the requester, a reviewer nor an admin");
        }
    }

    /** Whether the actor may approve or deny the request: not its requester, and a role for every tag involved. */
    public static boolean mayReview(Keyring.Actor actor, RequestState state) {
        return !actor.name().equals(state.requester())
                && state.requirement().rolesByTag().values().stream().allMatch(actor::hasAnyRole);
    }

    public static boolean mayRevoke(Keyring.Actor actor, RequestState state) {
        return actor.name().equals(state.requester()) || mayReview(actor, state) || actor.roles().contains(ADMIN_ROLE);
    }

    private static void requirePending(RequestState state) {
        if (state == null) {
            throw new Rejection(UNKNOWN_REQUEST, "no such request");
        }
        if (state.status() != RequestState.Status.PENDING) {
            throw new Rejection(NOT_PENDING, "request is " + state.status() + ", not pending");
        }
    }

    /** Whether the automated risk rules approve this request on their own. */
    public boolean autoApproves(RequestState state, int activeGrantsOfGrantee, Instant now) {
        return autoApproves(state, state.durationSeconds(), activeGrantsOfGrantee, now);
    }

    /**
     * Whether the automated risk rules approve this extension on their own: the same rules as for a request, applied
     * to the duration the grant would have in all; the grant itself does not count among the grantee's active ones.
     */
    public boolean autoApprovesExtension(RequestState state, RequestState.Extension extension, int activeGrantsOfGrantee,
                                         Instant now) {
        return autoApproves(state, totalSeconds(state, extension.seconds()), activeGrantsOfGrantee - 1, now);
    }

    private boolean autoApproves(RequestState state, long durationSeconds, int activeGrantsOfGrantee, Instant now) {
        Policy.AutoApprovalPolicy auto = policy.autoApproval();
        if (auto == null || !auto.enabled()) {
            return false;
        }
        if (state.requirement().webAuthn()) {
            // A passkey approval is a person's decision: the automated rules never stand in for one.
            return false;
        }
        if (Policy.Sensitivity.valueOf(state.requirement().sensitivity()).compareTo(auto.maxSensitivity()) > 0) {
            return false;
        }
        if (durationSeconds > auto.maxDurationSeconds()) {
            return false;
        }
        if (auto.maxActiveGrantsPerGrantee() > 0 && activeGrantsOfGrantee >= auto.maxActiveGrantsPerGrantee()) {
            return false;
        }
        if (state.request().has("lookbackSeconds") && state.request().get("lookbackSeconds").asLong() > 0) {
            return false;
        }
        Policy.BusinessHours hours = auto.businessHours();
        if (hours != null) {
            ZonedDateTime local = now.atZone(java.time.ZoneId.of(hours.zone()));
            if (hours.days() != null && !hours.days().contains(local.getDayOfWeek())) {
                return false;
            }
            if (local.toLocalTime().isBefore(hours.from()) || !local.toLocalTime().isBefore(hours.to())) {
                return false;
            }
        }
        return true;
    }
}
