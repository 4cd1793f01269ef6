package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryTest {

    @Test
    void aBusyPortFailsBeforeAnyKafkaClientStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Nothing listens on port 1: had the registry reached Kafka first, this would fail otherwise, and slowly.
            assertThatThrownBy(() -> EmbeddedSchemaRegistry.start("127.0.0.1:1", "127.0.0.1", taken.getLocalPort()))
                    .isInstanceOf(BindException.class);
        }
    }
}
