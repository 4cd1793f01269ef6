package io.jitmask.grants;

import io.jitmask.config.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy for a grant whose topic was just deleted (or whose access was just withdrawn) is dropped, not retried:
 * the grant has ended, and the copy must not land anyway. The topic is marked gone in the instance's
 * {@link GrantIndex} so the masking path stops writing there: under exactly-once the failed write has already
 * doomed the open transaction, which Kafka Streams aborts and replays once, this time without the copy. Every
 * other failed write stops processing, so Kafka Streams retries it from the last commit and nothing is lost.
 */
public final class GrantTopicProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GrantTopicProductionExceptionHandler.class);
    /** Streams config key under which the application passes its {@link GrantIndex} instance. */
    public static final String GRANT_INDEX_CONFIG = "jitmask.internal.grant.index";

    private GrantIndex index;

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (isEndedGrantWrite(record.topic(), exception)) {
            if (index != null) {
                index.markTopicGone(record.topic());
            }
            LOG.warn("dropped a copy for {}: the grant topic is gone ({})", record.topic(), exception.getClass().getSimpleName());
            return Response.resume();
        }
        return Response.fail();
    }

    static boolean isEndedGrantWrite(String topic, Exception exception) {
        return topic != null && topic.startsWith(Topics.GRANT_PREFIX)
                && (exception instanceof UnknownTopicOrPartitionException || exception instanceof TopicAuthorizationException
                    || exception instanceof org.apache.kafka.common.errors.TimeoutException);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(GRANT_INDEX_CONFIG) instanceof GrantIndex grants) {
            index = grants;
        }
    }
}
