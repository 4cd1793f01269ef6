package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The shape the grants, classification and passkey store updaters share: store first, then the view. */
class GlobalStoreMirrorTest {
    /** Records what it was handed, as "key=value" ("key=null" for a deletion). */
    static final class Recording extends GlobalStoreMirror {
        final List<String> applied = new ArrayList<>();
        int restorings;

        Recording(boolean tombstonesDelete) {
            super("mirror", tombstonesDelete);
        }

        @Override
        protected void restoring() {
            restorings++;
        }

        @Override
        protected void apply(String key, byte[] value) {
            applied.add(key + "=" + (value == null ? null : new String(value, StandardCharsets.UTF_8)));
        }
    }

    static KeyValueStore<String, byte[]> store(MockProcessorContext<Void, Void> context) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("mirror"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    static Record<String, byte[]> record(String key, String value) {
        return new Record<>(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0L);
    }

    @Test
    void initAppliesWhatWasRestoredThenEachRecordIsStoredBeforeItIsApplied() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, byte[]> store = store(context);
        store.put("restored", "r".getBytes(StandardCharsets.UTF_8));
        Recording mirror = new Recording(true);
        mirror.init(context);
        assertThat(mirror.restorings).isEqualTo(1);
        assertThat(mirror.applied).containsExactly("restored=r");

        mirror.process(record("a", "1"));
        mirror.process(record(null, "ignored"));
        mirror.process(record("restored", null));
        assertThat(mirror.applied).containsExactly("restored=r", "a=1", "restored=null");
        assertThat(new String(store.get("a"), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(store.get("restored")).isNull();
        assertThat(store.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void aMirrorThatKeepsWhatItStoredIgnoresTombstones() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, byte[]> store = store(context);
        Recording mirror = new Recording(false);
        mirror.init(context);
        mirror.process(record("a", "1"));
        mirror.process(record("a", null));
        assertThat(mirror.applied).containsExactly("a=1");
        assertThat(new String(store.get("a"), StandardCharsets.UTF_8)).isEqualTo("1");
    }
}
