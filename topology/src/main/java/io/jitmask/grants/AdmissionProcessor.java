package io.jitmask.grants;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact per-requester limit on pending requests, keyed by requester: the one task that owns a requester's
 * partition of the admission topic counts that requester's pending requests ({@code pending/<requester>}, a
 * changelogged store) whatever partition of {@code jit.approvals} they came on, and answers each ADMIT with ADMITTED
 * (counted) or REFUSED ({@link AdmissionAnswer}, to the lifecycle task that asked). RELEASE takes one off; COUNT
 * adds what a lifecycle task already held when admission started (upgrade). Under exactly-once the count, the answer
 * and the consumed command commit together, so the count is exact on any number of partitions and instances.
 */
public final class AdmissionProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionProcessor.class);
    static final String PENDING = "pending/";

    private final int limit;
    private final String storeName;
    private final String answersSink;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Long> counts;

    public AdmissionProcessor(int limit, String storeName, String answersSink) {
        this.limit = limit;
        this.storeName = storeName;
        this.answersSink = answersSink;
    }

    /** Answers go back to the partition of the lifecycle task that asked (the ADMIT's origin), not by key hash. */
    public static final StreamPartitioner<String, byte[]> TO_ORIGIN = new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
            int origin = AdmissionAnswer.fromBytes(value).origin();
            if (origin < 0 || origin >= numPartitions) {
                throw new IllegalStateException("admission answer for partition " + origin + " of " + topic
                        + ", which has " + numPartitions + " (it must be co-partitioned with jit.approvals)");
            }
            return Optional.of(Set.of(origin));
        }
    };

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.counts = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        AdmissionCommand command = AdmissionCommand.fromBytes(record.value());
        String key = PENDING + command.requester();
        long pending = pendingOf(key);
        switch (command.type()) {
            case ADMIT -> {
                boolean admitted = pending < limit;
                if (admitted) {
                    set(key, pending + 1);
                }
                AdmissionAnswer answer = new AdmissionAnswer(admitted ? AdmissionAnswer.Type.ADMITTED
                        : AdmissionAnswer.Type.REFUSED, command.requestId(), command.requester(), command.origin(),
                        pending, limit);
                context.forward(new Record<>(command.requestId(), answer.toBytes(), record.timestamp()), answersSink);
            }
            case RELEASE -> {
                if (pending <= 0) {
                    // Never on the normal path (each lifecycle task seeds its count before it releases anything):
                    // a request pending before admission existed whose task had not seeded yet.
                    LOG.warn("release of {} found no pending request of its requester counted", command.requestId());
                }
                set(key, pending - 1);
            }
            case COUNT -> set(key, pending + command.count());
            default -> throw new IllegalStateException("unknown admission command " + command.type());
        }
    }

    private long pendingOf(String key) {
        Long count = counts.get(key);
        return count == null ? 0 : count;
    }

    private void set(String key, long value) {
        if (value <= 0) {
            counts.delete(key);
        } else {
            counts.put(key, value);
        }
    }
}
