package io.jitmask.app;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What made a stream thread fail, in words safe to log: the chain of exception class names, plus the messages of
 * the Kafka clients' {@link TimeoutException}s, which name only partitions, topics, tasks and durations (e.g.
 * {@code Timeout of 15000ms expired before the last committed offset for partitions [raw.customers-2] ...} or
 * {@code Task 0_2 did not make progress within 60012 ms}). Any other message is left out: a processor's exception
 * could quote a record, and a sensitive value never reaches a log.
 */
record StreamThreadFailure(List<String> chain, String rootCause) {
    /** The {@code cause} label of a failure in which a write of the thread's transaction expired unsent or unacknowledged. */
    static final String EXPIRED_WRITE = "ExpiredWrite";


    /**
     * The failure of {@code error}: its chain, and as root cause the innermost exception's simple class name, or
     * {@link #EXPIRED_WRITE} when a write expired in the producer (a broker away longer than delivery.timeout.ms).
     */
    static StreamThreadFailure of(Throwable error) {
        List<String> chain = new ArrayList<>();
        String root = "unknown";
        int depth = 0;
        for (Throwable t = error; t != null && depth < 10; t = t.getCause(), depth++) {
            String name = t.getClass().getSimpleName();
            chain.add(t instanceof TimeoutException && t.getMessage() != null ? name + ": " + t.getMessage() : name);
            root = name;
        }
        // The producer's batch expiry ("Expiring 3 record(s) for masked.customers-1: 30012 ms has passed since batch
        // creation"): the transaction in flight, copies and ledger included, is aborted and replayed.
        if (chain.stream().anyMatch(c -> c.startsWith("TimeoutException: Expiring "))) {
            root = EXPIRED_WRITE;
        }
        return new StreamThreadFailure(List.copyOf(chain), root);
    }

    @Override
    public String toString() {
        return String.join(" <- ", chain);
    }
}
