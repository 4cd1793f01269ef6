package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The lifecycle store's indexes on their own: built for a store that has none, rebuilt when the limits change. */
class LifecycleStoreTest {
    static final Instant T = Instant.parse("2026-11-23T09:00:00Z");

    final MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    final KeyValueStore<String, byte[]> requests = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("r"), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
    final KeyValueStore<String, String> deadlines = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("d"), Serdes.String(), Serdes.String()).withLoggingDisabled().build());
    final KeyValueStore<String, Long> counters = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("c"), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());

    private <V> KeyValueStore<String, V> store(KeyValueStore<String, V> store) {
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    static RequestState state(String id, RequestState.Status status, String requester) {
        return new RequestState(id, status, null, "d", requester, "customers", "User:" + requester, List.of("email"),
                null, "INC-1", 60, T, null, List.of(), List.of(), status == RequestState.Status.ACTIVE ? T : null,
                status == RequestState.Status.ACTIVE ? T.plusSeconds(60) : null, "grant.customers." + id,
                status == RequestState.Status.DENIED ? T.plusSeconds(5) : null, null, null);
    }

    @Test
    void aStoreWithoutIndexesGetsThemOnceAndAgainWhenTheLimitsChange() {
        // Written as a version without indexes wrote it.
        for (RequestState s : List.of(state("a", RequestState.Status.PENDING, "alice"),
                state("b", RequestState.Status.ACTIVE, "alice"), state("c", RequestState.Status.DENIED, "dave"))) {
            requests.put(s.requestId(), s.toBytes());
        }
        LifecycleLimits limits = new LifecycleLimits(Duration.ofHours(1), Duration.ofDays(1), 5);
        LifecycleStore store = new LifecycleStore(requests, deadlines, counters, limits);
        assertThat(store.rebuildIfNeeded()).isTrue();
        assertThat(store.rebuildIfNeeded()).isFalse();
        assertThat(store.pendingOf("alice")).isEqualTo(1);
        assertThat(store.activeGrantsOf("User:alice")).isEqualTo(1);
        assertThat(store.pendingOf("dave")).isZero();
        assertThat(store.due(T.plus(Duration.ofDays(2)), 10)).extracting(LifecycleStore.Due::key).containsExactly(
                LifecycleStore.deadlineKey(T.plusSeconds(60), "b"),
                LifecycleStore.deadlineKey(T.plus(Duration.ofHours(1)), "a"),
                LifecycleStore.deadlineKey(T.plusSeconds(5).plus(Duration.ofDays(1)).plusSeconds(300), "c"));
        assertThat(store.due(T.plusSeconds(59), 10)).isEmpty();
        assertThat(store.due(T.plusSeconds(60), 10)).extracting(LifecycleStore.Due::requestId).containsExactly("b");

        // A shorter TTL: the pending request's deadline moves with it.
        LifecycleStore shorter = new LifecycleStore(requests, deadlines, counters,
                new LifecycleLimits(Duration.ofMinutes(30), Duration.ofDays(1), 5));
        assertThat(shorter.rebuildIfNeeded()).isTrue();
        assertThat(shorter.due(T.plus(Duration.ofMinutes(30)), 10)).extracting(LifecycleStore.Due::requestId)
                .containsExactly("b", "a");
        assertThat(shorter.pendingOf("alice")).isEqualTo(1);
    }

    @Test
    void anEntryLeftBehindIsDroppedAndTheRealDeadlineKept() {
        LifecycleStore store = new LifecycleStore(requests, deadlines, counters,
                new LifecycleLimits(Duration.ofHours(1), Duration.ofDays(1), 5));
        store.rebuildIfNeeded();
        RequestState pending = state("a", RequestState.Status.PENDING, "alice");
        store.put(pending);
        deadlines.put(LifecycleStore.deadlineKey(T, "a"), "a");
        LifecycleStore.Due leftBehind = store.due(T, 10).get(0);
        assertThat(store.dropIfStale(leftBehind, pending)).isTrue();
        assertThat(store.due(T.plus(Duration.ofDays(3)), 10)).extracting(LifecycleStore.Due::key)
                .containsExactly(LifecycleStore.deadlineKey(T.plus(Duration.ofHours(1)), "a"));
        LifecycleStore.Due gone = store.due(T.plus(Duration.ofHours(1)), 10).get(0);
        assertThat(store.dropIfStale(gone, null)).isTrue();
        assertThat(store.due(T.plus(Duration.ofDays(3)), 10)).isEmpty();
    }
}
