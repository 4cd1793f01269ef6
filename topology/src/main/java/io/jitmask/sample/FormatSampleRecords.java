package io.jitmask.sample;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import net.datafaker.Faker;

/**
 * Fake records of the sample datasets in other formats: {@code tickets} (JSON Schema), {@code orders} (Protobuf), both
 * in the Confluent wire format with the schema id given, and {@code clicks} (plain JSON). Seeded.
 */
public final class FormatSampleRecords {
    public static final Set<String> DATASETS = Set.of("tickets", "orders", "clicks");

    /** A record ready to send: its key and its value bytes. */
    public record Sample(String key, byte[] value) {
    }

    private final Faker faker;
    private final Random random;
    private final Descriptors.Descriptor order;

    public FormatSampleRecords(long seed) {
        this.random = new Random(seed);
        this.faker = new Faker(Locale.US, random);
        this.order = ((ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, SampleSchemas.typed("orders").schema()))
                .fileDescriptor().findMessageTypeByName("Order");
    }

    /** The descriptor of the orders sample (for benchmarks decoding without the masking path). */
    public static Descriptors.FileDescriptor orderDescriptorForBenchmarks() {
        return ((ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, SampleSchemas.typed("orders").schema())).fileDescriptor();
    }

    /** @param schemaId the id of the dataset's schema under {@code raw.<dataset>-value}; unused for plain JSON */
    public Sample next(String dataset, int schemaId) {
        return switch (dataset) {
            case "tickets" -> ticket(schemaId);
            case "orders" -> order(schemaId);
            case "clicks" -> click();
            default -> throw new IllegalArgumentException("no sample generator for dataset '" + dataset + "'");
        };
    }

    private String email(String first, String last) {
        return (first + "." + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z.]", "") + "@" + faker.internet().domainName();
    }

    private Sample ticket(int schemaId) {
        String id = "T" + (100000 + random.nextInt(900000));
        String first = faker.name().firstName();
        String last = faker.name().lastName();
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("ticketId", id).put("openedAt", Instant.now().toString());
        t.putObject("reporter").put("customerId", "C" + (100000 + random.nextInt(900000))).put("name", first + " " + last)
                .put("email", email(first, last)).put("dateOfBirth", faker.timeAndDate().birthday(18, 90).toString());
        t.put("assignee", "agent-" + random.nextInt(20)).put("subject", faker.lorem().sentence(4))
                .put("description", "Please call me on +1 " + faker.numerify("###-###-####") + " about my order")
                .put("priority", List.of("LOW", "MEDIUM", "HIGH").get(random.nextInt(3)))
                .put("customerPhone", "+1 " + faker.numerify("###-###-####"));
        t.putArray("attachments").addObject().put("fileName", "screenshot.png").put("sizeBytes", 1000 + random.nextInt(100000))
                .put("uploadedBy", email(first, last));
        t.putObject("labels").put("channel", List.of("email", "phone", "chat").get(random.nextInt(3)));
        t.putNull("satisfaction");
        return new Sample(id, JsonCodec.writeFramed(schemaId, t));
    }

    private Sample order(int schemaId) {
        Descriptors.FileDescriptor file = order.getFile();
        Descriptors.Descriptor buyer = file.findMessageTypeByName("Buyer");
        Descriptors.Descriptor item = file.findMessageTypeByName("LineItem");
        Descriptors.Descriptor payment = file.findMessageTypeByName("Payment");
        Descriptors.Descriptor address = file.findMessageTypeByName("Address");
        String id = "O" + (100000 + random.nextInt(900000));
        String first = faker.name().firstName();
        String last = faker.name().lastName();
        long now = Instant.now().getEpochSecond();
        int quantity = 1 + random.nextInt(3);
        long price = 500 + random.nextInt(10000);
        Message message = DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("order_id"), id)
                .setField(order.findFieldByName("placed_at"), com.google.protobuf.Timestamp.newBuilder().setSeconds(now).build())
                .setField(order.findFieldByName("buyer"), DynamicMessage.newBuilder(buyer)
                        .setField(buyer.findFieldByName("customer_id"), "C" + (100000 + random.nextInt(900000)))
                        .setField(buyer.findFieldByName("name"), first + " " + last)
                        .setField(buyer.findFieldByName("email"), email(first, last))
                        .setField(buyer.findFieldByName("phone"), "+1 " + faker.numerify("###-###-####"))
                        .setField(buyer.findFieldByName("date_of_birth"), com.google.protobuf.Timestamp.newBuilder()
                                .setSeconds(faker.timeAndDate().birthday(18, 90).toEpochDay() * 86_400L).build())
                        .build())
                .addRepeatedField(order.findFieldByName("items"), DynamicMessage.newBuilder(item)
                        .setField(item.findFieldByName("sku"), faker.code().ean8()).setField(item.findFieldByName("quantity"), quantity)
                        .setField(item.findFieldByName("unit_price_cents"), price).build())
                .setField(order.findFieldByName("payment"), DynamicMessage.newBuilder(payment)
                        .setField(payment.findFieldByName("card_number"), faker.finance().creditCard().replaceAll("[^0-9 ]", ""))
                        .setField(payment.findFieldByName("cardholder"), (first + " " + last).toUpperCase(Locale.ROOT))
                        .setField(payment.findFieldByName("amount_cents"), quantity * price)
                        .setField(payment.findFieldByName("currency"), "USD").build())
                .setField(order.findFieldByName("status"), order.findEnumTypeByName("Status").findValueByNumber(1 + random.nextInt(3)))
                .setField(order.findFieldByName("ship_to"), DynamicMessage.newBuilder(address)
                        .setField(address.findFieldByName("street"), faker.address().streetAddress())
                        .setField(address.findFieldByName("city"), faker.address().city())
                        .setField(address.findFieldByName("postal_code"), faker.address().zipCode())
                        .setField(address.findFieldByName("country"), "US").build())
                .build();
        return new Sample(id, ProtobufCodec.encode(schemaId, List.of(0), message));
    }

    private Sample click() {
        String id = "S" + (100000 + random.nextInt(900000));
        String first = faker.name().firstName();
        String last = faker.name().lastName();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("sessionId", id).put("at", Instant.now().toString()).put("page", "/" + faker.internet().slug());
        c.putObject("user").put("email", email(first, last)).put("ip", faker.internet().ipV4Address()).put("name", first + " " + last);
        c.put("referrer", "https://" + faker.internet().domainName() + "/");
        return new Sample(id, c.toString().getBytes(StandardCharsets.UTF_8));
    }
}
