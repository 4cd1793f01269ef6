package io.jitmask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Counts output records by the number of the raw record they came from ({@link RawLoad#SEQ_HEADER}). */
public final class Delivery {
    private Delivery() {
    }

    /** How many times each raw record number appears; a record without the header counts under -1. */
    public static Map<Long, Integer> bySeq(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Long, Integer> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Header seq = record.headers().lastHeader(RawLoad.SEQ_HEADER);
            counts.merge(seq == null ? -1L : Long.parseLong(new String(seq.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Every raw record numbered in [{@code from}, {@code produced}) appears exactly once; records numbered below
     * {@code from} at most once; nothing else appears (no duplicate, no record that was never produced).
     */
    public static void assertExactlyOnce(String what, Map<Long, Integer> counts, long from, long produced) {
        assertThat(counts.entrySet()).as(what + ": no duplicates").allSatisfy(e -> assertThat(e.getValue())
                .as(what + ": raw record " + e.getKey()).isEqualTo(1));
        assertThat(counts.keySet()).as(what + ": only produced records").allSatisfy(seq -> assertThat(seq).isBetween(0L, produced - 1));
        List<Long> missing = LongStream.range(from, produced).filter(seq -> !counts.containsKey(seq)).boxed().toList();
        assertThat(missing).as(what + ": none lost").isEmpty();
    }
}
