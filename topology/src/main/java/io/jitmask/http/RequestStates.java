package io.jitmask.http;

import io.jitmask.app.JitmaskTopology;
import io.jitmask.grants.RequestState;
import io.jitmask.config.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
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

    /**
     * A page of requests in listing order (newest first, then by id) after the position {@code after}: one range
     * scan of the listing index per partition this instance holds (active or standby), merged.
     */
    Paging.Page<RequestState> page(String after, int limit, RequestState.Status status,
                                          java.util.function.Predicate<RequestState> visible) {
        try {
            List<ReadOnlyKeyValueStore<String, String>> partitions = new ArrayList<>();
            for (int partition : lifecyclePartitions()) {
                partitions.add(streams.store(StoreQueryParameters.fromNameAndType(JitmaskTopology.GRANT_REQUEST_ORDER_STORE,
                        QueryableStoreTypes.<String, String>keyValueStore()).enableStaleStores().withPartition(partition)));
            }
            ReadOnlyKeyValueStore<String, byte[]> requests = store();
            return RequestPages.read(partitions, after, limit, status, id -> {
                byte[] value = requests.get(id);
                return value == null ? null : RequestState.fromBytes(value);
            }, visible);
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "requests are not readable right now (jitmask is rebalancing); retry");
        }
    }

    /** The partitions of jit.approvals whose lifecycle task (active or standby) this instance holds. */
    private Set<Integer> lifecyclePartitions() {
        Set<Integer> out = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (Set<TaskMetadata> tasks : List.of(thread.activeTasks(), thread.standbyTasks())) {
                for (TaskMetadata task : tasks) {
                    if (task.topicPartitions().stream().anyMatch(p -> p.topic().equals(Topics.APPROVALS))) {
                        out.add(task.taskId().partition());
                    }
                }
            }
        }
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
