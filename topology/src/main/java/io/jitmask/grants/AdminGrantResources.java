package io.jitmask.grants;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Grant topics and ACLs through the Kafka Admin API. Calls block with a timeout: grants activate and end rarely,
 * and the lifecycle must know the topic and ACL exist before it publishes a grant as ACTIVE.
 */
public final class AdminGrantResources implements GrantResources {
    private static final long TIMEOUT_SECONDS = 30;
    private final Admin admin;
    private final short replicationFactor;

    public AdminGrantResources(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    @Override
    public int partitionsOf(String topic) {
        return call(() -> admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(topic).partitions().size());
    }

    @Override
    public void createTopic(String topic, int partitions, long retentionMs) {
        NewTopic grantTopic = new NewTopic(topic, partitions, replicationFactor).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                // The broker stamps each copy with the time it was written, so anyone can verify none came after expiry.
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                // Once deleted, the clear copies leave the disk within a second, not the broker's default minute.
                TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "1000"));
        try {
            admin.createTopics(List.of(grantTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create grant topic " + topic + ": " + e.getCause().getClass().getSimpleName(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create grant topic " + topic, e);
        }
    }

    @Override
    public void allowRead(String topic, String principal) {
        ResourcePattern resource = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
        call(() -> admin.createAcls(List.of(
                new AclBinding(resource, new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW)),
                new AclBinding(resource, new AccessControlEntry(principal, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW))))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    @Override
    public void revokeRead(String topic, String principal) {
        call(() -> admin.deleteAcls(List.of(new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY))))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    @Override
    public void deleteTopic(String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot delete grant topic " + topic, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete grant topic " + topic, e);
        }
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e.getClass().getSimpleName(), e);
        }
    }
}
