package io.jitmask.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jitmask.registry.StoredSchema;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Records of the non-Avro sample datasets (tickets: JSON Schema, orders: Protobuf, clicks: plain JSON) and their masked forms. */
public final class FormatSamples {
    static final ObjectMapper JSON = new ObjectMapper();
    public static final StoredSchema TICKETS_SCHEMA = new StoredSchema(io.jitmask.schema.SchemaType.JSON, read("tickets.schema.json"), List.of(), Map.of());
    public static final StoredSchema ORDERS_SCHEMA = new StoredSchema(io.jitmask.schema.SchemaType.PROTOBUF, read("orders.proto"), List.of(), Map.of());

    public static final String CLICK = "{\"sessionId\":\"S-1\",\"at\":\"2026-11-23T09:31:00Z\",\"page\":\"/checkout\","
            + "\"user\":{\"email\":\"ada@example.org\",\"ip\":\"203.0.113.7\",\"name\":\"Ada\"},\"referrer\":\"https://example.org/promo\"}";

    private FormatSamples() {
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of("../schemas", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode ticket(String id) {
        try {
            return JSON.readTree(("{\"ticketId\":\"%s\",\"openedAt\":\"2026-11-23T09:30:00Z\",\"reporter\":{\"customerId\":\"C-1\","
                    + "\"name\":\"Ada Lovelace\",\"email\":\"ada@example.org\",\"dateOfBirth\":\"1815-12-10\"},\"assignee\":\"agent-7\","
                    + "\"subject\":\"Card declined\",\"description\":\"Card 4111 1111 1111 1111 declined, call +44 20 7946 0958\","
                    + "\"priority\":\"HIGH\",\"customerPhone\":\"+44 20 7946 0958\",\"attachments\":[{\"fileName\":\"receipt.pdf\","
                    + "\"sizeBytes\":20480,\"uploadedBy\":\"ada@example.org\"}],\"labels\":{\"channel\":\"email\"},\"satisfaction\":null,"
                    + "\"internalNote\":\"VIP customer Ada\"}").formatted(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the JSON Schema of tickets says is wrong with a document (empty: valid). */
    public static List<String> ticketViolations(JsonNode document) {
        return ((JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, TICKETS_SCHEMA.schema())).violations(document.toString());
    }

    public static Descriptors.Descriptor orderDescriptor() {
        return ((ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, ORDERS_SCHEMA.schema())).fileDescriptor()
                .findMessageTypeByName("Order");
    }

    public static Message order(Descriptors.Descriptor order, String id) {
        Descriptors.FileDescriptor file = order.getFile();
        Descriptors.Descriptor buyer = file.findMessageTypeByName("Buyer");
        Descriptors.Descriptor item = file.findMessageTypeByName("LineItem");
        Descriptors.Descriptor payment = file.findMessageTypeByName("Payment");
        Descriptors.Descriptor address = file.findMessageTypeByName("Address");
        Descriptors.FieldDescriptor notes = order.findFieldByName("notes");
        Descriptors.Descriptor entry = notes.getMessageType();
        return DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("order_id"), id)
                .setField(order.findFieldByName("placed_at"), com.google.protobuf.Timestamp.newBuilder().setSeconds(1_795_420_800L).build())
                .setField(order.findFieldByName("buyer"), DynamicMessage.newBuilder(buyer)
                        .setField(buyer.findFieldByName("customer_id"), "C-1")
                        .setField(buyer.findFieldByName("name"), "Ada Lovelace")
                        .setField(buyer.findFieldByName("email"), "ada@example.org")
                        .setField(buyer.findFieldByName("phone"), "+44 20 7946 0958")
                        .setField(buyer.findFieldByName("date_of_birth"), com.google.protobuf.Timestamp.newBuilder().setSeconds(-4_952_880_000L).build())
                        .build())
                .addRepeatedField(order.findFieldByName("items"), DynamicMessage.newBuilder(item)
                        .setField(item.findFieldByName("sku"), "A1").setField(item.findFieldByName("quantity"), 2)
                        .setField(item.findFieldByName("unit_price_cents"), 1299L).build())
                .setField(order.findFieldByName("payment"), DynamicMessage.newBuilder(payment)
                        .setField(payment.findFieldByName("card_number"), "4111 1111 1111 1111")
                        .setField(payment.findFieldByName("cardholder"), "ADA LOVELACE")
                        .setField(payment.findFieldByName("amount_cents"), 2598L)
                        .setField(payment.findFieldByName("currency"), "EUR").build())
                .setField(order.findFieldByName("status"), order.findEnumTypeByName("Status").findValueByName("PAID"))
                .addRepeatedField(notes, DynamicMessage.newBuilder(entry).setField(entry.findFieldByNumber(1), "gift")
                        .setField(entry.findFieldByNumber(2), "Happy birthday Ada").build())
                .setField(order.findFieldByName("coupon"), com.google.protobuf.StringValue.of("WELCOME10"))
                .setField(order.findFieldByName("ship_to"), DynamicMessage.newBuilder(address)
                        .setField(address.findFieldByName("street"), "12 St James's Square")
                        .setField(address.findFieldByName("city"), "London")
                        .setField(address.findFieldByName("postal_code"), "SW1Y 4JH")
                        .setField(address.findFieldByName("country"), "GB").build())
                .build();
    }

    /** Ticket T-1 on masked.tickets: tagged and ruled fields masked, an unknown property redacted (defaultDeny). */
    public static final String MASKED_TICKET_T1 = "{\"ticketId\":\"T-1\",\"openedAt\":\"2026-11-23T09:30:00Z\",\"reporter\":{"
            + "\"customerId\":\"C-1\",\"name\":\"k1:KVek1H9qA4uxsEjEiNDIkm\",\"email\":\"tok_k1:ifOyeeitDG1l-yweMvR14B\","
            + "\"dateOfBirth\":\"1815-01-01\"},\"assignee\":\"agent-7\",\"subject\":\"Card declined\",\"description\":\"REDACTED\","
            + "\"priority\":\"HIGH\",\"customerPhone\":\"**************58\",\"attachments\":[{\"fileName\":\"receipt.pdf\","
            + "\"sizeBytes\":20480,\"uploadedBy\":\"tok_k1:ifOyeeitDG1l-yweMvR14B\"}],\"labels\":{\"channel\":\"email\"},"
            + "\"satisfaction\":null,\"internalNote\":\"REDACTED\"}";
    /** Order O-1 on masked.orders, in the protobuf text format. */
    public static final String MASKED_ORDER_O1 = "order_id: \"O-1\" placed_at { seconds: 1795420800 } buyer { customer_id: \"C-1\""
            + " name: \"k1:KVek1H9qA4uxsEjEiNDIkm\" email: \"tok_k1:ifOyeeitDG1l-yweMvR14B\" phone: \"**************58\""
            + " date_of_birth { } } items { sku: \"A1\" quantity: 2 unit_price_cents: 1299 } payment { card_number: \"***************1111\""
            + " cardholder: \"REDACTED\" amount_cents: 2598 currency: \"EUR\" } status: PAID notes { key: \"k1:ls3JHaUUTRvQ_EFn4HPSS3\""
            + " value: \"REDACTED\" } coupon { value: \"WELCOME10\" } ship_to { street: \"k1:-WAe-RTYEMrdd6jd4MGbbz\" city: \"London\""
            + " postal_code: \"k1:Eu2lzi_fDo_JRQpTJwW3ca\" country: \"GB\" }";
    public static final String MASKED_CLICK = "{\"sessionId\":\"S-1\",\"at\":\"2026-11-23T09:31:00Z\",\"page\":\"/checkout\","
            + "\"user\":{\"email\":\"tok_k1:ifOyeeitDG1l-yweMvR14B\",\"ip\":\"ip_k1:pSe3TuzsmfdVDG5acJY39W\",\"name\":\"REDACTED\"},"
            + "\"referrer\":\"https://example.org/promo\"}";
}
