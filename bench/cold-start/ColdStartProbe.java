import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Ed25519;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

/** Posts one signed request and prints when each hop of the admission round trip wrote its record. */
public class ColdStartProbe {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String keys = args[1];
        int requests = Integer.parseInt(args[2]);
        String control = "jitmask-control";
        var key = Ed25519.privateKey(Files.readString(Path.of(keys, "alice.key")));
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
             var uncommitted = consumer(bootstrap, "read_uncommitted"); var committed = consumer(bootstrap, "read_committed")) {
            List<String> topics = List.of(control + "-admission-repartition", control + "-admission-answers-repartition", "jit.audit");
            assign(uncommitted, topics);
            assign(committed, List.of("jit.audit"));
            for (int n = 0; n < requests; n++) {
                String id = "cold" + UUID.randomUUID().toString().substring(0, 8);
                var event = ApprovalEvents.requested(id, "alice", Instant.now(), "User:alice", "customers", List.of("email"), null,
                        "INC-16 cold start probe", 600, null, key);
                long sent = System.currentTimeMillis();
                var md = producer.send(new ProducerRecord<>("jit.approvals", id, event.toString())).get();
                long acked = System.currentTimeMillis();
                Map<String, String> at = new LinkedHashMap<>();
                long seen = -1;
                while (seen < 0 && System.currentTimeMillis() - sent < 120_000) {
                    for (var r : uncommitted.poll(Duration.ofMillis(20))) {
                        String v = r.value() == null ? "" : r.value();
                        if (v.contains(id) || id.equals(r.key())) {
                            at.putIfAbsent(r.topic().replace(control + "-", "") + "@p" + r.partition(), (r.timestamp() - sent) + "/seen " + (System.currentTimeMillis() - sent));
                        }
                    }
                    for (var r : committed.poll(Duration.ofMillis(1))) {
                        if (id.equals(r.key()) && r.value().contains("\"REQUESTED\"")) {
                            seen = System.currentTimeMillis() - sent;
                        }
                    }
                }
                System.out.printf("request %d %s: acked %d ms (partition %d); written (record timestamps, ms after send) %s; REQUESTED committed and read %d ms%n",
                        n, id, acked - sent, md.partition(), at, seen);
                Thread.sleep(1000);
            }
        }
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "probe-" + UUID.randomUUID(),
                "enable.auto.commit", "false", "isolation.level", isolation), new StringDeserializer(), new StringDeserializer());
    }

    static void assign(KafkaConsumer<String, String> c, List<String> topics) {
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : topics) {
            c.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
        }
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position);
    }
}
