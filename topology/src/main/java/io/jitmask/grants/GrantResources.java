package io.jitmask.grants;

/** The Kafka resources a grant owns: its topic and its grantee's READ ACL. Implementations must be idempotent. */
public interface GrantResources {
    int partitionsOf(String topic);

    void createTopic(String topic, int partitions, long retentionMs);

    void allowRead(String topic, String principal);

    void revokeRead(String topic, String principal);

    void deleteTopic(String topic);
}
