package io.jitmask.notify;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notifications of one webhook, on a thread of its own. Each webhook has its own consumer group
 * ({@link #groupId}), so it reads, retries and commits independently: a slow or failing receiver never delays
 * another's deliveries, and a restart repeats nothing another webhook already had. Its consumer subscribes to {@code jit.audit} and {@code jit.grants}; Kafka decides which
 * instance owns which partitions, so with several instances each event is notified by one of them, and a restart
 * or a handover resumes from the group's committed offsets.
 * <ul>
 *   <li>{@code jit.audit}: each event people hear about ({@link AuditNotifications}) is delivered, then the offsets
 *       are committed: delivery is at least once, a crash between the two repeats a notification with the same id.
 *       A partition the group has never committed starts at its end, and that start is committed on assignment, so
 *       turning notifications on does not replay history and nothing written after that is missed.</li>
 *   <li>{@code jit.grants}: read from the beginning on every assignment (compacted: one record per live grant) to
 *       know the live grants and remind their grantees {@code jitmask.notify.reminder.lead.seconds} before expiry.
 *       Its offsets are never committed.</li>
 * </ul>
 */
final class WebhookNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final int MAX_POLL_RECORDS = 10;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AuditNotifications notifications;
    private final WebhookSender sender;
    private final ExpiryReminders reminders;
    private final Clock clock;
    private final Set<NotificationType> types;
    private final Map<Integer, Long> grantsEndAtAssignment = new HashMap<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    WebhookNotifier(Properties consumerProps, AuditNotifications notifications, WebhookSender sender,
                    Set<NotificationType> types, Duration reminderLead, Clock clock) {
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.notifications = notifications;
        this.sender = sender;
        this.reminders = new ExpiryReminders(reminderLead);
        this.clock = clock;
        this.types = Set.copyOf(types);
        this.thread = new Thread(this::run, "jitmask-notifier-" + sender.name());
        thread.setDaemon(true);
    }

    /**
     * {@code <application.id>-notify} for {@code default} (the group of the single-webhook releases, so an upgrade
     * resumes where it was), {@code <application.id>-notify-<name>} for the others.
     */
    static String groupId(String applicationId, String webhook) {
        return WebhookSender.DEFAULT_NAME.equals(webhook) ? applicationId + "-notify" : applicationId + "-notify-" + webhook;
    }

    void start() {
        thread.start();
    }

    static Properties consumerProps(JitmaskConfig config, WebhookSender sender) {
        Properties props = config.clientProperties();
        String group = groupId(config.applicationId(), sender.name());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        // A batch may wait on a receiver that is down: give it every retry of every record before the group evicts us.
        long maxPoll = Math.max(300_000, sender.worstCase().toMillis() * MAX_POLL_RECORDS + 60_000);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Math.min(Integer.MAX_VALUE, maxPoll)));
        return props;
    }

    /** Blocks until the group gave this notifier its partitions and their start positions are known. */
    public boolean awaitAssigned(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private final ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forgetGrants(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forgetGrants(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> grants = partitions.stream().filter(tp -> tp.topic().equals(Topics.GRANTS)).toList();
            consumer.seekToBeginning(grants);
            consumer.endOffsets(grants).forEach((tp, end) -> {
                reminders.assigned(tp.partition());
                grantsEndAtAssignment.put(tp.partition(), end);
            });
            // A partition the group never committed starts at its current end, and that start is committed at once:
            // events written while no notifier runs later are then still notified (per partition, not only for
            // partitions that happened to carry an event while a notifier ran).
            Set<TopicPartition> audit = partitions.stream().filter(tp -> tp.topic().equals(Topics.AUDIT))
                    .collect(java.util.stream.Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(audit);
            Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
            for (TopicPartition tp : audit) {
                long position = consumer.position(tp);
                if (committed.get(tp) == null) {
                    starts.put(tp, new OffsetAndMetadata(position));
                }
            }
            if (!starts.isEmpty()) {
                consumer.commitSync(starts);
            }
            assigned.countDown();
        }
    };

    private void forgetGrants(Collection<TopicPartition> partitions) {
        List<Integer> grants = partitions.stream().filter(tp -> tp.topic().equals(Topics.GRANTS))
                .map(TopicPartition::partition).toList();
        reminders.revoked(grants);
        grants.forEach(grantsEndAtAssignment::remove);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.AUDIT, Topics.GRANTS), listener);
            while (running) {
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(Topics.GRANTS)) {
                        grant(record);
                    } else {
                        audit(record);
                        done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                    }
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
                markCaughtUp();
                for (Grant grant : reminders.due(clock.instant())) {
                    if (types.contains(NotificationType.GRANT_EXPIRING)) {
                        sender.deliver(notifications.expiring(grant, clock.instant()));
                    }
                }
            }
        } catch (WakeupException | InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            // closing: what was delivered but not committed is delivered again by the next owner (same ids)
        } catch (RuntimeException e) {
            LOG.error("notifier stopped ({}): no more notifications from this instance", e.getClass().getSimpleName());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void audit(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        if (record.value() == null) {
            return;
        }
        AuditEvent event;
        try {
            event = AuditEvent.fromBytes(record.value());
        } catch (IllegalArgumentException e) {
            return; // not an audit event: jitmask never writes one
        }
        if (event.type() == null) {
            return;
        }
        var notification = notifications.of(record.partition(), record.offset(), event);
        if (notification.isPresent() && !notification.get().recipients().isEmpty()
                && types.contains(notification.get().type())) {
            sender.deliver(notification.get());
        }
    }

    private void grant(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (key == null) {
            return;
        }
        Grant grant = null;
        if (record.value() != null) {
            try {
                grant = GrantJson.fromBytes(record.value());
            } catch (RuntimeException e) {
                return; // only jitmask writes jit.grants
            }
        }
        reminders.update(record.partition(), key, grant);
    }

    private void markCaughtUp() {
        for (Map.Entry<Integer, Long> entry : Map.copyOf(grantsEndAtAssignment).entrySet()) {
            TopicPartition tp = new TopicPartition(Topics.GRANTS, entry.getKey());
            if (consumer.position(tp) >= entry.getValue()) {
                reminders.caughtUp(entry.getKey());
                grantsEndAtAssignment.remove(entry.getKey());
            }
        }
    }

    /**
     * Stops after the batch at hand is delivered and committed (a poll lasts 200 ms), so a clean stop repeats
     * nothing; a delivery still retrying after 5 s is interrupted, and the next owner delivers it again.
     */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                consumer.wakeup();
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
