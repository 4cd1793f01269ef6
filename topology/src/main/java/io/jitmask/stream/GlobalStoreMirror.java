package io.jitmask.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The update processor of a global store that mirrors its topic: each keyed record is put into the store (a
 * tombstone deletes, unless the subclass keeps what it once stored), then handed to {@link #apply}, which keeps
 * an in-memory view of the store in step. Kafka Streams restores a global store without calling this processor,
 * so {@link #init} (which runs after restoration) hands every restored entry to {@link #apply} first.
 */
public abstract class GlobalStoreMirror implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final boolean tombstonesDelete;
    private KeyValueStore<String, byte[]> store;

    /**
     * @param tombstonesDelete whether a record with a null value deletes its key (and is applied); if not, it is
     *                         ignored
     */
    protected GlobalStoreMirror(String storeName, boolean tombstonesDelete) {
        this.storeName = storeName;
        this.tombstonesDelete = tombstonesDelete;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        restoring();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> apply(entry.key, entry.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || (record.value() == null && !tombstonesDelete)) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        apply(record.key(), record.value());
    }

    /** Called before the restored entries are applied: a view kept from an earlier init starts over. */
    protected void restoring() {
    }

    /** Brings the view in step with the store's new {@code value} of {@code key} (null: deleted). */
    protected abstract void apply(String key, byte[] value);
}
