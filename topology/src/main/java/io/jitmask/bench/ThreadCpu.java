package io.jitmask.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of one application's threads in this process, split into its masking path and its control plane, by
 * thread name: Kafka Streams names a stream thread {@code <application.id>-<uuid>-StreamThread-N} and its clients'
 * threads after it (e.g. {@code kafka-producer-network-thread | <application.id>-<uuid>-StreamThread-1-producer}), and
 * the control plane's application id is the masking one plus {@code -control}. Only stream threads and their clients
 * count (the lookback catch-up reads on the stream thread; the grant command worker is in neither group). On a shared machine the CPU a thread
 * used per record moves far less than records/s, and it says which side paid for what: the in-process broker and
 * registry are in neither group.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String maskingPrefix;
    private final String controlPrefix;
    /** Thread id to its group (0 masking, 1 control, -1 neither), decided once per thread. */
    private final Map<Long, Integer> groups = new HashMap<>();

    ThreadCpu(String applicationId, String controlApplicationId) {
        this.maskingPrefix = applicationId + "-";
        this.controlPrefix = controlApplicationId + "-";
    }

    /** CPU nanoseconds used so far by the live threads of each group: {masking, control}. */
    synchronized long[] nanos() {
        long[] out = new long[2];
        for (long id : THREADS.getAllThreadIds()) {
            Integer group = groups.get(id);
            if (group == null) {
                ThreadInfo info = THREADS.getThreadInfo(id);
                if (info == null) {
                    continue;
                }
                group = groupOf(info.getThreadName());
                groups.put(id, group);
            }
            if (group < 0) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu > 0) {
                out[group] += cpu;
            }
        }
        return out;
    }

    long masking() {
        return nanos()[0];
    }

    long control() {
        return nanos()[1];
    }

    private int groupOf(String name) {
        // Stream threads and their clients only (not the grant command worker or the audit producer).
        if (!name.contains("-StreamThread-")) {
            return -1;
        }
        // The control plane's id extends the masking one: test it first.
        if (name.contains(controlPrefix)) {
            return 1;
        }
        return name.contains(maskingPrefix) ? 0 : -1;
    }
}
