package io.jitmask.notify;

import io.jitmask.grants.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live grants of the {@code jit.grants} partitions this notifier owns, rebuilt from the (compacted) topic on every
 * assignment, and which of them are due a reminder. Nothing is kept anywhere else: after a restart or a handover the
 * new owner reads the partition again, and a grant already in its reminder window is reminded again (same
 * notification id, so the receiver can drop the repeat).
 */
final class ExpiryReminders {
    private final Duration lead;
    private final Map<Integer, Map<String, Grant>> grantsByPartition = new HashMap<>();
    /** Partitions read up to the end they had when assigned: before that a later tombstone may still end a grant. */
    private final Set<Integer> caughtUp = new HashSet<>();
    private final Set<String> reminded = new HashSet<>();

    ExpiryReminders(Duration lead) {
        this.lead = lead;
    }

    void assigned(int partition) {
        grantsByPartition.put(partition, new HashMap<>());
        caughtUp.remove(partition);
    }

    void revoked(Collection<Integer> partitions) {
        for (int p : partitions) {
            Map<String, Grant> gone = grantsByPartition.remove(p);
            if (gone != null) {
                gone.values().forEach(g -> reminded.remove(reminderKey(g)));
            }
            caughtUp.remove(p);
        }
    }

    void caughtUp(int partition) {
        caughtUp.add(partition);
    }

    /** A record of {@code jit.grants}: an ACTIVE grant, or a tombstone (null) when it ends. */
    void update(int partition, String key, Grant grant) {
        Map<String, Grant> grants = grantsByPartition.computeIfAbsent(partition, p -> new HashMap<>());
        if (grant == null || !Grant.ACTIVE.equals(grant.status())) {
            Grant old = grants.remove(key);
            if (old != null) {
                reminded.remove(reminderKey(old));
            }
        } else {
            Grant old = grants.put(key, grant);
            if (old != null && !old.expiresAt().equals(grant.expiresAt())) {
                // Extended: the old reminder is spent, the new expiresAt gets its own.
                reminded.remove(reminderKey(old));
            }
        }
    }

    /** One reminder per grant and expiresAt: an extension opens a new window. */
    private static String reminderKey(Grant grant) {
        return grant.requestId() + "@" + grant.expiresAt();
    }

    /** Grants whose reminder window opened and that were not reminded yet; each is returned once. */
    List<Grant> due(Instant now) {
        List<Grant> due = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, Grant>> partition : grantsByPartition.entrySet()) {
            if (!caughtUp.contains(partition.getKey())) {
                continue;
            }
            for (Grant grant : partition.getValue().values()) {
                boolean inWindow = !now.isBefore(grant.expiresAt().minus(lead)) && now.isBefore(grant.expiresAt());
                if (inWindow && reminded.add(reminderKey(grant))) {
                    due.add(grant);
                }
            }
        }
        return due;
    }
}
