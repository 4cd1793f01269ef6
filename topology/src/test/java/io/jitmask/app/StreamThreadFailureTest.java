package io.jitmask.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamThreadFailureTest {

    @Test
    void namesTheChainAndKeepsOnlyKafkaTimeoutMessages() {
        Throwable error = new StreamsException("Exception caught in process: 4111-1111-1111-1111",
                new TimeoutException("Task 0_2 did not make progress within 60012 ms. Adjust `task.timeout.ms` if needed.",
                        new TimeoutException("Timeout of 15000ms expired before the last committed offset for partitions"
                                + " [raw.customers-2] could be determined.")));
        StreamThreadFailure failure = StreamThreadFailure.of(error);
        assertThat(failure.rootCause()).isEqualTo("TimeoutException");
        assertThat(failure.toString()).isEqualTo("StreamsException"
                + " <- TimeoutException: Task 0_2 did not make progress within 60012 ms. Adjust `task.timeout.ms` if needed."
                + " <- TimeoutException: Timeout of 15000ms expired before the last committed offset for partitions"
                + " [raw.customers-2] could be determined.");
        assertThat(failure.toString()).as("a message that could quote a record is left out").doesNotContain("4111");
    }

    @Test
    void anExpiredWriteIsNamedSo() {
        StreamThreadFailure failure = StreamThreadFailure.of(new StreamsException("Error encountered sending record",
                new TimeoutException("Expiring 1 record(s) for jitmask-grant-ledger-changelog-0:30011 ms has passed since"
                        + " batch creation.")));
        assertThat(failure.rootCause()).isEqualTo(StreamThreadFailure.EXPIRED_WRITE);
        assertThat(failure.toString()).isEqualTo("StreamsException <- TimeoutException: Expiring 1 record(s) for"
                + " jitmask-grant-ledger-changelog-0:30011 ms has passed since batch creation.");
    }

    @Test
    void anErrorWithoutCauseIsItsOwnRoot() {
        StreamThreadFailure failure = StreamThreadFailure.of(new IllegalStateException("value 4111"));
        assertThat(failure.rootCause()).isEqualTo("IllegalStateException");
        assertThat(failure.toString()).isEqualTo("IllegalStateException");
    }

    @Test
    void outageTimeoutsAreDefaultsADeploymentMayOverride() {
        Properties defaults = JitmaskApp.outageTimeouts(new Properties());
        assertThat(defaults).containsExactlyInAnyOrderEntriesOf(Map.of(
                StreamsConfig.TASK_TIMEOUT_MS_CONFIG, "60000",
                "consumer.default.api.timeout.ms", "15000"));
        Properties given = new Properties();
        given.setProperty(StreamsConfig.TASK_TIMEOUT_MS_CONFIG, "300000");
        assertThat(JitmaskApp.outageTimeouts(given).getProperty(StreamsConfig.TASK_TIMEOUT_MS_CONFIG)).isEqualTo("300000");
    }
}
