package io.jitmask.grants;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The commands a worker holds for the partitions of {@code jit.grant-commands} it owns, with their retry times.
 * Commands of one request run in log order (a request's commands share its partition); commands of different
 * requests never wait for each other, so one failing grant does not hold up the rest. A failed command is retried
 * with exponential backoff (capped) for as long as the worker owns its partition: without limit, because the grant
 * needs it. The committable offset of a partition is that of its oldest unfinished command, so a new owner resumes
 * from there. Not thread-safe: the worker's poll thread owns it.
 */
public final class GrantCommandQueue {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A command failing this many times is reported (metric, result, audit), then every {@link #REPORT_EVERY} more. */
    static final int REPORT_AFTER = 5;
    static final int REPORT_EVERY = 20;

    /** One command waiting to run, or to run again. */
    public record Pending(TopicPartition partition, long offset, GrantCommand command, int failures, Instant nextAttempt) {
    }

    private final Clock clock;
    private final Map<TopicPartition, TreeMap<Long, Pending>> byPartition = new HashMap<>();

    public GrantCommandQueue(Clock clock) {
        this.clock = clock;
    }

    public void add(TopicPartition partition, long offset, GrantCommand command) {
        Instant now = clock.instant();
        Instant first = command.notBefore() != null && command.notBefore().isAfter(now) ? command.notBefore() : now;
        byPartition.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, new Pending(partition, offset, command, 0, first));
    }

    /** Commands to run now, oldest first: due, and not behind an unfinished earlier command of their request. */
    public List<Pending> due() {
        Instant now = clock.instant();
        List<Pending> out = new ArrayList<>();
        for (TreeMap<Long, Pending> pending : byPartition.values()) {
            Set<String> blocked = new HashSet<>();
            for (Pending p : pending.values()) {
                if (blocked.add(p.command().requestId()) && !p.nextAttempt().isAfter(now)) {
                    out.add(p);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Pending::nextAttempt));
        return out;
    }

    public void done(Pending pending) {
        TreeMap<Long, Pending> of = byPartition.get(pending.partition());
        if (of != null) {
            of.remove(pending.offset());
        }
    }

    /**
     * Schedules the next attempt of a failed command.
     *
     * @return the failures so far when they should be reported now, else 0
     */
    public int failed(Pending pending) {
        TreeMap<Long, Pending> of = byPartition.get(pending.partition());
        if (of == null || !of.containsKey(pending.offset())) {
            return 0;
        }
        int failures = pending.failures() + 1;
        of.put(pending.offset(), new Pending(pending.partition(), pending.offset(), pending.command(), failures,
                clock.instant().plus(backoff(failures))));
        return failures == REPORT_AFTER || failures > REPORT_AFTER && (failures - REPORT_AFTER) % REPORT_EVERY == 0
                ? failures : 0;
    }

    static Duration backoff(int failures) {
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 16));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** The partition's offset to commit: its oldest unfinished command, or {@code position} when none is left. */
    public long committable(TopicPartition partition, long position) {
        TreeMap<Long, Pending> of = byPartition.get(partition);
        return of == null || of.isEmpty() ? position : of.firstKey();
    }

    /** The worker no longer owns these partitions: their commands are the new owner's now. */
    public void drop(Collection<TopicPartition> partitions) {
        partitions.forEach(byPartition::remove);
    }

    /** When the next command is due, or null when none is held. */
    public Instant nextDue() {
        return byPartition.values().stream().flatMap(m -> m.values().stream()).map(Pending::nextAttempt)
                .min(Instant::compareTo).orElse(null);
    }

    public int size() {
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }

    /** Commands that failed at least {@link #REPORT_AFTER} times and are still retried. */
    public int failing() {
        return (int) byPartition.values().stream().flatMap(m -> m.values().stream())
                .filter(p -> p.failures() >= REPORT_AFTER).count();
    }
}
