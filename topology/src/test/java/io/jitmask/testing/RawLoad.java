package io.jitmask.testing;

import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady stream of customers to a raw topic, one acknowledged send at a time, each numbered by a
 * {@code correlation-id} header (a header the policy passes through to masked and grant topics), so every output
 * record names the raw record it came from. The producer is idempotent and retries, so a broker outage neither
 * loses nor duplicates a raw record.
 */
public final class RawLoad implements AutoCloseable {
    public static final String SEQ_HEADER = "correlation-id";

    /** One acknowledged raw record: its number, key, where it landed, and when its send started. */
    public record Sent(long seq, String key, int partition, long offset, Instant sentAt) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong next = new AtomicLong();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean idle = new AtomicBoolean();
    private final Thread thread;

    private RawLoad(String bootstrapServers, SchemaRegistryClient registry, String topic, LongFunction<String> keyOf) {
        thread = new Thread(() -> {
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    // An outside producer that waits out a long broker outage (and a slow restart on a loaded
                    // machine) instead of giving its record up after the default 2 minutes.
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000",
                    ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new ConfluentAvroSerializer(registry, false))) {
                while (running.get()) {
                    if (paused.get()) {
                        idle.set(true);
                        Thread.sleep(5);
                        continue;
                    }
                    idle.set(false);
                    long seq = next.getAndIncrement();
                    String key = keyOf.apply(seq);
                    ProducerRecord<String, Object> record = new ProducerRecord<>(topic, key, TestCustomers.customer(key));
                    record.headers().add(SEQ_HEADER, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
                    Instant sentAt = Instant.now();
                    RecordMetadata metadata = producer.send(record).get();
                    sent.add(new Sent(seq, key, metadata.partition(), metadata.offset(), sentAt));
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }, "raw-load-" + topic);
        thread.setDaemon(true);
    }

    /** Starts producing to {@code topic}; record number n gets the key {@code keyOf(n)}. */
    public static RawLoad start(String bootstrapServers, SchemaRegistryClient registry, String topic, LongFunction<String> keyOf) {
        RawLoad load = new RawLoad(bootstrapServers, registry, topic, keyOf);
        load.thread.start();
        return load;
    }

    /** The number the next record will get: every record numbered from here on is sent after this call. */
    public long nextSeq() {
        return next.get();
    }

    /** Stops sending and returns once no send is in flight; {@link #resume()} goes on with the next number. */
    public void pause() {
        paused.set(true);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(130))
                .pollInterval(java.time.Duration.ofMillis(20)).until(idle::get);
    }

    public void resume() {
        idle.set(false);
        paused.set(false);
    }

    /** Fails with the load producer's error if it stopped on one. */
    public void assertAlive() {
        if (failure.get() != null) {
            throw new IllegalStateException("the load producer failed", failure.get());
        }
    }

    /** Records acknowledged so far. */
    public int acknowledged() {
        return sent.size();
    }

    /** Stops after the record in flight and returns every acknowledged record, in order; fails if a send failed. */
    public List<Sent> stop() {
        running.set(false);
        try {
            thread.join(130_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the load producer failed", failure.get());
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("the load producer did not stop");
        }
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        running.set(false);
    }
}
