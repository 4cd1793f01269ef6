package io.jitmask.bench;

import io.jitmask.approval.ApprovalEvents;
import io.jitmask.config.Topics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The bulk loader of the lifecycle's history (issue 16: 1,000,000 ended requests): signed REQUESTED events, each
 * followed by its DENIED (requesters alice and dave, reviewer bob), exactly what a client would post, signed by a
 * pool of threads (signing is the clients' cost, never measured) into a file, then posted from that file by one
 * fast producer. The file keeps millions of events out of the heap and lets one signing serve every run.
 *
 * <p>File format: per event, key length, key bytes, value length, value bytes (Java {@code DataOutput} ints). Each
 * request's REQUESTED comes before its DENIED (both in one chunk), so a request's events keep their order on its
 * partition; chunks from different signers interleave freely.
 */
final class HistoryLoader {
    /** Requests signed per task: large enough to keep the pool busy, small enough to keep a chunk in memory. */
    private static final int CHUNK = 2_000;

    private final Path file;
    private final String runTag = UUID.randomUUID().toString().substring(0, 6);
    private long requests;

    HistoryLoader(Path file) {
        this.file = file;
    }

    /**
     * Signs {@code requests} pairs with one thread per core into the file (replacing what it held); {@code progress}
     * hears of every 100,000. Each event's {@code at} is when it was signed: post the file within the request TTL and
     * the prune horizon, as a client would.
     */
    void sign(long requests, PrivateKey alice, PrivateKey dave, PrivateKey bob, Consumer<String> progress) throws Exception {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-history-signer");
            t.setDaemon(true);
            return t;
        });
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            List<Future<byte[]>> pending = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            long next = 0;
            while (next < requests || !pending.isEmpty()) {
                // A bounded number of chunks in flight, written in submission order.
                while (next < requests && pending.size() < 2 * threads) {
                    long from = next;
                    long to = Math.min(requests, from + CHUNK);
                    pending.add(pool.submit(() -> chunk(from, to, alice, dave, bob)));
                    ends.add(to);
                    next = to;
                }
                out.write(pending.remove(0).get());
                long written = ends.remove(0);
                if (written / 100_000 != (written - CHUNK) / 100_000 || written == requests) {
                    progress.accept(written + " requests signed");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        this.requests = requests;
    }

    private byte[] chunk(long from, long to, PrivateKey alice, PrivateKey dave, PrivateKey bob) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) (to - from) * 600);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (long i = from; i < to; i++) {
                String id = "h" + runTag + "-" + i;
                boolean byAlice = i % 2 == 0;
                String actor = byAlice ? "alice" : "dave";
                Instant at = Instant.now();
                write(out, id, ApprovalEvents.requested(id, actor, at, "User:" + actor, BenchHarness.DATASET,
                        List.of("email"), null, "BENCH-4 history " + i, 300, null, byAlice ? alice : dave).toString());
                write(out, id, ApprovalEvents.denied(id, "bob", at, "history", bob).toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, String key, String value) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(v.length);
        out.write(v);
    }

    /** Posts the first {@code requests} pairs of the file to jit.approvals and waits for every acknowledgement. */
    void post(String bootstrap, long requests) throws IOException {
        if (requests > this.requests) {
            throw new IllegalArgumentException("only " + this.requests + " requests were signed, not " + requests);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
             DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            for (long event = 0; event < 2 * requests; event++) {
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                producer.send(new ProducerRecord<>(Topics.APPROVALS, key, value));
            }
            producer.flush();
        } catch (EOFException e) {
            throw new IllegalStateException("the history file " + file + " ended early", e);
        }
    }
}
