package io.jitmask.grants;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The disclosure ledger of one grant for one raw partition: how many copies the masking path wrote, the first
 * and last raw offset they came from and the timestamps of those records. Kept in the masking task's store
 * {@code grant-ledger} and updated in the same exactly-once transaction as the copies, so it counts exactly what a
 * read_committed consumer of the grant topic sees. {@code closed}: the task has seen the grant end and copies
 * nothing more for it. {@code catchUp}: for a lookback grant, where its copy of the past stands on the partition.
 * Metadata only: never a value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(
        @JsonProperty("records") long records,
        @JsonProperty("firstOffset") Long firstOffset,
        @JsonProperty("lastOffset") Long lastOffset,
        @JsonProperty("firstTimestamp") Instant firstTimestamp,
        @JsonProperty("lastTimestamp") Instant lastTimestamp,
        @JsonProperty("closed") boolean closed,
        @JsonProperty("closedAt") Instant closedAt,
        @JsonProperty("catchUp") CatchUp catchUp) {

    public static final LedgerEntry EMPTY = new LedgerEntry(0, null, null, null, null, false, null, null);

    public LedgerEntry(long records, Long firstOffset, Long lastOffset, Instant firstTimestamp, Instant lastTimestamp,
                       boolean closed, Instant closedAt) {
        this(records, firstOffset, lastOffset, firstTimestamp, lastTimestamp, closed, closedAt, null);
    }

    /** This entry with one more copy, of the raw record at {@code offset} with timestamp {@code timestamp}. */
    public LedgerEntry plus(long offset, Instant timestamp) {
        if (closed) {
            throw new IllegalStateException("the ledger entry is closed");
        }
        return new LedgerEntry(records + 1,
                firstOffset == null ? offset : Math.min(firstOffset, offset),
                lastOffset == null ? offset : Math.max(lastOffset, offset),
                firstTimestamp == null || timestamp.isBefore(firstTimestamp) ? timestamp : firstTimestamp,
                lastTimestamp == null || timestamp.isAfter(lastTimestamp) ? timestamp : lastTimestamp,
                false, null, catchUp);
    }

    public LedgerEntry close(Instant at) {
        return new LedgerEntry(records, firstOffset, lastOffset, firstTimestamp, lastTimestamp, true, at, catchUp);
    }

    /** This entry with a lookback grant's catch-up state (see {@link CatchUp}). */
    public LedgerEntry withCatchUp(CatchUp state) {
        return new LedgerEntry(records, firstOffset, lastOffset, firstTimestamp, lastTimestamp, closed, closedAt, state);
    }

    /** The catch-up state, {@link CatchUp#UNRESOLVED} when none was kept yet. */
    public CatchUp catchUpOrNew() {
        return catchUp == null ? CatchUp.UNRESOLVED : catchUp;
    }

    /** Key of an entry in the {@code grant-ledger} store: one per grant and raw partition. */
    public static String key(String requestId, int partition) {
        return requestId + "/" + partition;
    }

    public static String requestIdOf(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

    public byte[] toBytes() {
        try {
            return GrantJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LedgerEntry fromBytes(byte[] bytes) {
        try {
            return GrantJson.MAPPER.readValue(bytes, LedgerEntry.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
