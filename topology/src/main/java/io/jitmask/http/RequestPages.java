package io.jitmask.http;

import io.jitmask.grants.RequestState;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One page of requests read from the lifecycle's listing index ({@code grant-request-order}: position to status,
 * one store per partition of {@code jit.approvals}): a range scan per partition from the cursor on, merged in
 * position order, stopping as soon as the page is full. A call reads the page and what the filters skip, never the
 * whole store; only requests that pass the status filter are loaded.
 */
final class RequestPages {
    private RequestPages() {
    }

    /** An open range scan of one partition and the entry it is at. */
    private record Cursor(KeyValueIterator<String, String> it, KeyValue<String, String> head) {
    }

    /**
     * @param partitions the index of every partition of the lifecycle
     * @param after      the position of the last item served (decoded cursor), or null for the first page
     * @param status     only requests with this status, or null for all
     * @param load       a request by id (null if it is gone: pruned since the index was read)
     * @param visible    whether the caller may see the request
     */
    static Paging.Page<RequestState> read(List<? extends ReadOnlyKeyValueStore<String, String>> partitions, String after,
                                          int limit, RequestState.Status status, Function<String, RequestState> load,
                                          Predicate<RequestState> visible) {
        List<KeyValueIterator<String, String>> open = new ArrayList<>();
        PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> a.head().key.compareTo(b.head().key));
        try {
            for (ReadOnlyKeyValueStore<String, String> partition : partitions) {
                KeyValueIterator<String, String> it = partition.range(after, null);
                open.add(it);
                advance(it, after, heads);
            }
            List<RequestState> page = new ArrayList<>();
            String lastPosition = null;
            while (!heads.isEmpty()) {
                Cursor next = heads.poll();
                advance(next.it(), after, heads);
                String position = next.head().key;
                if (status != null && !status.name().equals(next.head().value)) {
                    continue;
                }
                RequestState state = load.apply(requestIdOf(position));
                if (state == null || status != null && state.status() != status || !visible.test(state)) {
                    continue;
                }
                if (page.size() == limit) {
                    return new Paging.Page<>(page, Paging.encode(lastPosition));
                }
                page.add(state);
                lastPosition = position;
            }
            return new Paging.Page<>(page, null);
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** Moves the scan to its next entry after {@code after} (range bounds are inclusive) and queues it. */
    private static void advance(KeyValueIterator<String, String> it, String after, PriorityQueue<Cursor> heads) {
        while (it.hasNext()) {
            KeyValue<String, String> entry = it.next();
            if (entry.value != null && (after == null || entry.key.compareTo(after) > 0)) {
                heads.add(new Cursor(it, entry));
                return;
            }
        }
    }

    private static String requestIdOf(String position) {
        return position.substring(position.indexOf('/') + 1);
    }
}
