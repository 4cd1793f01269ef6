package io.jitmask.backfill;

import io.jitmask.audit.AuditSender;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.grants.GrantIndex;
import io.jitmask.mask.MaskEngine;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.stream.GrantCopier;
import io.jitmask.stream.HeaderFilter;
import io.jitmask.stream.MaskedSchemaIds;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The clients and settings of the backfills, from the application's configuration. */
public final class BackfillClients {
    private BackfillClients() {
    }

    public static Backfills.Settings settings(JitmaskConfig config, Admin admin, Producer<String, byte[]> auditProducer,
                                              GrantIndex grants, MaskEngine engine,
                                              SchemaRegistryClient registry, List<String> allowedHeaders,
                                              io.jitmask.ops.JitmaskMetrics metrics) {
        MaskedSchemaIds maskedIds = new MaskedSchemaIds(registry);
        HeaderFilter headers = new HeaderFilter(allowedHeaders);
        return new Backfills.Settings(grants, () -> new GrantCopier(engine, registry, maskedIds, headers),
                () -> new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                () -> new KafkaProducer<>(producerProps(config), new ByteArraySerializer(), new ByteArraySerializer()),
                topic -> highWatermarks(admin, topic), event -> AuditSender.send(auditProducer, event),
                Clock.systemUTC(), config.backfillMaxRecordsPerSecond(), config.grantCopyCutoff(),
                config.backfillProgressInterval(), metrics);
    }

    /**
     * The high watermark, not the last stable offset: with at_least_once the stream threads read uncommitted
     * records too, and nobody can have fetched a record at or above the high watermark before it was read.
     */
    static Map<TopicPartition, Long> highWatermarks(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> query.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading end offsets", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of the raw topic (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Properties consumerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-backfill-" + UUID.randomUUID());
        return props;
    }

    private static Properties producerProps(JitmaskConfig config) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // A copy racing its grant topic's deletion must fail in seconds, like the stream's copies.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-backfill-" + UUID.randomUUID());
        return props;
    }
}
