package io.jitmask.grants;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteAclsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grant topics and ACLs through the Kafka Admin API, a batch per request: one describeTopics, createTopics,
 * createAcls, deleteAcls or deleteTopics for every grant of the batch, then each item's own future read, so each
 * grant gets its own outcome. Each step waits for the broker (at most {@link #TIMEOUT_SECONDS} for the whole batch):
 * the lifecycle must know the topic and ACL exist before it publishes a grant as ACTIVE.
 */
public final class AdminGrantResources implements GrantResources {
    private static final Logger LOG = LoggerFactory.getLogger(AdminGrantResources.class);
    private static final long TIMEOUT_SECONDS = 30;
    /**
     * The KRaft controller refuses an operation that would write more than 10,000 metadata records
     * ({@code QuorumController.MAX_RECORDS_PER_USER_OP}); a created topic writes one record, one per partition and
     * one per config. A batch that would write more than half of that is split into several createTopics requests
     * (sent together), which only a raw topic of hundreds of partitions makes happen.
     */
    static final int CONTROLLER_RECORDS_PER_REQUEST = 5_000;
    private static final long SERVED_POLL_MS = 100;
    private static final Map<String, String> TOPIC_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            // The broker stamps each copy with the time it was written, so anyone can verify none came after expiry.
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
            // Once deleted, the clear copies leave the disk within a second, not the broker's default minute.
            TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "1000");

    private final Admin admin;
    private final short replicationFactor;

    public AdminGrantResources(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    @Override
    public Map<String, Outcome<Integer>> partitionsOf(Collection<String> topics) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(topics));
        return Batch.send(distinct, t -> "cannot describe topic " + t,
                () -> admin.describeTopics(distinct).topicNameValues())
                .await(description -> description.partitions().size());
    }

    @Override
    public Map<String, Outcome<Void>> createTopics(List<NewGrantTopic> topics) {
        Map<String, NewTopic> distinct = new LinkedHashMap<>();
        for (NewGrantTopic t : topics) {
            Map<String, String> configs = new LinkedHashMap<>(TOPIC_CONFIGS);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retentionMs()));
            distinct.putIfAbsent(t.topic(), new NewTopic(t.topic(), t.partitions(), replicationFactor).configs(configs));
        }
        return Batch.send(List.copyOf(distinct.keySet()), t -> "cannot create grant topic " + t,
                () -> {
                    Map<String, KafkaFuture<Void>> futures = new LinkedHashMap<>();
                    for (List<NewTopic> request : controllerSized(distinct.values())) {
                        futures.putAll(admin.createTopics(request).values());
                    }
                    return futures;
                })
                .ignoring(TopicExistsException.class, "grant topics existed already, counted as created")
                .await(v -> null);
    }

    @Override
    public Map<String, Outcome<Void>> awaitServed(List<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Map<String, Outcome<Void>> out = new LinkedHashMap<>();
        List<String> waiting = List.copyOf(new LinkedHashSet<>(topics));
        while (true) {
            List<String> asked = waiting;
            Map<String, Outcome<Boolean>> served = Batch.send(asked, t -> "grant topic " + t + " is not served",
                    () -> admin.describeTopics(asked).topicNameValues())
                    .await(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            List<String> again = new ArrayList<>();
            for (String topic : waiting) {
                Outcome<Boolean> one = served.get(topic);
                if (one.succeeded() && one.value()) {
                    out.put(topic, Outcome.ok(null));
                } else if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                    out.put(topic, one.succeeded()
                            ? Outcome.failed(new IllegalStateException("grant topic " + topic + " has a partition without a leader"))
                            : Outcome.failed(one.failure()));
                } else {
                    again.add(topic);
                }
            }
            if (again.isEmpty()) {
                return out;
            }
            waiting = again;
            try {
                // The broker applies new topics in the order the controller wrote them: a short wait, then ask again.
                Thread.sleep(SERVED_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Topics in requests of at most {@link #CONTROLLER_RECORDS_PER_REQUEST} metadata records each. */
    static List<List<NewTopic>> controllerSized(Collection<NewTopic> topics) {
        List<List<NewTopic>> requests = new ArrayList<>();
        List<NewTopic> current = new ArrayList<>();
        int records = 0;
        for (NewTopic topic : topics) {
            int its = 1 + topic.numPartitions() + topic.configs().size();
            if (!current.isEmpty() && records + its > CONTROLLER_RECORDS_PER_REQUEST) {
                requests.add(current);
                current = new ArrayList<>();
                records = 0;
            }
            current.add(topic);
            records += its;
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    @Override
    public Map<Access, Outcome<Void>> allowRead(List<Access> accesses) {
        List<Access> distinct = List.copyOf(new LinkedHashSet<>(accesses));
        Map<Access, List<AclBinding>> bindings = new LinkedHashMap<>();
        for (Access access : distinct) {
            ResourcePattern resource = new ResourcePattern(ResourceType.TOPIC, access.topic(), PatternType.LITERAL);
            bindings.put(access, List.of(
                    new AclBinding(resource, new AccessControlEntry(access.principal(), "*", AclOperation.READ, AclPermissionType.ALLOW)),
                    new AclBinding(resource, new AccessControlEntry(access.principal(), "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW))));
        }
        return Batch.send(distinct, a -> "cannot add the ACLs of " + a.principal() + " on " + a.topic(),
                () -> {
                    Map<AclBinding, KafkaFuture<Void>> futures = admin.createAcls(
                            bindings.values().stream().flatMap(List::stream).toList()).values();
                    Map<Access, KafkaFuture<Void>> byAccess = new LinkedHashMap<>();
                    bindings.forEach((access, both) -> byAccess.put(access,
                            KafkaFuture.allOf(both.stream().map(futures::get).toArray(KafkaFuture[]::new))));
                    return byAccess;
                })
                .await(v -> null);
    }

    @Override
    public Map<Access, Outcome<Void>> revokeRead(List<Access> accesses) {
        List<Access> distinct = List.copyOf(new LinkedHashSet<>(accesses));
        Map<Access, AclBindingFilter> filters = new LinkedHashMap<>();
        for (Access access : distinct) {
            filters.put(access, new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, access.topic(), PatternType.LITERAL),
                    new AccessControlEntryFilter(access.principal(), null, AclOperation.ANY, AclPermissionType.ANY)));
        }
        return Batch.send(distinct, a -> "cannot remove the ACLs of " + a.principal() + " on " + a.topic(),
                () -> {
                    Map<AclBindingFilter, KafkaFuture<DeleteAclsResult.FilterResults>> futures =
                            admin.deleteAcls(filters.values()).values();
                    Map<Access, KafkaFuture<DeleteAclsResult.FilterResults>> byAccess = new LinkedHashMap<>();
                    filters.forEach((access, filter) -> byAccess.put(access, futures.get(filter)));
                    return byAccess;
                })
                .await(results -> {
                    // A filter can succeed while one of the bindings it matched could not be deleted.
                    for (DeleteAclsResult.FilterResult result : results.values()) {
                        if (result.exception() != null) {
                            throw result.exception();
                        }
                    }
                    return null;
                });
    }

    @Override
    public Map<String, Outcome<Void>> deleteTopics(List<String> topics) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(topics));
        return Batch.send(distinct, t -> "cannot delete grant topic " + t,
                () -> admin.deleteTopics(distinct).topicNameValues())
                .ignoring(UnknownTopicOrPartitionException.class, "grant topics were gone already, counted as deleted")
                .await(v -> null);
    }

    /**
     * One Admin request for a batch of items and the per-item futures it answered with, awaited against one
     * deadline; each item's failure names the item and the cause's class (never a value: items are topic names and
     * principals). A request that cannot even be sent fails every item with the same cause.
     */
    private static final class Batch<K, R> {
        private final List<K> items;
        private final Function<K, String> what;
        private Map<K, KafkaFuture<R>> futures;
        private RuntimeException sendFailure;
        private Class<? extends Throwable> done;
        private String doneNote;
        private int alreadyDone;

        private Batch(List<K> items, Function<K, String> what) {
            this.items = items;
            this.what = what;
        }

        interface Request<K, R> {
            Map<K, KafkaFuture<R>> send();
        }

        /** Sends the one request for the items (none for no item). */
        static <K, R> Batch<K, R> send(List<K> items, Function<K, String> what, Request<K, R> request) {
            Batch<K, R> batch = new Batch<>(items, what);
            if (items.isEmpty()) {
                batch.futures = Map.of();
                return batch;
            }
            try {
                batch.futures = request.send();
            } catch (RuntimeException e) {
                batch.sendFailure = e;
            }
            return batch;
        }

        /**
         * An item failing with this cause counts as done: the step is idempotent. How many did is logged with
         * {@code note}: an earlier attempt did it but its answer was lost (the broker went away before it answered),
         * or the command runs again after a crash or a handover.
         */
        Batch<K, R> ignoring(Class<? extends Throwable> cause, String note) {
            this.done = cause;
            this.doneNote = note;
            return this;
        }

        <V> Map<K, Outcome<V>> await(ResultReader<R, V> read) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            Map<K, Outcome<V>> out = new LinkedHashMap<>();
            for (K item : items) {
                out.put(item, one(item, read, deadline));
            }
            if (alreadyDone > 0) {
                LOG.info("{} of {} {}", alreadyDone, items.size(), doneNote);
            }
            return out;
        }

        private <V> Outcome<V> one(K item, ResultReader<R, V> read, long deadline) {
            if (sendFailure != null) {
                return Outcome.failed(new IllegalStateException(what.apply(item) + ": "
                        + sendFailure.getClass().getSimpleName(), sendFailure));
            }
            KafkaFuture<R> future = futures.get(item);
            if (future == null) {
                return Outcome.failed(new IllegalStateException(what.apply(item) + ": the broker did not answer for it"));
            }
            try {
                R result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return Outcome.ok(read.read(result));
            } catch (ExecutionException e) {
                if (done != null && done.isInstance(e.getCause())) {
                    alreadyDone++;
                    return Outcome.ok(null);
                }
                return Outcome.failed(new IllegalStateException(what.apply(item) + ": "
                        + e.getCause().getClass().getSimpleName(), e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.failed(new IllegalStateException(what.apply(item) + ": interrupted", e));
            } catch (Exception e) {
                // A TimeoutException of the wait, or one a reader threw (an ACL a filter could not delete).
                return Outcome.failed(new IllegalStateException(what.apply(item) + ": " + e.getClass().getSimpleName(), e));
            }
        }
    }

    private interface ResultReader<R, V> {
        V read(R result) throws Exception;
    }
}
