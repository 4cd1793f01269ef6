package io.jitmask.webauthn;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a credential event to {@code jit.credentials} and its audit event ({@code CREDENTIAL_REGISTERED} or
 * {@code CREDENTIAL_REMOVED}, request id {@code passkey/<actor>}, the credential id in {@code detail}) to
 * {@code jit.audit} in one Kafka transaction: a passkey is never usable without its registration being in the audit
 * trail, nor audited without being stored. The one place credentials are written.
 */
public final class CredentialPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    /** @param clientProperties bootstrap servers and security settings of the cluster */
    public CredentialPublisher(Properties clientProperties, String applicationId) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One per API server: no two writers share it, so none is ever fenced.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-credentials-" + UUID.randomUUID());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-credentials");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    public synchronized void publish(CredentialEvent event) {
        AuditEvent.Type type = event.type() == CredentialEvent.Type.CREDENTIAL_REGISTERED
                ? AuditEvent.Type.CREDENTIAL_REGISTERED : AuditEvent.Type.CREDENTIAL_REMOVED;
        AuditEvent audit = AuditEvent.of(type, "passkey/" + event.actor(), event.at()).actor(event.by())
                .grantee(event.actor()).detail("credential " + event.credentialId()).build();
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.CREDENTIALS, event.credentialId(), event.toBytes()));
            producer.send(new ProducerRecord<>(Topics.AUDIT, audit.requestId(), audit.toBytes()));
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw new IllegalStateException("could not write the credential to " + Topics.CREDENTIALS
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
