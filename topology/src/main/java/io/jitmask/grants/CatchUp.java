package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where a lookback grant's catch-up stands on one raw partition, kept in its {@link LedgerEntry} (store
 * {@code grant-ledger}) and so changed only by the masking task that owns the partition, in its exactly-once
 * transaction with the copies. The split between past and live is one offset per partition:
 * <ul>
 * <li>a record at offset {@code o} that the task processes while the grant is live is copied live iff
 * {@code o >= next} (or {@code next} is not resolved yet), and then {@code liveFrom = min(liveFrom, o)};</li>
 * <li>the catch-up copies {@code [next, bound)} where bound is {@code liveFrom} when set, else a last stable offset
 * of the partition read after the task saw the grant; it is complete when {@code next} reaches the bound.</li>
 * </ul>
 * Both rules run on the one task thread, so every offset from the window's start on is copied once, by one of them.
 * Metadata only.
 *
 * @param next       next past offset to copy; null until resolved ({@code offsetsForTimes(activatedAt - lookback)})
 * @param liveFrom   first offset copied live; null while none was
 * @param windowEnd  first offset at or after activation when the start was resolved (what the audit calls the window)
 * @param copied     copies the catch-up wrote
 * @param unreadable records of the catch-up that could not be decoded (the masking path dead-lettered them)
 * @param status     PENDING, COMPLETED, or STOPPED (the grant reached its copy cutoff or ended first)
 * @param progressAt when the start or the last progress was reported (null: never)
 * @param reported   copies plus unreadable records when the start or the last progress was reported: a progress
 *                   report is due only when they moved since (null: never reported)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CatchUp(
        @JsonProperty("next") Long next,
        @JsonProperty("liveFrom") Long liveFrom,
        @JsonProperty("windowEnd") Long windowEnd,
        @JsonProperty("copied") long copied,
        @JsonProperty("firstOffset") Long firstOffset,
        @JsonProperty("lastOffset") Long lastOffset,
        @JsonProperty("unreadable") long unreadable,
        @JsonProperty("status") Status status,
        @JsonProperty("progressAt") Instant progressAt,
        @JsonProperty("reported") Long reported) {

    public enum Status { PENDING, COMPLETED, STOPPED }

    /** Nothing known yet: no start, nothing live. */
    public static final CatchUp UNRESOLVED = new CatchUp(null, null, null, 0, null, null, 0, Status.PENDING, null);

    public CatchUp {
        status = status == null ? Status.PENDING : status;
    }

    public CatchUp(Long next, Long liveFrom, Long windowEnd, long copied, Long firstOffset, Long lastOffset,
                   long unreadable, Status status, Instant progressAt) {
        this(next, liveFrom, windowEnd, copied, firstOffset, lastOffset, unreadable, status, progressAt, null);
    }

    /**
     * True when a progress report is due at {@code now}: {@code interval} after the last report, and only if the
     * figures moved since (a catch-up reading a long stretch that matches nothing has nothing new to say: with 1,000
     * such grants pending, reports that repeat themselves were thousands of records and audit events a minute).
     */
    public boolean progressDue(Instant now, java.time.Duration interval) {
        boolean moved = reported == null || reported != copied + unreadable;
        return moved && (progressAt == null || !now.isBefore(progressAt.plus(interval)));
    }

    @JsonIgnore
    public boolean resolved() {
        return next != null;
    }

    @JsonIgnore
    public boolean pending() {
        return status == Status.PENDING;
    }

    /** The live rule: true when a record at {@code offset} processed while the grant is live is copied live. */
    public boolean copiesLive(long offset) {
        return next == null || offset >= next;
    }

    /** After a live copy of the record at {@code offset}. */
    public CatchUp live(long offset) {
        return new CatchUp(next, liveFrom == null ? offset : Math.min(liveFrom, offset), windowEnd, copied, firstOffset,
                lastOffset, unreadable, status, progressAt, reported);
    }

    /** The start is known: the first offset of the window, and where the window ends (for the audit). */
    public CatchUp resolve(long start, long windowEndOffset) {
        return new CatchUp(start, liveFrom, windowEndOffset, copied, firstOffset, lastOffset, unreadable, status, progressAt, reported);
    }

    /** The exclusive end of the catch-up: the first live copy, else the last stable offset given. */
    public long bound(long lastStable) {
        return liveFrom != null ? liveFrom : lastStable;
    }

    /** The record at {@code offset} is done (copied when {@code wasCopied}, unreadable when {@code failed}). */
    public CatchUp past(long offset, boolean wasCopied, boolean failed) {
        Long first = firstOffset;
        Long last = lastOffset;
        if (wasCopied) {
            first = first == null ? offset : Math.min(first, offset);
            last = last == null ? offset : Math.max(last, offset);
        }
        return new CatchUp(Math.max(next, offset + 1), liveFrom, windowEnd, copied + (wasCopied ? 1 : 0), first, last,
                unreadable + (failed ? 1 : 0), status, progressAt, reported);
    }

    /** Nothing to copy below {@code offset} any more (aborted records, transaction markers). */
    public CatchUp skipTo(long offset) {
        return new CatchUp(Math.max(next, offset), liveFrom, windowEnd, copied, firstOffset, lastOffset, unreadable,
                status, progressAt, reported);
    }

    public CatchUp withStatus(Status newStatus) {
        return new CatchUp(next, liveFrom, windowEnd, copied, firstOffset, lastOffset, unreadable, newStatus, progressAt, reported);
    }

    public CatchUp reported(Instant at) {
        return new CatchUp(next, liveFrom, windowEnd, copied, firstOffset, lastOffset, unreadable, status, at,
                copied + unreadable);
    }
}
