package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The cause of LookbackKillIT's stuck successor, without a broker: one stream thread's tasks take turns on the
 * thread's catch-up consumer, and on a loaded machine a fetch takes longer than one short read. The consumer below
 * behaves as KafkaConsumer does there: a fetch asked for in one poll is answered by the next one; an answer for a
 * partition no longer assigned (or sought elsewhere) is dropped; an answer for a paused partition is kept.
 */
class KafkaRawLogTest {
    static final String TOPIC = "raw.lbk";

    /** KafkaConsumer with a fetch round trip longer than the poll's wait. */
    static final class SlowFetchConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new HashMap<>();
        final Set<TopicPartition> inFlight = new HashSet<>();
        final Set<TopicPartition> fetched = new HashSet<>();

        SlowFetchConsumer() {
            super("none");
        }

        void append(TopicPartition tp, int count) {
            List<ConsumerRecord<byte[], byte[]>> records = log.computeIfAbsent(tp, p -> new ArrayList<>());
            for (int i = 0; i < count; i++) {
                records.add(new ConsumerRecord<>(tp.topic(), tp.partition(), records.size(), new byte[0], new byte[] {1}));
            }
        }

        @Override
        public synchronized void assign(Collection<TopicPartition> partitions) {
            inFlight.retainAll(partitions);
            fetched.retainAll(partitions);
            super.assign(partitions);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            inFlight.remove(partition);
            fetched.remove(partition);
            super.seek(partition, offset);
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            fetched.addAll(inFlight); // the answers to the previous poll's fetches arrive now
            inFlight.clear();
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
            for (TopicPartition tp : assignment()) {
                if (paused().contains(tp)) {
                    continue;
                }
                if (!fetched.remove(tp)) {
                    inFlight.add(tp); // asked now, answered after this poll returned
                    continue;
                }
                long position = position(tp);
                List<ConsumerRecord<byte[], byte[]>> all = log.getOrDefault(tp, List.of());
                List<ConsumerRecord<byte[], byte[]>> batch = all.subList((int) Math.min(position, all.size()), all.size());
                if (!batch.isEmpty()) {
                    out.put(tp, List.copyOf(batch));
                    super.seek(tp, position + batch.size());
                }
            }
            return new ConsumerRecords<>(out, Map.of());
        }
    }

    @Test
    void tasksTakingTurnsOnTheThreadsConsumerEachGetTheirRecordsOnceInOrderWhenAFetchOutlastsARead() {
        SlowFetchConsumer consumer = new SlowFetchConsumer();
        List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                new TopicPartition(TOPIC, 2));
        partitions.forEach(tp -> consumer.append(tp, 5));
        Map<TopicPartition, List<Long>> read = new HashMap<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        try (KafkaRawLog rawLog = new KafkaRawLog(() -> consumer)) {
            // Rounds of the catch-up punctuations: the tasks of partitions 0, 1 and 2 read in turn from where they are.
            for (int round = 0; round < 4; round++) {
                for (TopicPartition tp : partitions) {
                    RawLog.Batch batch = rawLog.read(tp, next.getOrDefault(tp, 0L), Duration.ofMillis(20));
                    batch.records().forEach(r -> read.computeIfAbsent(tp, p -> new ArrayList<>()).add(r.offset()));
                    next.put(tp, batch.position());
                }
            }
        }
        for (TopicPartition tp : partitions) {
            assertThat(read.get(tp)).as("records of %s", tp).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(next.get(tp)).isEqualTo(5L);
        }
    }

    @Test
    void aReadFromAnotherOffsetSeeksAndReturnsFromThere() {
        SlowFetchConsumer consumer = new SlowFetchConsumer();
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        consumer.append(tp, 5);
        try (KafkaRawLog rawLog = new KafkaRawLog(() -> consumer)) {
            assertThat(rawLog.read(tp, 3, Duration.ofMillis(20)).records()).isEmpty(); // fetch asked
            RawLog.Batch batch = rawLog.read(tp, 3, Duration.ofMillis(20));
            assertThat(batch.records()).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
            assertThat(batch.position()).isEqualTo(5L);
            rawLog.read(tp, 1, Duration.ofMillis(20)); // sought back: the answer for offset 5 is dropped
            assertThat(rawLog.read(tp, 1, Duration.ofMillis(20)).records()).extracting(ConsumerRecord::offset)
                    .containsExactly(1L, 2L, 3L, 4L);
        }
    }
}
