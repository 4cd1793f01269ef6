package io.jitmask.grants;

import java.util.Objects;
import java.util.function.Function;

/**
 * What one item of a batched side effect came to: a value, or the failure of that item alone (worth retrying unless
 * the caller decides otherwise). Batches answer per item so that one bad grant never fails the others.
 */
public record Outcome<V>(V value, RuntimeException failure) {
    public static <V> Outcome<V> ok(V value) {
        return new Outcome<>(value, null);
    }

    public static <V> Outcome<V> failed(RuntimeException failure) {
        return new Outcome<>(null, Objects.requireNonNull(failure));
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** The value, or the failure thrown. */
    public V get() {
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /** The same failure, or the value mapped. */
    public <W> Outcome<W> map(Function<V, W> f) {
        return failure == null ? ok(f.apply(value)) : failed(failure);
    }
}
