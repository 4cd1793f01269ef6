package io.jitmask.bench;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** The baseline: the same source and sink as the masking path, bytes copied through untouched. */
public final class PassThroughTopology {
    private PassThroughTopology() {
    }

    public static Topology build(String input, String output) {
        return new Topology()
                .addSource("bench-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input)
                .addProcessor("bench-pass-through", () -> new Processor<byte[], byte[], byte[], byte[]>() {
                    private ProcessorContext<byte[], byte[]> context;

                    @Override
                    public void init(ProcessorContext<byte[], byte[]> context) {
                        this.context = context;
                    }

                    @Override
                    public void process(Record<byte[], byte[]> record) {
                        context.forward(record);
                    }
                }, "bench-source")
                .addSink("bench-sink", output, new ByteArraySerializer(), new ByteArraySerializer(), "bench-pass-through");
    }
}
