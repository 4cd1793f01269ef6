package io.jitmask.app;

import java.util.List;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.internals.InternalTopicProperties;

/**
 * The control plane's topology: a {@link Topology} that can also declare repartition topics, which the Processor
 * API has no public call for (the DSL declares its own through the same builder). Kafka Streams then creates them
 * as {@code <application.id>-<name>}, sizes them, purges what was committed, and the reset tool knows them; their
 * names fall under the application id's prefix, which the pipeline's ACLs already cover. Uses Kafka Streams'
 * internal builder (pinned Kafka version): the same two calls its own repartition nodes make.
 */
public final class ControlTopology extends Topology {
    /** Declares {@code name} (undecorated) as a repartition topic of this application; its partition count derived. */
    public ControlTopology repartitionTopic(String name) {
        internalTopologyBuilder.addInternalTopic(name, InternalTopicProperties.empty());
        return this;
    }

    /** The sources' topics must have the same partition count; a repartition topic among them is created with it. */
    public ControlTopology copartition(String... sourceNames) {
        internalTopologyBuilder.copartitionSources(List.of(sourceNames));
        return this;
    }
}
