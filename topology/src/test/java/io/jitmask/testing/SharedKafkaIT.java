package io.jitmask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class SharedKafkaIT {
    @Test
    void startsOnceAndCreatesTopics() throws Exception {
        SharedKafka.createTopics(2, "shared-kafka-smoke");
        try (Admin admin = SharedKafka.admin()) {
            assertThat(admin.listTopics().names().get()).contains("shared-kafka-smoke");
        }
        assertThat(SharedKafka.bootstrapServers()).isEqualTo(SharedKafka.bootstrapServers());
    }
}
