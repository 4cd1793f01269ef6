package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.ops.JitmaskMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.junit.jupiter.api.Test;

class GrantTopicProductionExceptionHandlerTest {
    final GrantIndex index = new GrantIndex();
    final JitmaskMetrics metrics = new JitmaskMetrics(new SimpleMeterRegistry(), Clock.systemUTC(), Duration.ZERO);
    final GrantTopicProductionExceptionHandler handler = new GrantTopicProductionExceptionHandler();

    GrantTopicProductionExceptionHandlerTest() {
        handler.configure(Map.of(GrantTopicProductionExceptionHandler.GRANT_INDEX_CONFIG, index,
                GrantTopicProductionExceptionHandler.METRICS_CONFIG, metrics));
    }

    ProductionExceptionHandler.Response fail(String topic, Exception error) {
        return handler.handleError(null, new ProducerRecord<>(topic, new byte[0], new byte[0]), error);
    }

    @Test
    void aTimedOutCopyFailsTheTransactionNeverMarksTheTopicGoneAndIsCounted() {
        ProductionExceptionHandler.Response response = fail("grant.customers.r1", new TimeoutException("Expiring 3 record(s)"));
        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(index.isTopicDeleted("grant.customers.r1")).isFalse();
        assertThat(metrics.writeFailures("grant")).isEqualTo(1);
        assertThat(metrics.writeFailures("masked")).isZero();
    }

    @Test
    void onlyTheBrokersNoSuchTopicMarksAGrantTopicGoneAndTheTransactionThatCountedTheCopyIsAborted() {
        ProductionExceptionHandler.Response response = fail("grant.customers.r2", new UnknownTopicOrPartitionException("gone"));
        // Fail, not resume: the copy was counted in the ledger in this transaction; the replay skips it uncounted.
        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(index.isTopicDeleted("grant.customers.r2")).isTrue();
        assertThat(metrics.writeFailures("grant")).isEqualTo(1);
    }

    @Test
    void maskedAndOtherWritesFailAndAreCountedByTarget() {
        assertThat(fail("masked.customers", new TimeoutException("x")).result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(fail("jit.dlq", new TimeoutException("x")).result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(metrics.writeFailures("masked")).isEqualTo(1);
        assertThat(metrics.writeFailures("other")).isEqualTo(1);
        assertThat(metrics.writeFailures("grant")).isZero();
    }
}
