package io.jitmask.notify;

import io.jitmask.approval.Keyring;
import io.jitmask.grants.ApprovalValidator;
import io.jitmask.policy.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Who a notification is for, by the keyring and the policy: the same roles the lifecycle checks. */
public final class Recipients {
    private final Keyring keyring;
    private final Policy policy;
    private final Function<String, Map<String, Set<String>>> sensitiveFields;

    public Recipients(Keyring keyring, Policy policy, Function<String, Map<String, Set<String>>> sensitiveFields) {
        this.keyring = keyring;
        this.policy = policy;
        this.sensitiveFields = sensitiveFields;
    }

    /**
     * The actors who may approve a request for these fields: not the requester, and a role of every approval rule
     * of the fields' tags ({@link ApprovalValidator#mayReview}). Sorted, so the body is the same on every delivery.
     */
    public List<String> reviewers(String requester, String dataset, Collection<String> fields) {
        Map<String, Set<String>> tagsByField;
        try {
            tagsByField = sensitiveFields.apply(dataset);
        } catch (RuntimeException e) {
            return List.of(); // schema unreadable: the lifecycle has refused the request anyway
        }
        List<List<String>> roleSets = new ArrayList<>();
        for (String field : fields) {
            for (String tag : tagsByField.getOrDefault(field, Set.of())) {
                Policy.TagPolicy tagPolicy = policy.tags().get(tag);
                if (tagPolicy != null && tagPolicy.approval() != null) {
                    roleSets.add(tagPolicy.approval().roles());
                }
            }
        }
        if (roleSets.isEmpty()) {
            return List.of();
        }
        return keyring.actors().values().stream()
                .filter(a -> !a.name().equals(requester))
                .filter(a -> roleSets.stream().allMatch(a::hasAnyRole))
                .map(Keyring.Actor::name).sorted().toList();
    }

    /** The actor whose Kafka principal this is (a grant's grantee is its requester's principal). */
    public List<String> ofPrincipal(String principal) {
        return keyring.actors().values().stream().filter(a -> a.principal() != null && a.principal().equals(principal))
                .map(Keyring.Actor::name).sorted().toList();
    }

    public List<String> admins() {
        return keyring.actors().values().stream().filter(a -> a.roles().contains(ApprovalValidator.ADMIN_ROLE))
                .map(Keyring.Actor::name).sorted().toList();
    }
}
