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

    /**
     * CPU nanoseconds used so far by every live thread of the process, summed by name with digits and ids dropped
     * (e.g. {@code data-plane-kafka-request-handler-}), plus the JVM's garbage collectors' collection time under
     * {@code "gc (collection time)"}: for telling where a run's CPU went.
     */
    static Map<String, Long> byName() {
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                String name = info.getThreadName().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "").replaceAll("[0-9]+", "");
                out.merge(name, cpu, Long::sum);
            }
        }
        long gc = 0;
        for (java.lang.management.GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime()) * 1_000_000L;
        }
        out.put("gc (collection time)", gc);
        return out;
    }

    /** The {@code top} names whose CPU grew most from {@code before} to {@code after}, in milliseconds. */
    static Map<String, Long> topGrowth(Map<String, Long> before, Map<String, Long> after, int top) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1_000_000L))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
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
