package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index alone: live grants are matched; an ENDING grant is matched by nothing but listed until its tombstone. */
class GrantIndexTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static Grant grant(String id, GrantFilter filter) {
        return new Grant(id, "customers", "User:alice", List.of("email"), filter, Topics.grant("customers", id), "alice",
                List.of("bob"), "INC-1", NOW, NOW.plusSeconds(60), Grant.ACTIVE);
    }

    @Test
    void anEndingGrantIsMatchedByNothingAndListedUntilItsTombstone() {
        GrantIndex index = new GrantIndex();
        Grant all = grant("r1", new GrantFilter.All());
        Grant keyed = grant("r2", new GrantFilter.Keys(List.of("C1")));
        index.put(all);
        index.put(keyed);
        assertThat(index.matching("customers", "C1")).containsExactlyInAnyOrder(all, keyed);
        assertThat(index.ending()).isEmpty();

        index.put(keyed.ending());
        assertThat(index.matching("customers", "C1")).containsExactly(all);
        assertThat(index.contains(keyed.key())).isFalse();
        assertThat(index.isEnding(keyed.key())).isTrue();
        assertThat(index.ending()).containsExactly(keyed.ending());
        assertThat(index.size()).as("live grants only").isEqualTo(1);

        index.remove(keyed.key());
        assertThat(index.ending()).isEmpty();
        assertThat(index.isEnding(keyed.key())).isFalse();
        assertThat(index.matching("customers", "C1")).containsExactly(all);
    }

    @Test
    void aTopicMarkedDeletedByTheBrokersAnswerIsClearedByTheGrantsEnd() {
        GrantIndex index = new GrantIndex();
        Grant all = grant("r1", new GrantFilter.All());
        index.put(all);
        index.markTopicDeleted(all.topic());
        assertThat(index.isTopicDeleted(all.topic())).isTrue();
        index.put(all.ending());
        index.remove(all.key());
        assertThat(index.isTopicDeleted(all.topic())).isFalse();
    }

    @Test
    void aTimeoutNeverMarksAGrantTopicOnlyTheBrokersAnswerThatItDoesNotExistDoes() {
        GrantIndex index = new GrantIndex();
        Grant all = grant("r1", new GrantFilter.All());
        index.put(all);
        GrantTopicProductionExceptionHandler handler = new GrantTopicProductionExceptionHandler();
        handler.configure(java.util.Map.of(GrantTopicProductionExceptionHandler.GRANT_INDEX_CONFIG, index));
        var copy = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(all.topic(), new byte[0]);

        var outage = new org.apache.kafka.common.errors.TimeoutException("Expiring 12 record(s): 30001 ms has passed");
        assertThat(handler.handleError(null, copy, outage).result())
                .isEqualTo(org.apache.kafka.streams.errors.ProductionExceptionHandler.Result.FAIL);
        assertThat(index.isTopicDeleted(all.topic())).as("an outage leaves the live grant alone").isFalse();

        var deleted = new org.apache.kafka.common.errors.TimeoutException("Topic not present in metadata after 10000 ms.",
                new org.apache.kafka.common.errors.UnknownTopicOrPartitionException("This server does not host this topic-partition."));
        assertThat(handler.handleError(null, copy, deleted).result())
                .as("the transaction that counted the copy aborts; its replay skips the topic now marked deleted")
                .isEqualTo(org.apache.kafka.streams.errors.ProductionExceptionHandler.Result.FAIL);
        assertThat(index.isTopicDeleted(all.topic())).isTrue();
        assertThat(index.matching("customers", "C7")).containsExactly(all);
    }
}
