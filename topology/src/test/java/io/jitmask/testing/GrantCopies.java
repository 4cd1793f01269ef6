package io.jitmask.testing;

import static io.jitmask.audit.AuditEvent.Type.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Checks of the copies on a grant topic against the raw records {@link RawLoad} produced. */
public final class GrantCopies {
    private GrantCopies() {
    }

    /** Each copy's source headers name the raw record its correlation id says it came from. */
    public static void assertSourceHeadersMatch(List<ConsumerRecord<byte[], byte[]>> copies, List<RawLoad.Sent> sent) {
        Map<Long, RawLoad.Sent> bySeq = sent.stream().collect(Collectors.toMap(RawLoad.Sent::seq, Function.identity()));
        assertThat(copies).allSatisfy(copy -> {
            RawLoad.Sent source = bySeq.get(Delivery.bySeq(List.of(copy)).keySet().iterator().next());
            assertThat(ByteBuffer.wrap(copy.headers().lastHeader("jitmask.source.partition").value()).getInt())
                    .isEqualTo(source.partition());
            assertThat(ByteBuffer.wrap(copy.headers().lastHeader("jitmask.source.offset").value()).getLong())
                    .isEqualTo(source.offset());
        });
    }

    /**
     * A grant limited to {@code keys} that has expired: {@code copies} (everything its topic held before it was
     * deleted) were all appended before {@code expiresAt}, are of matching records produced before it, none twice;
     * its audit trail is complete and once, its DISCLOSURE_SUMMARY counts exactly these copies, it is tombstoned and
     * its topic is gone. Returns how many matching records were produced after the expiry (none of them copied).
     */
    public static int assertEndedWithoutLateCopy(String dataset, String id, List<String> keys, Instant expiresAt,
                                                 List<ConsumerRecord<byte[], byte[]>> copies, List<RawLoad.Sent> sent) {
        assertThat(copies).as("the grant got copies while it lived").isNotEmpty();
        assertThat(copies).allSatisfy(copy -> {
            assertThat(copy.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(Instant.ofEpochMilli(copy.timestamp())).as("copy appended before expiresAt").isBefore(expiresAt);
        });
        Map<Long, Integer> counts = Delivery.bySeq(copies);
        assertThat(counts.values()).as("no duplicate copy").allMatch(c -> c == 1);
        Map<Long, RawLoad.Sent> bySeq = sent.stream().collect(Collectors.toMap(RawLoad.Sent::seq, Function.identity()));
        assertThat(counts.keySet()).allSatisfy(seq -> {
            assertThat(keys).contains(bySeq.get(seq).key());
            assertThat(bySeq.get(seq).sentAt()).as("copied record produced before expiry").isBefore(expiresAt);
        });
        assertSourceHeadersMatch(copies, sent);
        List<RawLoad.Sent> afterExpiry = sent.stream()
                .filter(s -> keys.contains(s.key()) && !s.sentAt().isBefore(expiresAt)).toList();
        assertThat(afterExpiry).as("matching records were produced after expiry").isNotEmpty();

        List<AuditEvent> trail = GrantRequests.audit(id);
        assertThat(trail).extracting(AuditEvent::type).containsExactly(REQUESTED, APPROVED, ACTIVATED, EXPIRY_DETECTED,
                DISCLOSURE_SUMMARY, EXPIRED, TOPIC_DELETED);
        assertThat(trail.get(4).records()).as("the summary counts exactly the copies read").isEqualTo((long) copies.size());
        assertThat(TopicReader.readAll(Topics.GRANTS).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(Topics.grantKey(dataset, id)))
                .map(r -> r.value() == null ? "tombstone" : io.jitmask.grants.GrantJson.fromBytes(r.value()).status()).toList())
                .containsExactly(io.jitmask.grants.Grant.ACTIVE, io.jitmask.grants.Grant.ENDING, "tombstone");
        try (var admin = SharedKafka.admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).doesNotContain(Topics.grant(dataset, id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return afterExpiry.size();
    }
}
