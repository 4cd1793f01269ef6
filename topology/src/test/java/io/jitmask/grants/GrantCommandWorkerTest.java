package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.ops.JitmaskMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The worker's bookkeeping when the broker goes away in the middle of its work: a commit that fails makes it drop
 * what it holds and read again from the committed offsets; if the broker cannot even say what those are yet, it
 * must not poll on and commit past the commands it dropped. On Kafka's mock clients; the executor's resources are
 * the recording fake of {@link GrantCommandExecutorTest}.
 */
class GrantCommandWorkerTest {
    static final TopicPartition PARTITION = new TopicPartition(Topics.GRANT_COMMANDS, 0);

    /**
     * A consumer of a one-partition log whose next commits and committed-offset reads fail as they do while the
     * broker is away. A seek reads the log again from there (the mock consumer alone forgets what it returned).
     */
    static final class AwayConsumer extends MockConsumer<String, byte[]> {
        final AtomicInteger failCommits = new AtomicInteger();
        final AtomicInteger failCommittedReads = new AtomicInteger();
        private final List<ConsumerRecord<String, byte[]>> log = new java.util.ArrayList<>();
        private volatile long committedOffset = -1;

        AwayConsumer() {
            super("earliest");
        }

        synchronized void append(String key, GrantCommand command) {
            ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.GRANT_COMMANDS, 0, log.size(), key,
                    command.toBytes());
            log.add(record);
            addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            log.stream().filter(r -> r.offset() >= offset).forEach(this::addRecord);
        }

        @Override
        public synchronized void seekToBeginning(java.util.Collection<TopicPartition> partitions) {
            super.seekToBeginning(partitions);
            log.forEach(this::addRecord);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (failCommits.getAndDecrement() > 0) {
                throw new TimeoutException("broker away");
            }
            super.commitSync(offsets);
            if (offsets.containsKey(PARTITION)) {
                committedOffset = offsets.get(PARTITION).offset();
            }
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            if (failCommittedReads.getAndDecrement() > 0) {
                throw new TimeoutException("broker away");
            }
            return super.committed(partitions);
        }

        /** The offset last committed (-1: none), readable also once the worker closed the consumer. */
        long committedOffset() {
            return committedOffset;
        }
    }

    static GrantCommand provision(String id) {
        return GrantCommand.provision(id, "d", Topics.grant("d", id), Topics.raw("d"), "User:" + id, true, 60_000);
    }

    /**
     * Commands a and b on one partition, b's first attempt failing (so the commit after a's result is at b's offset),
     * that commit failing (the broker went away), then {@code failedReads} reads of the committed offsets failing.
     */
    static AwayConsumer aThenBFailingOnceThenTheBrokerAway(int failedReads) {
        AwayConsumer consumer = new AwayConsumer();
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.append("a", provision("a"));
            consumer.append("b", provision("b"));
        });
        consumer.failCommits.set(1);
        consumer.failCommittedReads.set(failedReads);
        return consumer;
    }

    static GrantCommandWorker worker(AwayConsumer consumer, MockProducer<String, byte[]> results) {
        GrantCommandExecutorTest.RecordingResources resources = new GrantCommandExecutorTest.RecordingResources();
        resources.failTopicOnce.add(Topics.grant("d", "b"));
        GrantCommandExecutor executor = new GrantCommandExecutor(resources,
                new GrantTopicCounter(() -> { throw new AssertionError("no count"); }), Clock.systemUTC());
        return new GrantCommandWorker(consumer, results, executor, Clock.systemUTC(), JitmaskMetrics.none(), 10).start();
    }

    static MockProducer<String, byte[]> results() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void aCommandDroppedWhenTheBrokerWentAwayIsRunAgainEvenIfTheCommittedOffsetsCouldNotBeReadAtOnce() {
        AwayConsumer consumer = aThenBFailingOnceThenTheBrokerAway(1);
        MockProducer<String, byte[]> results = results();
        try (GrantCommandWorker worker = worker(consumer, results)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> consumer.committedOffset() == 2);
            assertThat(results.history().stream().map(r -> GrantResult.fromBytes(r.value()))
                    .filter(r -> r.type() == GrantResult.Type.PROVISIONED).map(GrantResult::requestId).distinct())
                    .as("the offset passed b only once b was provisioned").containsExactlyInAnyOrder("a", "b");
            assertThat(consumer.failCommittedReads.get()).as("the committed offsets were read again after the failed read")
                    .isNegative();
        }
    }

    @Test
    void aWorkerClosedBeforeItCouldReadTheCommittedOffsetsAgainCommitsNothingPastItsDroppedCommands() {
        // The broker stays away: the committed offsets cannot be read until the worker is closed.
        AwayConsumer consumer = aThenBFailingOnceThenTheBrokerAway(Integer.MAX_VALUE);
        GrantCommandWorker worker = worker(consumer, results());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> consumer.failCommittedReads.get() < Integer.MAX_VALUE);
        worker.close();
        assertThat(consumer.committedOffset()).as("nothing committed: b is the next owner's to run").isEqualTo(-1);
    }
}
