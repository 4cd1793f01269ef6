package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.grants.LifecycleLimits;
import io.jitmask.grants.LifecycleStore;
import io.jitmask.grants.RequestState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Pages of /api/requests from the lifecycle's listing index: three partitions written through {@link LifecycleStore}
 * as the lifecycle writes them, merged newest first, each page reading only what it serves (and what its filters
 * skip), never the whole store.
 */
class RequestPagesTest {
    static final Instant T = Instant.parse("2026-11-25T09:00:00Z");
    static final LifecycleLimits LIMITS = new LifecycleLimits(Duration.ofHours(1), Duration.ofDays(1), 1000);

    final MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    final List<KeyValueStore<String, String>> orders = new ArrayList<>();
    final List<LifecycleStore> partitions = new ArrayList<>();
    final Map<String, RequestState> byId = new HashMap<>();

    RequestPagesTest() {
        for (int p = 0; p < 3; p++) {
            KeyValueStore<String, String> order = store("o" + p, Serdes.String());
            orders.add(order);
            partitions.add(new LifecycleStore(store("r" + p, Serdes.ByteArray()), store("d" + p, Serdes.String()),
                    store("c" + p, Serdes.Long()), order, LIMITS));
        }
    }

    private <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    static RequestState state(String id, RequestState.Status status, String requester, Instant at) {
        return new RequestState(id, status, null, "d", requester, "customers", "User:" + requester, List.of("email"),
                null, "INC-1", 60, at, null, List.of(), List.of(), null, null, "grant.customers." + id,
                status == RequestState.Status.DENIED ? at.plusSeconds(5) : null, null, null);
    }

    /** 30 requests over three partitions; every third denied, some sharing a millisecond (ordered by id then). */
    private List<RequestState> thirty() {
        List<RequestState> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RequestState s = state("req-" + (char) ('a' + i % 26) + i, RequestState.Status.PENDING,
                    i % 2 == 0 ? "alice" : "dave", T.plusSeconds(i / 2));
            partitions.get(i % 3).put(s);
            if (i % 3 == 0) {
                s = s.ended(RequestState.Status.DENIED, T.plusSeconds(100), "no");
                partitions.get(i % 3).put(s);
            }
            byId.put(s.requestId(), s);
            all.add(s);
        }
        all.sort(Comparator.comparing(RequestState::requestedAt, Comparator.reverseOrder())
                .thenComparing(RequestState::requestId));
        return all;
    }

    private List<RequestState> readAll(int limit, RequestState.Status status, String requester, AtomicInteger loads,
                                       List<Integer> loadsPerPage) {
        List<RequestState> out = new ArrayList<>();
        String cursor = null;
        Function<String, RequestState> load = id -> {
            loads.incrementAndGet();
            return byId.get(id);
        };
        do {
            int before = loads.get();
            Paging.Page<RequestState> page = RequestPages.read(orders, Paging.decode(cursor), limit, status, load,
                    s -> requester == null || s.requester().equals(requester));
            loadsPerPage.add(loads.get() - before);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
            out.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return out;
    }

    @Test
    void pagesMergeThePartitionsNewestFirstAndLoadOnlyWhatTheyServe() {
        List<RequestState> expected = thirty();
        AtomicInteger loads = new AtomicInteger();
        List<Integer> perPage = new ArrayList<>();
        List<RequestState> read = readAll(7, null, null, loads, perPage);
        assertThat(read).extracting(RequestState::requestId)
                .containsExactlyElementsOf(expected.stream().map(RequestState::requestId).toList());
        assertThat(read).extracting(RequestState::status)
                .containsExactlyElementsOf(expected.stream().map(RequestState::status).toList());
        // 7 + 7 + 7 + 7 + 2: each full page reads one more to know there is a next one, nothing else.
        assertThat(perPage).containsExactly(8, 8, 8, 8, 2);
    }

    @Test
    void theStatusFilterSkipsOnTheIndexWithoutLoadingAndTheCallerSeesOnlyWhatTheyMay() {
        List<RequestState> expected = thirty();
        AtomicInteger loads = new AtomicInteger();
        List<RequestState> pending = readAll(4, RequestState.Status.PENDING, null, loads, new ArrayList<>());
        assertThat(pending).extracting(RequestState::requestId).containsExactlyElementsOf(expected.stream()
                .filter(s -> s.status() == RequestState.Status.PENDING).map(RequestState::requestId).toList());
        // Denied requests are skipped on the index value, never loaded: 20 served, plus one look-ahead per full
        // page (5 pages of 4, the last of them full too: its look-ahead finds nothing).
        assertThat(loads.get()).isEqualTo(pending.size() + 4);

        List<RequestState> dave = readAll(3, null, "dave", new AtomicInteger(), new ArrayList<>());
        assertThat(dave).extracting(RequestState::requestId).containsExactlyElementsOf(expected.stream()
                .filter(s -> s.requester().equals("dave")).map(RequestState::requestId).toList());
    }

    @Test
    void aPrunedRequestLeavesTheListingAndTheCursorMatchesTheHandlersPositions() {
        List<RequestState> expected = thirty();
        RequestState denied = expected.stream().filter(s -> s.status() == RequestState.Status.DENIED).findFirst().orElseThrow();
        int partition = Integer.parseInt(denied.requestId().replaceAll("\\D", "")) % 3;
        partitions.get(partition).prune(denied);
        List<RequestState> read = readAll(5, null, null, new AtomicInteger(), new ArrayList<>());
        assertThat(read).extracting(RequestState::requestId).doesNotContain(denied.requestId()).hasSize(29);

        // A cursor handed out before (the handler's newest-first position) still reads from the same place.
        RequestState tenth = expected.get(9);
        String position = Paging.pad(Long.MAX_VALUE - tenth.requestedAt().toEpochMilli()) + "/" + tenth.requestId();
        assertThat(LifecycleStore.orderKey(tenth.requestedAt(), tenth.requestId())).isEqualTo(position);
        Paging.Page<RequestState> page = RequestPages.read(orders, position, 1, null, byId::get, s -> true);
        assertThat(page.items()).extracting(RequestState::requestId).containsExactly(
                expected.get(10).requestId().equals(denied.requestId()) ? expected.get(11).requestId() : expected.get(10).requestId());
    }
}
