package io.jitmask.grants;

import io.jitmask.config.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global grants store and this instance's {@link GrantIndex} in step with {@code jit.grants}.
 *
 * <p>Kafka Streams restores a global store without calling this processor, so {@link #init} rebuilds the index
 * from the restored store: init runs after restoration.
 */
public final class GrantsStoreUpdater implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GrantsStoreUpdater.class);

    private final String storeName;
    private final GrantIndex index;
    private KeyValueStore<String, byte[]> store;

    public GrantsStoreUpdater(String storeName, GrantIndex index) {
        this.storeName = storeName;
        this.index = index;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        index.clear();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> apply(entry.key, entry.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        apply(record.key(), record.value());
    }

    private void apply(String key, byte[] value) {
        if (value == null) {
            index.remove(key);
            return;
        }
        try {
            Grant grant = GrantJson.fromBytes(value);
            if (!key.equals(Topics.grantKey(grant.dataset(), grant.requestId()))) {
                throw new IllegalArgumentException("grant key does not match its dataset and request id");
            }
            if (Grant.ACTIVE.equals(grant.status()) || Grant.ENDING.equals(grant.status())) {
                index.put(grant);
            } else {
                index.remove(key);
            }
        } catch (IllegalArgumentException e) {
            // Only the lifecycle writes jit.grants; anything unreadable there is ignored, never trusted.
            index.remove(key);
            LOG.warn("ignoring unreadable grant record {}: {}", key, e.getMessage());
        }
    }
}
