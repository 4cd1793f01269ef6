package io.jitmask.backfill;

import io.jitmask.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backfill reads, per raw partition: from the first offset whose timestamp is in the window (Kafka's
 * {@code offsetsForTimes}) up to, not including, the live boundary. Records older than the topic's retention are
 * simply not there; {@link #reachedBack} says how far back the available records go.
 *
 * @param ranges           per partition, offsets {@code [from, until)}; partitions with nothing to read are absent
 * @param reachedBack      timestamp of the oldest record available in the window, null when there is none
 * @param retentionLimited partitions whose first record in the window is the first record still on the log, so
 *                         records of the window may already have been deleted
 */
public record BackfillPlan(Instant windowFrom, Instant windowTo, Map<Integer, Range> ranges, Instant reachedBack,
                           List<Integer> retentionLimited) {

    public record Range(long from, long until) {
    }

    /** The first record of a partition at or after the window start: its offset and timestamp. */
    public record First(long offset, long timestamp) {
    }

    /**
     * @param boundaries     per partition, the live boundary (exclusive end of the backfill)
     * @param firstInWindow  per partition, the first record with a timestamp at or after windowFrom (absent: none)
     * @param logStarts      per partition, the first offset still on the log
     */
    public static BackfillPlan of(Instant windowFrom, Instant windowTo, Map<Integer, Long> boundaries,
                                  Map<Integer, First> firstInWindow, Map<Integer, Long> logStarts) {
        Map<Integer, Range> ranges = new TreeMap<>();
        Long oldest = null;
        List<Integer> limited = new java.util.ArrayList<>();
        for (Map.Entry<Integer, Long> boundary : new TreeMap<>(boundaries).entrySet()) {
            int partition = boundary.getKey();
            First first = firstInWindow.get(partition);
            if (first == null || first.offset() >= boundary.getValue()) {
                continue;
            }
            ranges.put(partition, new Range(first.offset(), boundary.getValue()));
            oldest = oldest == null ? first.timestamp() : Math.min(oldest, first.timestamp());
            long logStart = logStarts.getOrDefault(partition, 0L);
            if (logStart > 0 && first.offset() <= logStart) {
                limited.add(partition);
            }
        }
        return new BackfillPlan(windowFrom, windowTo, Map.copyOf(ranges), oldest == null ? null : Instant.ofEpochMilli(oldest),
                List.copyOf(limited));
    }

    /** The planned offsets as the audit shows them: first and last offset per partition, inclusive. */
    public Map<String, AuditEvent.OffsetRange> auditOffsets() {
        Map<String, AuditEvent.OffsetRange> out = new TreeMap<>();
        ranges.forEach((p, r) -> out.put(Integer.toString(p), new AuditEvent.OffsetRange(r.from(), r.until() - 1)));
        return out;
    }

    /** For the audit: why the copy may reach less far back than asked, or null. */
    public String retentionNote() {
        if (retentionLimited.isEmpty()) {
            return null;
        }
        return "partitions " + retentionLimited + " start at their oldest retained record: older records of the window"
                + " are past the topic's retention and cannot be copied";
    }
}
