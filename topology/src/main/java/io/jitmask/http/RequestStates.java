package io.jitmask.http;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.grants.RequestState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Requests as the lifecycle knows them: a read-only interactive query on its {@code grant-requests} store, so
 * the API keeps no second copy. Standby copies are queried too ({@code enableStaleStores}): with
 * {@code num.standby.replicas} = instances - 1 every instance holds every partition of the store, active or standby,
 * so each instance's API lists every request (a standby may trail its active task by a commit interval; the
 * lifecycle, not this read, decides what an event does). With a single instance, as {@code jitmask up} runs, every
 * partition is active here.
 */
public final class RequestStates {
    private final KafkaStreams streams;

    public RequestStates(KafkaStreams streams) {
        this.streams = streams;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(JitmaskTopology.GRANT_REQUESTS_STORE,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()).enableStaleStores());
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "requests are not readable right now (jitmask is starting or rebalancing); retry");
        }
    }

    /** Every request, newest first. */
    public List<RequestState> all() {
        List<RequestState> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store().all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (entry.value != null) {
                    out.add(RequestState.fromBytes(entry.value));
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "requests are not readable right now (jitmask is rebalancing); retry");
        }
        out.sort(Comparator.comparing(RequestState::requestedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(RequestState::requestId));
        return out;
    }

    public Optional<RequestState> get(String requestId) {
        try {
            byte[] value = store().get(requestId);
            return value == null ? Optional.empty() : Optional.of(RequestState.fromBytes(value));
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "requests are not readable right now (jitmask is rebalancing); retry");
        }
    }

    /** The request, or 404. */
    public RequestState require(String requestId) {
        return get(requestId).orElseThrow(() -> ApiException.notFound("no request '" + requestId + "'"));
    }
}
