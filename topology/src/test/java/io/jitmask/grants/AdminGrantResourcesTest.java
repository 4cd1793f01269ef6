package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** How a batch's topics are cut into createTopics requests the KRaft controller takes (10,000 records at most). */
class AdminGrantResourcesTest {
    static NewTopic topic(int i, int partitions) {
        return new NewTopic("grant.d.r" + i, partitions, (short) 1).configs(Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
    }

    @Test
    void aBatchIsOneRequestUnlessItWouldWriteMoreThanHalfTheControllersLimit() {
        // 3 partitions and 4 configs: 8 records a topic; the default batch of 500 is 4,000, one request.
        assertThat(AdminGrantResources.controllerSized(IntStream.range(0, 500).mapToObj(i -> topic(i, 3)).toList()))
                .extracting(List::size).containsExactly(500);
        // 700 of them are 5,600 records: 625 (5,000) in the first request, the rest in a second.
        assertThat(AdminGrantResources.controllerSized(IntStream.range(0, 700).mapToObj(i -> topic(i, 3)).toList()))
                .extracting(List::size).containsExactly(625, 75);
        // A raw topic of 1,000 partitions: 5 grant topics a request.
        assertThat(AdminGrantResources.controllerSized(IntStream.range(0, 12).mapToObj(i -> topic(i, 1000)).toList()))
                .extracting(List::size).containsExactly(4, 4, 4);
    }

    @Test
    void aTopicLargerThanTheBudgetStillGoesAloneInItsOwnRequest() {
        assertThat(AdminGrantResources.controllerSized(List.of(topic(1, 3), topic(2, 6000), topic(3, 3))))
                .extracting(List::size).containsExactly(1, 1, 1);
    }
}
