package io.jitmask.audit;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Audit export: each {@code jit.audit} event, wrapped as a CloudEvent ({@link CloudEvent#ofAudit}), forwarded with
 * the same key (the request id, so a request's events stay in order) and the Kafka protocol binding's structured-mode
 * header {@code content-type: application/cloudevents+json}. A record that is not an audit event is not exported.
 */
public final class AuditCloudEventsProcessor implements Processor<String, byte[], String, byte[]> {
    private final String applicationId;
    private final String sink;
    private ProcessorContext<String, byte[]> context;

    public AuditCloudEventsProcessor(String applicationId, String sink) {
        this.applicationId = applicationId;
        this.sink = sink;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        AuditEvent event;
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = AuditEvent.MAPPER.readTree(record.value());
            event = AuditEvent.MAPPER.treeToValue(json, AuditEvent.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return; // jitmask never writes one; a foreign record is not ours to export
        }
        if (event.type() == null || event.at() == null) {
            return;
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        CloudEvent cloudEvent = CloudEvent.ofAudit(applicationId, source.partition(), source.offset(), event, json);
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(record.key(), cloudEvent.toBytes(), record.timestamp(), headers), sink);
    }
}
