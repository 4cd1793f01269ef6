package io.jitmask.stream;

import io.jitmask.config.Topics;
import io.jitmask.grants.CatchUp;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.grants.GrantIndex;
import io.jitmask.grants.GrantResult;
import io.jitmask.grants.LedgerEntry;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.registry.RegistryUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The past window of lookback grants, copied by the masking task that owns the raw partition, from its wall-clock
 * punctuation, in its exactly-once transaction: copies, ledger entries (with the {@link CatchUp} state) and
 * catch-up results on {@code jit.grant-results} commit together, so a kill, a replay or a handover resumes exactly
 * where the last commit left off. One read serves every pending lookback grant of the partition (each record is
 * read once and copied to each grant whose window and filter match it), at most {@link #ROUND} of thread time per
 * round and within the instance's {@link CatchUpBudget} of copies per second, so masking is never held up long.
 * The split with live copies is {@link CatchUp}'s: no gap, no duplicate. Metadata only in results and logs.
 */
final class LookbackCatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(LookbackCatchUp.class);
    /** Thread time one round may take at most (rounds every 100 ms: at most about a fifth of the thread while catching up). */
    static final Duration ROUND = Duration.ofMillis(25);
    /**
     * Thread time a round may take at most while the instance's masking path lags: a task's round comes once a second
     * then ({@link #LAGGING_EVERY}), but a stream thread has a task per raw partition, each with its own round; at 25 ms
     * each, three tasks took 7.5% of a backlogged thread. At 5 ms the catch-ups of a thread's three tasks take about
     * 1.5% while masking catches up, and still move on (a round always reads once).
     */
    static final Duration LAGGING_ROUND = Duration.ofMillis(5);
    /** How long one read waits for records the log already has. */
    private static final Duration READ_WAIT = Duration.ofMillis(20);
    /**
     * While masking lags a read does not wait: a wait blocks the stream thread (no CPU, but no masking either), 20 ms
     * per task per round was 6% of a three-task thread. A read that finds nothing buffered asks the broker; what comes
     * back is kept for the partition (see {@link KafkaRawLog}) and read by the next round.
     */
    private static final Duration LAGGING_READ_WAIT = Duration.ZERO;
    /**
     * Windows a round resolves whatever its time (each is at most two broker look-ups, shared by grants of the same
     * times): beyond them it resolves only within {@link #ROUND}. Grants resolved in different rounds read the
     * records between their starts twice, so a handful approved together still start together.
     */
    private static final int MIN_RESOLVED_PER_ROUND = 32;
    /** Copies one round takes from the budget at most. */
    private static final int MAX_PER_ROUND = 5_000;

    /** Where a round's outputs go: the task's sinks. */
    interface Out {
        void copy(GrantCopier.Copy copy, ConsumerRecord<byte[], byte[]> source, Headers headers);

        void result(GrantResult result);
    }

    /**
     * How often a task runs a round while the instance's masking path lags (instead of every
     * {@link MaskingProcessor#CATCH_UP_EVERY}): live masking comes first, and a round's cost is not only its copying
     * (bounded by {@link #ROUND} and the budget) but also looking at every pending grant and reporting on it. A
     * tenth of the rounds, never none, so a catch-up still moves on an instance that lags for good.
     */
    static final Duration LAGGING_EVERY = Duration.ofSeconds(1);

    /**
     * What the catch-up needs beyond the task: the raw log, the budget, how often progress is reported, and whether
     * masking lags right now.
     */
    record Settings(RawLog log, CatchUpBudget budget, Duration progressInterval, java.util.function.BooleanSupplier maskingLags) {
        Settings(RawLog log, CatchUpBudget budget, Duration progressInterval) {
            this(log, budget, progressInterval, () -> false);
        }
    }

    private final GrantIndex grants;
    private final GrantCopier copier;
    private final Settings settings;
    private final Duration copyCutoff;
    private final JitmaskMetrics metrics;
    /**
     * Grants (requestId) whose catch-up on this task's partition is over: a cache of the ledger, so a round reads no
     * store for them. Cleared when the task is initialised again (after an aborted transaction rolled the store back).
     */
    private final java.util.Set<String> settled = new java.util.HashSet<>();
    /**
     * Per raw partition, a last stable offset read after every grant pending there was resolved by this task instance
     * (or restored from the store at its initialisation): the bound of catch-ups without a live copy. Any such value
     * is exact: it is at least the masking position at the moment each grant became visible, so every record masked
     * before then lies below it (copied by the catch-up) and every record masked after at or above the catch-up's
     * {@code next} is copied live. Kept across rounds, so a round asks the broker for it only when it resolved a
     * window (and read it then anyway), not every round (a blocking call on the masking thread, three a second per
     * thread while masking lags). Cleared when the task is initialised again.
     */
    private final Map<TopicPartition, Long> boundSince = new java.util.HashMap<>();
    /** When this task's last round ran (null: none yet), for {@link #LAGGING_EVERY}. */
    private Instant lastRound;

    LookbackCatchUp(GrantIndex grants, GrantCopier copier, Settings settings, Duration copyCutoff, JitmaskMetrics metrics) {
        this.grants = grants;
        this.copier = copier;
        this.settings = settings;
        this.copyCutoff = copyCutoff;
        this.metrics = metrics;
    }

    void reset() {
        settled.clear();
        boundSince.clear();
    }

    /** One round for the task's raw partition {@code partition} of every dataset with a pending lookback grant. */
    void run(DisclosureLedger ledger, int partition, Instant now, Out out) {
        java.util.Collection<Grant> live = grants.lookback();
        if (settled.size() > 2 * live.size() + 100) {
            // Forget grants that are gone, now and then (never while one is live: it would only cost a store read).
            java.util.Set<String> ids = new java.util.HashSet<>();
            live.forEach(g -> ids.add(g.requestId()));
            settled.retainAll(ids);
        }
        if (live.isEmpty()) {
            return;
        }
        boolean lags = settings.maskingLags().getAsBoolean();
        if (lastRound != null && now.isBefore(lastRound.plus(LAGGING_EVERY)) && lags) {
            return; // masking first
        }
        Duration round = lags ? LAGGING_ROUND : ROUND;
        Duration readWait = lags ? LAGGING_READ_WAIT : READ_WAIT;
        lastRound = now;
        Map<String, List<Grant>> byDataset = new LinkedHashMap<>();
        for (Grant grant : live) {
            if (settled.contains(grant.requestId())) {
                continue;
            }
            byDataset.computeIfAbsent(grant.dataset(), d -> new ArrayList<>()).add(grant);
        }
        for (Map.Entry<String, List<Grant>> dataset : byDataset.entrySet()) {
            try {
                String raw = Topics.raw(dataset.getKey());
                if (partition >= settings.log().partitions(raw)) {
                    continue; // this task has no partition of that topic
                }
                catchUp(ledger, new TopicPartition(raw, partition), dataset.getKey(), dataset.getValue(), now, round, readWait,
                        out);
            } catch (RegistryUnavailableException | org.apache.kafka.common.errors.TimeoutException e) {
                // Transient: the state is as far as the copies written; the next round goes on from there.
                LOG.info("lookback catch-up of {} partition {} waits: {}", dataset.getKey(), partition, e.getClass().getSimpleName());
            }
        }
    }

    /**
     * One pending grant in one round: its ledger entry as it stood before the round, as the round leaves it, and the
     * exclusive end of its catch-up. Held in a list, not in maps keyed by {@link Grant}: a record's hash code hashes
     * every field, and with 1,000 pending grants the rounds' map look-ups were a tenth of the masking thread.
     */
    private static final class Pending {
        final Grant grant;
        final LedgerEntry before;
        LedgerEntry entry;
        long bound;

        Pending(Grant grant, LedgerEntry entry) {
            this.grant = grant;
            this.before = entry;
            this.entry = entry;
        }
    }

    private void catchUp(DisclosureLedger ledger, TopicPartition tp, String dataset, List<Grant> candidates, Instant now,
                         Duration round, Duration readWait, Out out) {
        // One deadline for the whole round: resolving windows (broker look-ups) and copying alike.
        long deadline = System.nanoTime() + round.toNanos();
        RawLog log = new RoundLog(settings.log());
        int resolved = 0;
        List<Pending> pending = new ArrayList<>();
        for (Grant grant : candidates) {
            // From the ledger's entries in memory (in step with the store): no store read, no JSON, per grant per round.
            LedgerEntry entry = ledger.entry(grant.requestId(), tp.partition());
            if (entry.closed() || !entry.catchUpOrNew().pending()) {
                settled.add(grant.requestId());
                continue;
            }
            if (!grants.contains(grant.key()) || grants.isTopicDeleted(grant.topic())) {
                continue;
            }
            if (!grant.isLiveAt(now.plus(copyCutoff))) {
                // As for live copies: nothing is copied after expiresAt minus the cutoff.
                CatchUp stopped = entry.catchUpOrNew().withStatus(CatchUp.Status.STOPPED);
                ledger.put(grant.requestId(), tp.partition(), entry.withCatchUp(stopped));
                out.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_STOPPED, grant.requestId(), now, tp.partition(),
                        stopped, "grant expires at " + grant.expiresAt() + " (copies stop " + copyCutoff.toMillis() + " ms before)"));
                continue;
            }
            if (!entry.catchUpOrNew().resolved()) {
                // Each window takes look-ups on the broker: hundreds of grants approved at once would hold the
                // thread (and masking) for seconds in one round. The rest wait for the next round; their live copies
                // go on meanwhile (an unresolved start is bounded by liveFrom when it is resolved).
                if (resolved >= MIN_RESOLVED_PER_ROUND && System.nanoTime() - deadline > 0) {
                    continue;
                }
                entry = entry.withCatchUp(resolve(log, grant, tp, entry.catchUpOrNew(), now, out));
                ledger.put(grant.requestId(), tp.partition(), entry);
                resolved++;
            }
            pending.add(new Pending(grant, entry));
        }
        if (pending.isEmpty()) {
            return;
        }
        Long lastStable = null;
        for (Pending p : pending) {
            if (p.entry.catchUp().liveFrom() == null) {
                // Read again only after this round resolved a window (RoundLog: the value resolve read this round).
                lastStable = resolved > 0 || !boundSince.containsKey(tp) ? log.lastStable(tp) : boundSince.get(tp);
                boundSince.put(tp, lastStable);
                break;
            }
        }
        for (Pending p : pending) {
            p.bound = p.entry.catchUp().bound(lastStable == null ? 0 : lastStable);
        }
        try {
            copy(log, tp, dataset, pending, deadline, readWait, out);
        } finally {
            for (Pending p : pending) {
                CatchUp state = p.entry.catchUp();
                if (state.next() >= p.bound) {
                    state = state.withStatus(CatchUp.Status.COMPLETED);
                    out.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_COMPLETED, p.grant.requestId(), now,
                            tp.partition(), state, null));
                } else if (state.progressDue(now, settings.progressInterval())) {
                    state = state.reported(now);
                    out.result(GrantResult.catchUp(GrantResult.Type.CATCH_UP_PROGRESS, p.grant.requestId(), now,
                            tp.partition(), state, null));
                }
                LedgerEntry after = p.entry.withCatchUp(state);
                // An entry whose catch-up did not move is not written again (with many pending grants, a write per
                // grant per round was most of a round's cost).
                if (!after.equals(p.before)) {
                    ledger.put(p.grant.requestId(), tp.partition(), after);
                }
            }
        }
    }

    /** Where the window starts on the partition; announces the start (CATCH_UP_STARTED). */
    private CatchUp resolve(RawLog log, Grant grant, TopicPartition tp, CatchUp state, Instant now, Out out) {
        Instant windowFrom = grant.activatedAt().minusSeconds(grant.lookbackSeconds());
        RawLog.At first = log.firstAtOrAfter(tp, windowFrom.toEpochMilli());
        RawLog.At activation = log.firstAtOrAfter(tp, grant.activatedAt().toEpochMilli());
        long end = log.lastStable(tp);
        long start = first == null ? end : first.offset();
        long windowEnd = activation == null ? end : Math.max(start, activation.offset());
        boolean nonEmpty = start < windowEnd;
        long logStart = log.logStart(tp);
        // Records copied live before the start was known stay live: the catch-up stops below the first of them.
        long next = state.liveFrom() == null ? start : Math.min(start, state.liveFrom());
        out.result(GrantResult.catchUpStarted(grant.requestId(), now, tp.partition(), nonEmpty ? start : null,
                nonEmpty ? windowEnd - 1 : null, nonEmpty ? Instant.ofEpochMilli(first.timestamp()) : null,
                nonEmpty && logStart > 0 && start <= logStart));
        return state.resolve(next, windowEnd).reported(now);
    }

    /**
     * Reads the partition once for every pending grant, copying within the budget and the round's time. Per record
     * it looks only at the grants that can match it (key-filtered grants by the record's key, the others all), so a
     * record costs the same with 1,000 pending grants as with one; grants it does not match move on with the whole
     * read (every record below a point was seen), not record by record.
     */
    private void copy(RawLog log, TopicPartition tp, String dataset, List<Pending> pending, long deadline,
                      Duration readWait, Out out) {
        int n = pending.size();
        Grant[] grant = new Grant[n];
        LedgerEntry[] entry = new LedgerEntry[n];
        long[] bound = new long[n];
        Map<String, List<Integer>> byKey = new java.util.HashMap<>();
        List<Integer> unindexed = new ArrayList<>();
        long from = Long.MAX_VALUE;
        long until = 0;
        for (int i = 0; i < n; i++) {
            grant[i] = pending.get(i).grant;
            entry[i] = pending.get(i).entry;
            bound[i] = pending.get(i).bound;
            if (entry[i].catchUp().next() < bound[i]) {
                from = Math.min(from, entry[i].catchUp().next());
                until = Math.max(until, bound[i]);
                if (grant[i].filter() instanceof GrantFilter.Keys keys) {
                    for (String key : keys.keys()) {
                        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                    }
                } else {
                    unindexed.add(i);
                }
            }
        }
        if (from >= until) {
            return;
        }
        int allowance = settings.budget().take(MAX_PER_ROUND, System.nanoTime());
        int used = 0;
        // Every record below this offset was seen by every grant: the ones it matched copied it (or counted it
        // unreadable), the others had nothing to copy there.
        long seen = from;
        try {
            reading:
            // At least one read a round, whatever the look-ups before it took: every round moves the catch-up on.
            for (boolean first = true; from < until && used < allowance && (first || System.nanoTime() - deadline < 0);
                    first = false) {
                RawLog.Batch batch = log.read(tp, from, readWait);
                if (batch.records().isEmpty() && batch.position() <= from) {
                    return; // nothing readable yet
                }
                for (ConsumerRecord<byte[], byte[]> record : batch.records()) {
                    long offset = record.offset();
                    if (offset >= until) {
                        break reading;
                    }
                    if (record.value() == null) {
                        seen = offset + 1;
                        continue; // a tombstone carries nothing to copy
                    }
                    List<Integer> candidates;
                    try {
                        candidates = candidates(byKey, unindexed, copier.keys().filterKey(dataset, record.key()));
                    } catch (RegistryUnavailableException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        candidates = null; // an unreadable key: unreadable for every grant whose window holds it
                    }
                    List<Grant> wanting = new ArrayList<>();
                    List<Integer> wantingIndex = new ArrayList<>();
                    for (int c : candidates == null ? allOf(n) : candidates) {
                        if (entry[c].catchUp().next() <= offset && offset < bound[c]) {
                            wanting.add(grant[c]);
                            wantingIndex.add(c);
                        }
                    }
                    if (wanting.isEmpty()) {
                        seen = offset + 1;
                        continue;
                    }
                    Map<Grant, GrantCopier.Copy> copies;
                    try {
                        if (candidates == null) {
                            throw new IllegalArgumentException("unreadable record key");
                        }
                        copies = copier.copiesIfMatching(wanting, dataset, record.key(), record.value());
                    } catch (RegistryUnavailableException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // The masking path dead-lettered this record when it saw it; the catch-up only counts it.
                        for (int c : wantingIndex) {
                            entry[c] = entry[c].withCatchUp(entry[c].catchUp().past(offset, false, true));
                        }
                        seen = offset + 1;
                        continue;
                    }
                    for (int c : wantingIndex) {
                        GrantCopier.Copy copy = copies.get(grant[c]);
                        if (copy == null) {
                            continue;
                        }
                        if (used >= allowance) {
                            break reading; // this grant resumes at this record next round
                        }
                        used++;
                        out.copy(copy, record, copier.headers(record.headers(), record.partition(), offset));
                        entry[c] = entry[c].plus(offset, Instant.ofEpochMilli(record.timestamp()));
                        entry[c] = entry[c].withCatchUp(entry[c].catchUp().past(offset, true, false));
                        metrics.recordGrantCopy(dataset, grant[c].requestId());
                    }
                    seen = offset + 1;
                }
                // Every record below the position was seen (transaction markers and aborted records are not returned).
                seen = Math.max(seen, batch.position());
                from = batch.position();
            }
        } finally {
            settings.budget().giveBack(allowance - used);
            for (int c = 0; c < n; c++) {
                CatchUp state = entry[c].catchUp();
                if (state.next() < bound[c]) {
                    entry[c] = entry[c].withCatchUp(state.skipTo(Math.min(seen, bound[c])));
                }
                pending.get(c).entry = entry[c];
            }
        }
    }

    /** The grants that may match a record with this key: those filtered on it, and every grant not filtered by key. */
    private static List<Integer> candidates(Map<String, List<Integer>> byKey, List<Integer> unindexed, String key) {
        List<Integer> keyed = key == null ? null : byKey.get(key);
        if (keyed == null) {
            return unindexed;
        }
        if (unindexed.isEmpty()) {
            return keyed;
        }
        List<Integer> out = new ArrayList<>(keyed);
        out.addAll(unindexed);
        return out;
    }

    private static List<Integer> allOf(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            out.add(c);
        }
        return out;
    }

    /**
     * The raw log as one round sees it: the partition's last stable offset, its start and the offset of a time are
     * each looked up on the broker once per round, however many grants ask (a value read earlier in the round is as
     * good as one read later: the catch-up treats every one as a snapshot). Reads are not kept.
     */
    private static final class RoundLog implements RawLog {
        private final RawLog log;
        private final Map<TopicPartition, Long> lastStable = new java.util.HashMap<>();
        private final Map<TopicPartition, Long> logStart = new java.util.HashMap<>();
        private final Map<Map.Entry<TopicPartition, Long>, java.util.Optional<At>> atOrAfter = new java.util.HashMap<>();

        RoundLog(RawLog log) {
            this.log = log;
        }

        @Override
        public At firstAtOrAfter(TopicPartition partition, long timestampMs) {
            return atOrAfter.computeIfAbsent(Map.entry(partition, timestampMs),
                    k -> java.util.Optional.ofNullable(log.firstAtOrAfter(partition, timestampMs))).orElse(null);
        }

        @Override
        public long logStart(TopicPartition partition) {
            return logStart.computeIfAbsent(partition, log::logStart);
        }

        @Override
        public long lastStable(TopicPartition partition) {
            return lastStable.computeIfAbsent(partition, log::lastStable);
        }

        @Override
        public int partitions(String topic) {
            return log.partitions(topic);
        }

        @Override
        public Batch read(TopicPartition partition, long from, Duration timeout) {
            return log.read(partition, from, timeout);
        }
    }
}
