package io.jitmask.grants;

import io.jitmask.config.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failed write stops processing, grant copies included: Kafka Streams aborts the transaction, the stream
 * thread is replaced and the records are processed again from the last commit, so nothing is lost, nothing is
 * counted twice in the disclosure ledger, and a grant that was live keeps getting its copies once the broker is
 * back.
 *
 * <p>A failed write to a grant topic used to be dropped and the topic marked "gone" for good. A broker outage
 * longer than {@code delivery.timeout.ms} fails writes with a {@code TimeoutException} exactly as a deleted topic
 * does, so a live grant silently stopped receiving copies. Only the grant's own end stops its copies now: jitmask
 * deletes a grant topic only after every masking task has closed the grant's ledger, so no task writes to it
 * afterwards. This handler only logs which kind of write failed (never the record).
 */
public final class GrantTopicProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GrantTopicProductionExceptionHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (isGrantWrite(record.topic())) {
            LOG.warn("a copy for {} could not be written ({}): processing resumes from the last commit",
                    record.topic(), exception.getClass().getSimpleName());
        }
        return Response.fail();
    }

    static boolean isGrantWrite(String topic) {
        return topic != null && topic.startsWith(Topics.GRANT_PREFIX);
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
