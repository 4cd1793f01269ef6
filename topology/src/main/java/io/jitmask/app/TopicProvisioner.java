package io.jitmask.app;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics jitmask reads and writes, when they do not exist yet. Existing topics are left as they are. */
public final class TopicProvisioner {
    private TopicProvisioner() {
    }

    public static List<NewTopic> topicsFor(JitmaskConfig config) {
        int partitions = config.topicPartitions();
        short replication = config.topicReplicationFactor();
        List<NewTopic> topics = new ArrayList<>();
        for (String dataset : config.datasets()) {
            topics.add(new NewTopic(Topics.raw(dataset), partitions, replication));
            topics.add(new NewTopic(Topics.masked(dataset), partitions, replication));
        }
        topics.add(new NewTopic(Topics.APPROVALS, partitions, replication));
        topics.add(new NewTopic(Topics.GRANTS, partitions, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        // One partition: it is read whole by every instance (global store), and it stays small (paths, tags).
        topics.add(new NewTopic(Topics.CLASSIFICATION, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        // Passkeys: one partition, read whole by the lifecycle (global store); the newest event per credential is kept.
        topics.add(new NewTopic(Topics.CREDENTIALS, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(new NewTopic(Topics.AUDIT, partitions, replication));
        topics.add(new NewTopic(Topics.DLQ, partitions, replication));
        topics.add(new NewTopic(Topics.GRANT_COMMANDS, partitions, replication));
        // Partitioned as jit.approvals (same count, same key): a request's results reach its lifecycle task.
        topics.add(new NewTopic(Topics.GRANT_RESULTS, partitions, replication));
        if (config.auditCloudEventsTopic() != null) {
            topics.add(new NewTopic(config.auditCloudEventsTopic(), partitions, replication));
        }
        return topics;
    }

    /**
     * The controller answers a creation before the broker serves the new topic's metadata; a global store whose
     * topic has no partitions yet fails Kafka Streams' start-up ("no partitions available"), so wait for them.
     */
    private static void awaitVisible(Admin admin, List<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!names.isEmpty()) {
            try {
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    public static void ensure(Admin admin, JitmaskConfig config) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>(topicsFor(config).stream().filter(t -> !existing.contains(t.name())).toList());
            if (existing.contains(Topics.APPROVALS)) {
                // jit.grant-results must have the partition count of jit.approvals, whatever it was created with.
                int approvals = admin.describeTopics(List.of(Topics.APPROVALS)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(Topics.APPROVALS).partitions().size();
                missing.replaceAll(t -> t.name().equals(Topics.GRANT_RESULTS)
                        ? new NewTopic(t.name(), approvals, config.topicReplicationFactor()) : t);
            }
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitVisible(admin, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create jitmask topics: " + e.getMessage(), e);
        }
    }
}
