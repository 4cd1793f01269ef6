package io.jitmask.grants;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live grants of this instance, indexed so the masking path finds the grants that match a record without
 * scanning every grant: per dataset, grants limited to record keys are found by key, the rest are listed.
 *
 * <p>Written by the global-store thread, read by every stream thread; the concurrent maps make reads lock-free.
 * A record with no matching grant costs two hash lookups whatever the number of grants.
 */
public final class GrantIndex {
    private final Map<String, Grant> byGrantKey = new ConcurrentHashMap<>();
    private final Map<String, DatasetGrants> byDataset = new ConcurrentHashMap<>();
    /** Topics the broker said do not exist while their grant was live (deleted by hand), until the grant ends. */
    private final java.util.Set<String> deletedTopics = ConcurrentHashMap.newKeySet();
    /** Grants that ended and whose ledger is being closed, by grant key: matched by no record. */
    private final Map<String, Grant> ending = new ConcurrentHashMap<>();
    /** Live grants with a lookback window, by grant key: the masking tasks' catch-up rounds look only at these. */
    private final Map<String, Grant> lookback = new ConcurrentHashMap<>();

    private static final class DatasetGrants {
        final Map<String, Grant> unfiltered = new ConcurrentHashMap<>();
        final Map<String, Map<String, Grant>> byRecordKey = new ConcurrentHashMap<>();
    }

    /** Adds or replaces a grant. */
    public synchronized void put(Grant grant) {
        remove(grant.key());
        if (Grant.ENDING.equals(grant.status())) {
            ending.put(grant.key(), grant);
            return;
        }
        byGrantKey.put(grant.key(), grant);
        if (grant.hasLookback()) {
            lookback.put(grant.key(), grant);
        }
        DatasetGrants grants = byDataset.computeIfAbsent(grant.dataset(), d -> new DatasetGrants());
        var keys = grant.filter().indexKeys();
        if (keys == null) {
            grants.unfiltered.put(grant.key(), grant);
        } else {
            for (String key : keys) {
                grants.byRecordKey.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(grant.key(), grant);
            }
        }
    }

    public synchronized void remove(String grantKey) {
        Grant wasEnding = ending.remove(grantKey);
        if (wasEnding != null) {
            deletedTopics.remove(wasEnding.topic());
        }
        lookback.remove(grantKey);
        Grant old = byGrantKey.remove(grantKey);
        if (old == null) {
            return;
        }
        deletedTopics.remove(old.topic());
        DatasetGrants grants = byDataset.get(old.dataset());
        grants.unfiltered.remove(grantKey);
        var keys = old.filter().indexKeys();
        if (keys != null) {
            for (String key : keys) {
                Map<String, Grant> forKey = grants.byRecordKey.get(key);
                if (forKey != null) {
                    forKey.remove(grantKey);
                    if (forKey.isEmpty()) {
                        grants.byRecordKey.remove(key);
                    }
                }
            }
        }
    }

    public synchronized void clear() {
        ending.clear();
        lookback.clear();
        deletedTopics.clear();
        byGrantKey.clear();
        byDataset.clear();
    }

    /**
     * Grants of the dataset whose filter matches the record key ({@code null} for records without a key). The
     * caller still checks {@link Grant#isLiveAt} right before writing each copy.
     */
    public List<Grant> matching(String dataset, String recordKey) {
        DatasetGrants grants = byDataset.get(dataset);
        if (grants == null) {
            return List.of();
        }
        Map<String, Grant> forKey = recordKey == null ? null : grants.byRecordKey.get(recordKey);
        if (grants.unfiltered.isEmpty() && forKey == null) {
            return List.of();
        }
        List<Grant> out = new ArrayList<>(grants.unfiltered.values());
        if (forKey != null) {
            for (Grant grant : forKey.values()) {
                if (grant.filter().matches(recordKey)) {
                    out.add(grant);
                }
            }
        }
        return out;
    }

    /** True while the grant is visible to this instance's masking path; the end worker waits for false. */
    public boolean contains(String grantKey) {
        return byGrantKey.containsKey(grantKey);
    }

    /**
     * Grants that ended (published ENDING by the lifecycle) and are not tombstoned yet: every masking task closes its
     * ledger entries for them. Only the grant's own end puts a grant here; nothing else stops its copies.
     */
    public Collection<Grant> ending() {
        return List.copyOf(ending.values());
    }

    /** True while the grant ended but is not tombstoned yet. */
    public boolean isEnding(String grantKey) {
        return ending.containsKey(grantKey);
    }

    /**
     * The broker answered that a live grant's topic does not exist (it was deleted by hand): copies for it are
     * skipped, so masking goes on, until the grant's end clears the mark. A timeout never marks a topic: only this
     * answer from the broker, or the grant's own end, stops a live grant's copies.
     */
    public void markTopicDeleted(String topic) {
        deletedTopics.add(topic);
    }

    public boolean isTopicDeleted(String topic) {
        return deletedTopics.contains(topic);
    }

    /** The grant as this instance's masking path sees it, or null. */
    public Grant get(String grantKey) {
        return byGrantKey.get(grantKey);
    }

    public int size() {
        return byGrantKey.size();
    }

    /** The live grants with a lookback window (their catch-up may still be pending on some partition). */
    public Collection<Grant> lookback() {
        return lookback.isEmpty() ? List.of() : List.copyOf(lookback.values());
    }

    public Collection<Grant> all() {
        return List.copyOf(byGrantKey.values());
    }
}
