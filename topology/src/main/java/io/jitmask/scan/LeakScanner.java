package io.jitmask.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Searches for canary values everywhere a leak could hide: every topic (internal ones, changelogs and repartition
 * topics included; aborted transactions too, since they sit on disk), every record key, value and header, and
 * every file under the given directories (state directories, data directories, log files). A canary may appear
 * only where the caller allows it: the raw topics, and the topics of live grants.
 */
public final class LeakScanner {
    /** One place a canary was found. */
    public record Finding(String where, String canary) {
        @Override
        public String toString() {
            return canary + " in " + where;
        }
    }

    private static final Pattern PARTITION_DIR = Pattern.compile("(.+)-(\\d+)");

    private final List<byte[]> canaries;
    private final List<String> texts;
    private final Predicate<String> allowedTopic;

    public LeakScanner(List<String> canaries, Predicate<String> allowedTopic) {
        this.texts = List.copyOf(canaries);
        this.canaries = canaries.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toList();
        this.allowedTopic = allowedTopic;
    }

    public List<Finding> scanTopics(String bootstrapServers) throws Exception {
        return scanTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Every topic the given client settings may see (on a secured cluster: scan as a principal that reads all). */
    public List<Finding> scanTopics(Map<String, Object> kafka) throws Exception {
        List<Finding> findings = new ArrayList<>();
        Set<String> topics;
        try (Admin admin = Admin.create(kafka)) {
            topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
        Map<String, Object> settings = new java.util.HashMap<>(kafka);
        settings.putAll(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "jitmask-leak-scan-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG, "false"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : topics) {
                if (allowedTopic.test(topic)) {
                    continue;
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        String at = topic + "/" + record.partition() + "/" + record.offset();
                        check(record.key(), at + " key", findings);
                        check(record.value(), at + " value", findings);
                        for (Header header : record.headers()) {
                            check(header.value(), at + " header " + header.key(), findings);
                            check(header.key().getBytes(StandardCharsets.UTF_8), at + " header name", findings);
                        }
                    }
                }
            }
        }
        return findings;
    }

    /** Every file below the roots, except the log segments of allowed topics (a broker's data directory holds raw topics). */
    public List<Finding> scanFiles(List<Path> roots) throws IOException {
        List<Finding> findings = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path parent = file.getParent();
                    Matcher partition = parent == null ? null : PARTITION_DIR.matcher(parent.getFileName().toString());
                    if (partition != null && partition.matches() && allowedTopic.test(partition.group(1))) {
                        continue;
                    }
                    try {
                        check(Files.readAllBytes(file), file.toString(), findings);
                    } catch (IOException e) {
                        // vanished while scanning (segment deleted, lock file): nothing left to leak
                    }
                }
            }
        }
        return findings;
    }

    public List<Finding> scanLines(List<String> lines, String where) {
        List<Finding> findings = new ArrayList<>();
        for (String line : lines) {
            for (String canary : texts) {
                if (line.contains(canary)) {
                    findings.add(new Finding(where, canary));
                }
            }
        }
        return findings;
    }

    private void check(byte[] bytes, String where, List<Finding> findings) {
        if (bytes == null) {
            return;
        }
        for (int i = 0; i < canaries.size(); i++) {
            if (indexOf(bytes, canaries.get(i)) >= 0) {
                findings.add(new Finding(where, texts.get(i)));
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
