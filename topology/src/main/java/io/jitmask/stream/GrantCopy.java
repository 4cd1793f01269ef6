package io.jitmask.stream;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** An unmasked copy on its way to one grant topic: the sink takes the topic from here, the bytes are the value. */
public record GrantCopy(String topic, byte[] bytes) {

    public static final TopicNameExtractor<byte[], GrantCopy> TOPIC = (key, copy, context) -> copy.topic();

    public static final Serializer<GrantCopy> VALUE_SERIALIZER = (topic, copy) -> copy == null ? null : copy.bytes();
}
