package io.jitmask.audit;

import io.jitmask.config.Topics;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes audit events outside the stream transaction and waits for each, so the trail's order is the order of the steps. */
public final class AuditSender {
    private AuditSender() {
    }

    public static void send(Producer<String, byte[]> producer, AuditEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.AUDIT, event.requestId(), event.toBytes())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing the audit trail", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the audit trail", e);
        }
    }
}
