package io.jitmask.grants;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The lifecycle's state, with the two indexes that keep its work proportional to what is due rather than to its
 * history:
 *
 * <ul>
 *   <li>{@code grant-requests}: requestId to {@link RequestState};</li>
 *   <li>{@code grant-deadlines}: the next deadline of every request, keyed by zero-padded epoch millis and
 *   requestId, so that the punctuation reads only the entries up to now with one range scan. A request's deadline
 *   follows from its status: a pending request's TTL, an active grant's expiry, an ending grant's end (due at once,
 *   until the end worker confirms), a finished request's pruning;</li>
 *   <li>{@code grant-counters}: pending requests per requester and active grants per grantee, kept as statuses
 *   change, so limits cost one lookup;</li>
 *   <li>{@code grant-request-order}: every request under its listing position ({@link #orderKey}: newest first, then
 *   by id) with its status as value, so the API reads a page with one range scan per partition, never the whole
 *   store.</li>
 * </ul>
 *
 * Every write goes through {@link #put}, which moves the deadline and the counters with the status. The indexes
 * carry a fingerprint of the TTL and horizon they were built with: a store from before the indexes existed, or
 * with other limits, has them rebuilt once, at task start ({@link #rebuildIfNeeded}).
 */
public final class LifecycleStore {
    private static final String FINGERPRINT_KEY = "_index";
    /** Set once this task has sent its pending counts to admission (kept across index rebuilds: sent once, ever). */
    private static final String ADMISSION_SEEDED_KEY = "_admission";
    /** Part of the fingerprint: a new index (here, the listing order) makes every existing store rebuild once. */
    private static final int INDEX_VERSION = 2;
    private static final String PENDING = "pending/";
    private static final String ACTIVE = "active/";

    private final KeyValueStore<String, byte[]> requests;
    private final KeyValueStore<String, String> deadlines;
    private final KeyValueStore<String, Long> counters;
    private final KeyValueStore<String, String> order;
    private final LifecycleLimits limits;
    /** Requests kept parsed ({@link #recent}); a few thousand cover the events in flight between a request and its answer. */
    static final int RECENT = 4_096;
    /**
     * The requests last read or written by this task, parsed: a write-through cache of {@code grant-requests}, which
     * only this store writes (the task's lifecycle processor; the API only reads). An event reads its request, then
     * saves it once or twice, and a request's next event (its approval or denial) usually follows soon: without this,
     * each read parsed the stored JSON again (RequestState.fromBytes, 5.5% of the control thread, profiled). Every
     * write and prune updates it together with the store, so it never holds what the store does not; it lives as long
     * as the processor's {@code init()}, which makes a new store object after any restart or re-initialised task.
     */
    private final java.util.LinkedHashMap<String, RequestState> recent = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, RequestState> eldest) {
            return size() > RECENT;
        }
    };

    public LifecycleStore(KeyValueStore<String, byte[]> requests, KeyValueStore<String, String> deadlines,
                          KeyValueStore<String, Long> counters, LifecycleLimits limits) {
        this(requests, deadlines, counters, null, limits);
    }

    /** @param order the listing index ({@code grant-request-order}), or null where nothing lists requests */
    public LifecycleStore(KeyValueStore<String, byte[]> requests, KeyValueStore<String, String> deadlines,
                          KeyValueStore<String, Long> counters, KeyValueStore<String, String> order,
                          LifecycleLimits limits) {
        this.requests = requests;
        this.deadlines = deadlines;
        this.counters = counters;
        this.order = order;
        this.limits = limits;
    }

    /**
     * A request's next deadline: what the punctuation must look at it for, and when. Null while a side effect is
     * under way (ACTIVATING, ENDING): the workers' results move those on, not the clock.
     */
    Instant deadlineOf(RequestState state) {
        return switch (state.status()) {
            case PENDING -> state.requestedAt().plus(limits.requestTtl());
            case ACTIVE -> state.expiresAt();
            // ADMITTING: the admission answer moves it on (its TTL counts once it is PENDING, from requestedAt).
            case ADMITTING, ACTIVATING, ENDING -> null;
            case ENDED, DENIED, REQUEST_EXPIRED, FAILED ->
                    limits.pruneAt(Objects.requireNonNullElse(state.endedAt(), state.requestedAt()));
        };
    }

    private String deadlineKeyOf(RequestState state) {
        Instant at = state == null ? null : deadlineOf(state);
        return at == null ? null : deadlineKey(at, state.requestId());
    }

    /** What a status counts as: a pending request, a live grant (one being provisioned is about to be live), or neither. */
    private static String counted(RequestState state) {
        if (state == null) {
            return null;
        }
        return switch (state.status()) {
            case PENDING -> PENDING + state.requester();
            case ACTIVATING, ACTIVE -> ACTIVE + state.grantee();
            default -> null;
        };
    }

    static String deadlineKey(Instant at, String requestId) {
        // Not String.format: it was 4% of the control thread, once per save.
        return pad(Math.max(0, at.toEpochMilli()), 15) + "/" + requestId;
    }

    /**
     * A request's listing position: newest {@code requestedAt} first, then by id; zero-padded so lexical order is
     * that order. The same on every instance (made of what the request is), so it can be a paging cursor.
     */
    public static String orderKey(Instant requestedAt, String requestId) {
        long millis = requestedAt == null ? 0 : requestedAt.toEpochMilli();
        return pad(Long.MAX_VALUE - millis, 20) + "/" + requestId;
    }

    /** {@code value} (not negative) in decimal, left-padded with zeros to {@code width} digits. */
    static String pad(long value, int width) {
        String digits = Long.toString(value);
        if (digits.length() >= width) {
            return digits;
        }
        StringBuilder out = new StringBuilder(width);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }

    public RequestState get(String requestId) {
        RequestState cached = recent.get(requestId);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = requests.get(requestId);
        RequestState state = bytes == null ? null : RequestState.fromBytes(bytes);
        if (state != null) {
            recent.put(requestId, state);
        }
        return state;
    }

    /** Saves the state, moving its deadline and the counters its status change affects. */
    public void put(RequestState next) {
        RequestState previous = get(next.requestId());
        requests.put(next.requestId(), next.toBytes());
        recent.put(next.requestId(), next);
        reindex(previous, next);
    }

    /** Forgets a finished request: the audit trail keeps its history. */
    public void prune(RequestState state) {
        requests.delete(state.requestId());
        recent.remove(state.requestId());
        reindex(state, null);
    }

    private void reindex(RequestState previous, RequestState next) {
        String before = deadlineKeyOf(previous);
        String after = deadlineKeyOf(next);
        if (before != null && !before.equals(after)) {
            deadlines.delete(before);
        }
        if (after != null && !after.equals(before)) {
            deadlines.put(after, next.requestId());
        }
        String from = counted(previous);
        String to = counted(next);
        if (!java.util.Objects.equals(from, to)) {
            if (from != null) {
                add(from, -1);
            }
            if (to != null) {
                add(to, 1);
            }
        }
        if (order != null) {
            RequestState any = next != null ? next : previous;
            String key = orderKey(any.requestedAt(), any.requestId());
            if (next == null) {
                order.delete(key);
            } else if (previous == null || previous.status() != next.status()) {
                order.put(key, next.status().name());
            }
        }
    }

    private void add(String key, long delta) {
        Long current = counters.get(key);
        long value = (current == null ? 0 : current) + delta;
        if (value <= 0) {
            counters.delete(key);
        } else {
            counters.put(key, value);
        }
    }

    public int pendingOf(String requester) {
        Long count = counters.get(PENDING + requester);
        return count == null ? 0 : count.intValue();
    }

    /**
     * This task's pending requests per requester, to seed the admission counts once (see
     * {@link #admissionSeeded}); empty on a new store.
     */
    public java.util.Map<String, Long> pendingByRequester() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        // "pending0" is the first key after every "pending/..." ('0' follows '/').
        try (KeyValueIterator<String, Long> it = counters.range(PENDING, "pending0")) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (entry.key.startsWith(PENDING) && entry.value != null && entry.value > 0) {
                    out.put(entry.key.substring(PENDING.length()), entry.value);
                }
            }
        }
        return out;
    }

    /** Whether this task's pending counts were sent to admission (a store written before admission: not yet). */
    public boolean admissionSeeded() {
        return counters.get(ADMISSION_SEEDED_KEY) != null;
    }

    public void markAdmissionSeeded() {
        counters.put(ADMISSION_SEEDED_KEY, 1L);
    }

    public int activeGrantsOf(String grantee) {
        Long count = counters.get(ACTIVE + grantee);
        return count == null ? 0 : count.intValue();
    }

    /** A deadline that has come: the index entry and the request it belongs to. */
    public record Due(String key, String requestId) {
    }

    /** At most {@code max} deadlines at or before {@code now}, oldest first. */
    public List<Due> due(Instant now, int max) {
        List<Due> out = new ArrayList<>();
        // Upper bound: every key of a millisecond <= now sorts below the bare padded now + 1.
        String to = pad(Math.max(0, now.toEpochMilli()) + 1, 15);
        try (KeyValueIterator<String, String> it = deadlines.range(pad(0, 15), to)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<String, String> entry = it.next();
                out.add(new Due(entry.key, entry.value));
            }
        }
        return out;
    }

    /**
     * Drops an index entry that no longer matches its request (the request was pruned, or its deadline moved
     * while this entry was left behind), re-adding the request's real deadline. True if the entry was stale.
     */
    public boolean dropIfStale(Due due, RequestState state) {
        String real = deadlineKeyOf(state);
        if (due.key().equals(real)) {
            return false;
        }
        deadlines.delete(due.key());
        if (real != null) {
            deadlines.put(real, state.requestId());
        }
        return true;
    }

    /** Every request in the store (start-up and hand-over only: never on the per-event or per-second path). */
    public List<RequestState> all() {
        // Start-up reads the whole store: the cache starts again from it (and a test that edits the store by hand,
        // standing for an earlier release's state, is seen as a restarted task would see it).
        recent.clear();
        List<RequestState> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = requests.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (entry.value != null) {
                    out.add(RequestState.fromBytes(entry.value));
                }
            }
        }
        return out;
    }

    /**
     * Builds the deadline index and counters from the requests when they were built with other limits or never
     * (a store written before they existed). One scan, at task start.
     */
    public boolean rebuildIfNeeded() {
        long fingerprint = Objects.hash(limits.requestTtl(), limits.pruneHorizon(), INDEX_VERSION, order != null);
        Long built = counters.get(FINGERPRINT_KEY);
        if (built != null && built == fingerprint) {
            return false;
        }
        Long seeded = counters.get(ADMISSION_SEEDED_KEY);
        clear(deadlines);
        clear(counters);
        if (seeded != null) {
            counters.put(ADMISSION_SEEDED_KEY, seeded);
        }
        if (order != null) {
            clear(order);
        }
        for (RequestState state : all()) {
            reindex(null, state);
        }
        counters.put(FINGERPRINT_KEY, fingerprint);
        return true;
    }

    private static <V> void clear(KeyValueStore<String, V> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
    }
}
