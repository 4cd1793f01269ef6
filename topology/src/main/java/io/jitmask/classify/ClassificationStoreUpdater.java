package io.jitmask.classify;

import io.jitmask.stream.GlobalStoreMirror;

/**
 * Keeps the global classification store and this instance's {@link ClassificationBook} in step with
 * {@code jit.classification}. The book is loaded from the restored store before any stream thread processes a
 * record, so a restarted or new instance masks its first record with everything every instance ever classified.
 * Tombstones are not applied: a classification is only ever released by the policy, never by the topic.
 */
public final class ClassificationStoreUpdater extends GlobalStoreMirror {
    private final ClassificationBook book;

    public ClassificationStoreUpdater(String storeName, ClassificationBook book) {
        super(storeName, false);
        this.book = book;
    }

    @Override
    protected void apply(String key, byte[] value) {
        book.applyDurable(key, value);
    }
}
