package io.jitmask.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.config.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes signed events to {@code jit.approvals} (key = requestId) and waits for the broker's acknowledgement. The
 * one way events are posted, by the CLI and the HTTP API alike.
 */
public final class ApprovalPoster implements AutoCloseable {
    private final KafkaProducer<String, String> producer;

    /** @param clientProperties bootstrap servers and any security settings of the cluster */
    public ApprovalPoster(Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "jitmask-approvals-" + UUID.randomUUID());
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    public static ApprovalPoster to(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new ApprovalPoster(props);
    }

    /** Posts the event as it is; the message of a failure names the topic and the error class only. */
    public void post(ObjectNode event) {
        try {
            producer.send(new ProducerRecord<>(Topics.APPROVALS, event.get("requestId").asText(), event.toString()))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting to " + Topics.APPROVALS, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not post the event to " + Topics.APPROVALS + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
