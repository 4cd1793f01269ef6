package io.jitmask.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.app.JitmaskApp;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import io.jitmask.testing.Delivery;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.RawLoad;
import io.jitmask.testing.TestBroker;
import io.jitmask.testing.TopicReader;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker goes away in the middle of the run and comes back on the same ports with the same data: jitmask
 * rides through the outage (it does not die), and every raw record is in masked.* exactly once. With a grant live
 * across an outage longer than every client timeout (65 s: delivery.timeout.ms is 30 s, default.api.timeout.ms
 * 60 s) and records in flight, the grant gets every record produced from its activation on exactly once: a failed
 * write to its topic is retried from the last commit, never taken to mean the topic is gone.
 *
 * <p>On a broker of the class's own that it can stop and start again ({@link JitmaskStack.Builder#restartableBroker()}:
 * the product's embedded broker, persistent data directory, fixed ports); the shared test broker cannot be restarted.
 * Each test has a dataset of its own (its raw records are counted exactly), masked by the stack's one application,
 * which has metrics on so the test can tell which order of the race each outage hit.
 */
class BrokerRestartIT {
    static final int OUTAGE_SECONDS = 5;
    static final int LONG_OUTAGE_SECONDS = 65;

    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("outage").restartableBroker()
            .dataset("restart", "customers").dataset("restarts", "customers")
            .dataset("longoutage", "customers").dataset("longoutages", "customers")
            .setting(JitmaskConfig.METRICS_ENABLED, "true").setting(JitmaskConfig.METRICS_HOST, "127.0.0.1")
            .setting(JitmaskConfig.METRICS_PORT, "0").build();

    @Test
    void aBrokerRestartMidRunLosesAndDuplicatesNothing() throws Exception {
        restartBrokerUnderLoad("restart", 1, OUTAGE_SECONDS, Races.ONE_OUTAGE);
    }

    @Test
    @Tag("soak")
    void fiveBrokerRestartsLoseAndDuplicateNothing() throws Exception {
        restartBrokerUnderLoad("restarts", 5, OUTAGE_SECONDS, Races.ONE_OUTAGE);
    }

    @Test
    void anOutageLongerThanEveryClientTimeoutLosesNoCopyOfALiveGrant() throws Exception {
        restartBrokerUnderLoad("longoutage", 1, LONG_OUTAGE_SECONDS, Races.ONE_OUTAGE);
    }

    /**
     * Long outages until both orders of the race have happened at least twice each (at most 8 outages): the
     * broker goes away while a transaction carrying copies to the live grant's topic is in flight (its writes fail
     * and it is aborted: counted by jitmask_write_failures_total{target=grant|masked}), and while nothing is in flight (only the reads of new source
     * records fail). Every other outage starts under load, the others right after the pipeline went quiet.
     */
    @Test
    @Tag("soak")
    void longOutagesHittingBothOrdersOfTheRaceLoseNoCopyOfALiveGrant() throws Exception {
        restartBrokerUnderLoad("longoutages", 8, LONG_OUTAGE_SECONDS, Races.BOTH_ORDERS_TWICE);
    }

    /** Which orders of the copy/outage race the outages must hit, and when the loop may stop early. */
    enum Races {
        ONE_OUTAGE, BOTH_ORDERS_TWICE;

        boolean quietBefore(int outage) {
            return this == BOTH_ORDERS_TWICE && outage % 2 == 1;
        }

        boolean done(int writeFailed, int readFailed) {
            return this == BOTH_ORDERS_TWICE && writeFailed >= 2 && readFailed >= 2;
        }
    }

    void restartBrokerUnderLoad(String dataset, int restarts, int outageSeconds, Races races) throws Exception {
        // A write that times out in a long outage fails its stream thread, which jitmask replaces (REPLACE_THREAD):
        // that is the design, not a test failure, so waits here do not take it for one.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        try {
            restartBrokerUnderLoadOnce(STACK.dataset(dataset), restarts, outageSeconds, races);
        } finally {
            Awaitility.reset();
        }
    }

    void restartBrokerUnderLoadOnce(String dataset, int restarts, int outageSeconds, Races races) throws Exception {
        TestBroker broker = STACK.broker();
        String bootstrap = broker.bootstrapServers();
        JitmaskApp app = STACK.app();
        RawLoad load = RawLoad.start(bootstrap, STACK.registry(), Topics.raw(dataset), seq -> "K" + (seq % 10));
        try {
            awaitProgress(bootstrap, dataset, 50);
            // A live grant on every record, visible to the masking path once it has a copy.
            String grant = grantEveryRecord(bootstrap, dataset);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !TopicReader.readAll(bootstrap, Topics.grant(dataset, grant)).isEmpty());
            long liveFrom = load.nextSeq();

            long outageMs = 0;
            long recoveryMs = 0;
            int outages = 0;
            int writeFailed = 0;
            int readFailed = 0;
            List<String> orders = new java.util.ArrayList<>();
            for (int restart = 0; restart < restarts && !races.done(writeFailed, readFailed); restart++) {
                boolean quiet = races.quietBefore(restart);
                if (quiet) {
                    // Nothing in flight: every acknowledged record masked and copied, in committed transactions.
                    load.pause();
                    int acknowledged = load.acknowledged();
                    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                            TopicReader.readAll(bootstrap, Topics.masked(dataset)).size() >= acknowledged
                                    && TopicReader.readAll(bootstrap, Topics.grant(dataset, grant)).size()
                                    >= acknowledged - liveFrom);
                }
                long grantWritesFailedBefore = app.metrics().writeFailures("grant");
                long maskedWritesFailedBefore = app.metrics().writeFailures("masked");
                long expiredBefore = app.metrics().streamThreadReplacements("masking", "ExpiredWrite");
                long outageStartedAt = System.nanoTime();
                broker.stop();
                if (quiet) {
                    // Records produced during the outage wait in the load producer, so the reads fail, not a copy.
                    load.resume();
                }
                int producedBeforeOutage = load.acknowledged();
                // Down long enough for every client to notice: sends, fetches, heartbeats and commits all fail.
                Awaitility.await().pollDelay(Duration.ofSeconds(outageSeconds)).atMost(Duration.ofSeconds(outageSeconds + 1))
                        .until(() -> true);
                assertThat(load.acknowledged()).as("nothing is acknowledged while the broker is down")
                        .isLessThanOrEqualTo(producedBeforeOutage + 1);
                broker.startAgain();
                long backAt = System.nanoTime();
                outageMs = Math.max(outageMs, (backAt - outageStartedAt) / 1_000_000);
                int producedBeforeRecovery = load.acknowledged();
                Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    load.assertAlive();
                    return load.acknowledged() > producedBeforeRecovery + 50;
                });
                awaitProgress(bootstrap, dataset, 50);
                recoveryMs = Math.max(recoveryMs, (System.nanoTime() - backAt) / 1_000_000);
                outages++;
                // Every record has a copy, so every transaction in flight carries copies: a failed write of either
                // topic aborts copies; which one the producer reported first is down to timing.
                long grantWrites = app.metrics().writeFailures("grant") - grantWritesFailedBefore;
                long maskedWrites = app.metrics().writeFailures("masked") - maskedWritesFailedBefore;
                // A changelog write (the ledger's) expiring first fails the thread without the handler.
                long expired = app.metrics().streamThreadReplacements("masking", "ExpiredWrite") - expiredBefore;
                if (grantWrites + maskedWrites + expired > 0) {
                    writeFailed++;
                    orders.add("copy-write-failed(grant=" + grantWrites + ",masked=" + maskedWrites
                            + ",expiredThreads=" + expired + ")");
                } else {
                    readFailed++;
                    orders.add("read-failed");
                }
            }
            if (races == Races.BOTH_ORDERS_TWICE) {
                assertThat(writeFailed).as("outages in which a copy's write to the grant topic failed: %s", orders)
                        .isGreaterThanOrEqualTo(2);
                assertThat(readFailed).as("outages in which only source reads failed: %s", orders)
                        .isGreaterThanOrEqualTo(2);
            }

            List<RawLoad.Sent> sent = load.stop();
            int total = sent.size();
            List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAllWhenAtLeast(
                    bootstrap, Topics.masked(dataset), total, Duration.ofSeconds(90));
            Delivery.assertExactlyOnce("masked", Delivery.bySeq(masked), 0, total);
            assertThat(masked).hasSize(total);
            List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAllWhenAtLeast(
                    bootstrap, Topics.grant(dataset, grant), total - liveFrom, Duration.ofSeconds(90));
            Delivery.assertExactlyOnce("live grant", Delivery.bySeq(copies), liveFrom, total);
            assertThat(app.streams().state()).as("jitmask rode through the outage").isEqualTo(KafkaStreams.State.RUNNING);
            System.out.printf("FIGURES BrokerRestartIT brokerRestarts=%d longestOutageMs=%d longestRecoveryMs=%d "
                    + "records=%d masked=%d liveGrantCopies=%d copyWriteFailedOutages=%d readFailedOutages=%d "
                    + "orders=%s grantWriteFailures=%d threadReplacements=%d%n", outages, outageMs, recoveryMs, total,
                    masked.size(), copies.size(), writeFailed, readFailed, orders,
                    app.metrics().writeFailures("grant"), app.metrics().streamThreadReplacements());
        } finally {
            load.close();
        }
    }

    /** alice asks for the email of every record for an hour, bob approves; waits for ACTIVATED; the request id. */
    static String grantEveryRecord(String bootstrap, String dataset) throws Exception {
        String id = "r" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var request = io.jitmask.approval.ApprovalEvents.requested(id, "alice", java.time.Instant.now(), "User:alice",
                dataset, List.of("email"), null, "INC-77 outage test", 3600, null, DemoActors.key("alice"));
        var approval = io.jitmask.approval.ApprovalEvents.approved(request, "bob", java.time.Instant.now(), "ok",
                DemoActors.key("bob"));
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, id, request.toString())).get();
        STACK.approvals().send(new ProducerRecord<>(Topics.APPROVALS, id, approval.toString())).get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                TopicReader.readAll(bootstrap, Topics.AUDIT).stream()
                        .map(r -> io.jitmask.audit.AuditEvent.fromBytes(r.value()))
                        .anyMatch(e -> id.equals(e.requestId()) && e.type() == io.jitmask.audit.AuditEvent.Type.ACTIVATED));
        return id;
    }

    static void awaitProgress(String bootstrap, String dataset, int records) {
        TopicReader.awaitProgress(bootstrap, Topics.masked(dataset), records);
    }
}
