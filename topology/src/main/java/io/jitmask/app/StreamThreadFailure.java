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

    static StreamThreadFailure of(Throwable error) {
        List<String> chain = new ArrayList<>();
        String root = "unknown";
        int depth = 0;
        for (Throwable t = error; t != null && depth < 10; t = t.getCause(), depth++) {
            String name = t.getClass().getSimpleName();
            chain.add(t instanceof TimeoutException && t.getMessage() != null ? name + ": " + t.getMessage() : name);
            root = name;
        }
        return new StreamThreadFailure(List.copyOf(chain), root);
    }

    @Override
    public String toString() {
        return String.join(" <- ", chain);
    }
}
