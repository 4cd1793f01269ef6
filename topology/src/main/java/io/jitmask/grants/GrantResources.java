package io.jitmask.grants;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Kafka resources grants own: their topics and their grantees' READ ACLs. Each step takes a whole batch of
 * grants and is one request to the broker, so provisioning N grants costs a few round trips, not N times a few;
 * it answers per item (every item asked is a key of the answer), so one bad grant never fails the others.
 * Implementations must be idempotent: an item already done counts as done.
 */
public interface GrantResources {
    /** A grant topic to create. */
    record NewGrantTopic(String topic, int partitions, long retentionMs) {
    }

    /** A grantee's READ and DESCRIBE on one grant topic. */
    record Access(String topic, String principal) {
    }

    /** The partition count of each topic. */
    Map<String, Outcome<Integer>> partitionsOf(Collection<String> topics);

    /** Creates the topics; one that exists already counts as created. */
    Map<String, Outcome<Void>> createTopics(List<NewGrantTopic> topics);

    /**
     * Waits until the broker serves each topic: described with every partition led. A topic the controller created
     * is not yet readable until the broker applied it, which lags behind a burst of creations; failed when it is not
     * served in time (to be retried).
     */
    Map<String, Outcome<Void>> awaitServed(List<String> topics);

    /** Adds the READ and DESCRIBE ACLs; an access fails when either of its two bindings does. */
    Map<Access, Outcome<Void>> allowRead(List<Access> accesses);

    /** Removes every ACL of each principal on each topic; none left to remove counts as done. */
    Map<Access, Outcome<Void>> revokeRead(List<Access> accesses);

    /** Deletes the topics; one already gone counts as deleted. */
    Map<String, Outcome<Void>> deleteTopics(List<String> topics);
}
