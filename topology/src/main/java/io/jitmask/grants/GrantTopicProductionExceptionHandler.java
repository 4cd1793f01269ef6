package io.jitmask.grants;

import io.jitmask.config.Topics;
import io.jitmask.ops.JitmaskMetrics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failed write stops processing, grant copies included: Kafka Streams aborts the transaction, the stream
 * thread is replaced and the records are processed again from the last commit, so nothing is lost and nothing is
 * counted twice in the disclosure ledger.
 *
 * <p>A failed write to a grant topic is never taken to mean the topic is gone because it timed out: a broker away
 * for longer than {@code delivery.timeout.ms} fails writes with a {@code TimeoutException}, and a live grant must get
 * its copies once the broker is back (it used to be marked gone for good on any timeout, and silently got nothing
 * more). Only when the broker itself answered that the topic does not exist ({@link UnknownTopicOrPartitionException}
 * anywhere in the cause chain: a grant topic deleted by hand under a live grant) is the topic marked deleted in the
 * {@link GrantIndex}, so the replay skips copies for it and masking goes on; jitmask itself deletes a grant topic only
 * after every masking task closed the grant's ledger, so it never writes to a topic it deleted.
 */
public final class GrantTopicProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GrantTopicProductionExceptionHandler.class);
    /** Streams config key under which the application passes its {@link GrantIndex} instance. */
    public static final String GRANT_INDEX_CONFIG = "jitmask.internal.grant.index";
    /** Streams config key under which the application passes its {@link JitmaskMetrics}. */
    public static final String METRICS_CONFIG = "jitmask.internal.metrics";

    private GrantIndex index;
    private JitmaskMetrics metrics = JitmaskMetrics.none();

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        metrics.recordWriteFailure(target(record.topic()), exception);
        if (isGrantWrite(record.topic())) {
            if (brokerSaysNoSuchTopic(exception) && index != null) {
                index.markTopicDeleted(record.topic());
                LOG.warn("{} does not exist any more although its grant is live (deleted by hand?): copies for it are "
                        + "skipped until the grant ends; processing resumes from the last commit", record.topic());
                // Failing (not resuming) aborts the transaction that counted this copy in the disclosure ledger:
                // the replay, which skips copies for the topic now marked deleted, neither writes nor counts it,
                // so the ledger counts exactly the copies of committed transactions (it used to count one copy per
                // task that was refused before it was sent and never written).
                return Response.fail();
            } else {
                LOG.warn("a copy for {} could not be written ({}): processing resumes from the last commit",
                        record.topic(), exception.getClass().getSimpleName());
            }
        }
        return Response.fail();
    }

    /** The metric label of a write's topic: {@code grant}, {@code masked} or {@code other}; never the topic name. */
    static String target(String topic) {
        return isGrantWrite(topic) ? "grant" : topic != null && topic.startsWith(Topics.MASKED_PREFIX) ? "masked" : "other";
    }

    static boolean isGrantWrite(String topic) {
        return topic != null && topic.startsWith(Topics.GRANT_PREFIX);
    }

    /** True only when the broker answered that the topic does not exist; a timeout alone never says so. */
    static boolean brokerSaysNoSuchTopic(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof UnknownTopicOrPartitionException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(GRANT_INDEX_CONFIG) instanceof GrantIndex grants) {
            index = grants;
        }
        if (configs.get(METRICS_CONFIG) instanceof JitmaskMetrics given) {
            metrics = given;
        }
    }
}
