package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.grants.RequestState;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances of one application with {@code num.standby.replicas=1}, as the Kubernetes manifests run them: the
 * lifecycle's {@code grant-requests} partitions are split between them, yet each instance's API read model lists
 * every request, from its active partitions and its standby copies of the other's.
 */
class MultiInstanceRequestsIT {
    /** Both instances are started by the test, with standby replicas. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("multi").dataset("multi", "customers")
            .setting("num.standby.replicas", "1").withoutApp().build();

    @Test
    void everyInstanceListsEveryRequestWhenEachHoldsAStandbyOfTheOther() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataset = STACK.dataset();
        List<JitmaskApp> apps = new ArrayList<>();
        try {
            for (String name : List.of("a", "b")) {
                apps.add(JitmaskApp.start(STACK.config().with(Map.of(JitmaskConfig.STATE_DIR,
                        STACK.dir().resolve("state-" + name).toString()))));
            }
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                    apps.stream().allMatch(app -> app.control().state() == KafkaStreams.State.RUNNING)
                            && apps.stream().allMatch(app -> !activeApprovalPartitions(app).isEmpty()));
            // The split this test is about: neither instance is active for every partition of jit.approvals.
            Set<Integer> a = activeApprovalPartitions(apps.get(0));
            Set<Integer> b = activeApprovalPartitions(apps.get(1));
            assertThat(a).doesNotContainAnyElementsOf(b);

            List<String> ids = new ArrayList<>();
            Properties client = new Properties();
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
            try (io.jitmask.approval.ApprovalPoster poster = new io.jitmask.approval.ApprovalPoster(client)) {
                for (int i = 0; i < 12; i++) {
                    String id = "rm" + suffix + i;
                    ids.add(id);
                    poster.post(ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", dataset,
                            List.of("email"), null, "INC-31 multi-instance read", 600, null, DemoActors.key("alice")));
                }
            }
            for (JitmaskApp app : apps) {
                RequestStates states = new RequestStates(app.control());
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(states.page(null, Paging.MAX_LIMIT, null, s -> true).items().stream().filter(s -> s.dataset() != null && s.dataset().equals(dataset))
                                .collect(Collectors.toMap(RequestState::requestId, RequestState::status)))
                                .containsOnlyKeys(ids)
                                .allSatisfy((id, status) -> assertThat(status).isEqualTo(RequestState.Status.PENDING)));
                for (String id : ids) {
                    assertThat(states.require(id).requestId()).isEqualTo(id);
                }
            }
        } finally {
            apps.forEach(JitmaskApp::close);
        }
    }

    private static Set<Integer> activeApprovalPartitions(JitmaskApp app) {
        Set<Integer> partitions = new java.util.HashSet<>();
        for (ThreadMetadata thread : app.control().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.APPROVALS))
                        .forEach(tp -> partitions.add(tp.partition()));
            }
        }
        return partitions;
    }
}
