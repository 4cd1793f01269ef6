package io.jitmask.stream;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the lookback catch-up reads of a raw partition: committed records only (read_committed), raw bytes. The
 * masking task calls it from its own stream thread; an implementation keeps one reader per stream thread, never
 * one per grant.
 */
public interface RawLog {
    /** The first record at or after a time: its offset and timestamp. */
    record At(long offset, long timestamp) {
    }

    /** Records read from an offset on, and the position after them (past transaction markers and aborted records). */
    record Batch(List<ConsumerRecord<byte[], byte[]>> records, long position) {
    }

    /** The first record whose timestamp is at or after {@code timestampMs}, or null when there is none yet. */
    At firstAtOrAfter(TopicPartition partition, long timestampMs);

    /** The first offset still on the log (retention may have deleted older ones). */
    long logStart(TopicPartition partition);

    /** The last stable offset: every committed record below it is readable. */
    long lastStable(TopicPartition partition);

    /** How many partitions the topic has (a masking task owns partition p of each raw topic that has it). */
    int partitions(String topic);

    /** Reads committed records from {@code from} on, waiting at most {@code timeout} for some. */
    Batch read(TopicPartition partition, long from, Duration timeout);
}
