package io.jitmask.classify;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global classification store and this instance's {@link ClassificationBook} in step with
 * {@code jit.classification}. Kafka Streams restores a global store before any stream thread processes a record
 * and without calling this processor, so {@link #init} (which runs after restoration) loads the book from the
 * store: a restarted or new instance masks its first record with everything every instance ever classified.
 */
public final class ClassificationStoreUpdater implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final ClassificationBook book;
    private KeyValueStore<String, byte[]> store;

    public ClassificationStoreUpdater(String storeName, ClassificationBook book) {
        this.storeName = storeName;
        this.book = book;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> book.applyDurable(entry.key, entry.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        // Tombstones are not applied: a classification is only ever released by the policy, never by the topic.
        if (record.key() == null || record.value() == null) {
            return;
        }
        store.put(record.key(), record.value());
        book.applyDurable(record.key(), record.value());
    }
}
