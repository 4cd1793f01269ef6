package io.jitmask.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.testing.FormatSamples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** {@code jitmask consume} lines for JSON Schema, Protobuf and plain JSON records. */
class RecordJsonFormatsTest {
    @Test
    void printsEveryFormatAsJson() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int tickets = registry.registerTyped("raw.tickets-value", FormatSamples.TICKETS_SCHEMA);
        int orders = registry.registerTyped("raw.orders-value", FormatSamples.ORDERS_SCHEMA);
        RecordJson json = new RecordJson(registry);

        String ticket = json.line("masked.tickets", new ConsumerRecord<>("masked.tickets", 0, 3L, "T-1".getBytes(StandardCharsets.UTF_8),
                JsonCodec.writeFramed(tickets, FormatSamples.ticket("T-1"))));
        assertThat(ticket).isEqualTo("{\"partition\":0,\"offset\":3,\"key\":\"T-1\",\"value\":" + FormatSamples.ticket("T-1") + "}");

        String order = json.line("masked.orders", new ConsumerRecord<>("masked.orders", 1, 4L, null,
                ProtobufCodec.encode(orders, List.of(0), FormatSamples.order(FormatSamples.orderDescriptor(), "O-1"))));
        assertThat(order).isEqualTo("{\"partition\":1,\"offset\":4,\"key\":null,\"value\":{\"order_id\":\"O-1\","
                + "\"placed_at\":\"2026-11-23T08:00:00Z\",\"buyer\":{\"customer_id\":\"C-1\",\"name\":\"Ada Lovelace\","
                + "\"email\":\"ada@example.org\",\"phone\":\"+44 20 7946 0958\",\"date_of_birth\":\"1813-01-19T00:00:00Z\"},"
                + "\"items\":[{\"sku\":\"A1\",\"quantity\":2,\"unit_price_cents\":1299}],\"payment\":{\"card_number\":"
                + "\"4111 1111 1111 1111\",\"cardholder\":\"ADA LOVELACE\",\"amount_cents\":2598,\"currency\":\"EUR\"},"
                + "\"status\":\"PAID\",\"notes\":{\"gift\":\"Happy birthday Ada\"},\"coupon\":\"WELCOME10\",\"ship_to\":"
                + "{\"street\":\"12 St James's Square\",\"city\":\"London\",\"postal_code\":\"SW1Y 4JH\",\"country\":\"GB\"}}}");

        String click = json.line("masked.clicks", new ConsumerRecord<>("masked.clicks", 0, 0L, null,
                FormatSamples.CLICK.getBytes(StandardCharsets.UTF_8)));
        assertThat(click).isEqualTo("{\"partition\":0,\"offset\":0,\"key\":null,\"value\":" + FormatSamples.CLICK + "}");
    }
}
