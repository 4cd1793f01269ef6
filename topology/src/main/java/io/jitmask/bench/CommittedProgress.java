package io.jitmask.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** How many committed records a topic holds, sampled over time, as a read_committed consumer would see them. */
final class CommittedProgress {
    private final Admin admin;
    private final String topic;
    private final int partitions;

    CommittedProgress(Admin admin, String topic, int partitions) {
        this.admin = admin;
        this.topic = topic;
        this.partitions = partitions;
    }

    long committed() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS).values().stream().collect(Collectors.summingLong(i -> i.offset()));
    }

    /**
     * Samples until {@code target} more committed records than at the start are visible, and returns the samples as
     * (nanoTime, records since start, CPU time of this process). Control records of transactions count as offsets too, so the target is
     * compared against offsets minus one marker per commit at most: callers pass record counts and accept that.
     */
    List<long[]> await(long base, long target, long timeoutSeconds) throws Exception {
        return await(base, target, timeoutSeconds, new java.util.function.LongSupplier[0]);
    }

    /** As above, each sample carrying the values of {@code extra} (e.g. threads' CPU time) after the process CPU. */
    List<long[]> await(long base, long target, long timeoutSeconds, java.util.function.LongSupplier... extra) throws Exception {
        List<long[]> samples = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            long seen = committed() - base;
            long[] sample = new long[3 + extra.length];
            sample[0] = System.nanoTime();
            sample[1] = seen;
            sample[2] = processCpuNanos();
            for (int i = 0; i < extra.length; i++) {
                sample[3 + i] = extra[i].getAsLong();
            }
            samples.add(sample);
            if (seen >= target) {
                return samples;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("only " + samples.get(samples.size() - 1)[1] + " of " + target + " records on "
                + topic + " after " + timeoutSeconds + " s");
    }

    /**
     * CPU time of this whole process: broker, registry and application alike. Per record it is a cost that a
     * neighbour stealing cores changes far less than the wall-clock rate; -1 where the JVM cannot tell.
     */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
