package io.jitmask.scan;

import io.jitmask.cli.TopicScan;
import io.jitmask.config.Topics;
import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The topics of the grants that are live now, read from {@code jit.grants} (last record per key wins; a
 * tombstone ends a grant). A clear value may be on these and on raw topics only: a grant topic whose grant has
 * ended (or never existed) holding a canary is a leak.
 */
public final class LiveGrantTopics {
    private LiveGrantTopics() {
    }

    public static Set<String> read(Map<String, Object> kafka, Instant now) {
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.readAll(kafka, Topics.GRANTS)) {
            if (record.key() != null) {
                latest.put(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8), record.value());
            }
        }
        return latest.values().stream().filter(v -> v != null).map(LiveGrantTopics::grant)
                .filter(g -> g != null && Grant.ACTIVE.equals(g.status()) && g.isLiveAt(now))
                .map(Grant::topic).collect(Collectors.toUnmodifiableSet());
    }

    private static Grant grant(byte[] value) {
        try {
            return GrantJson.fromBytes(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
