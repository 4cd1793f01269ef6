package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import io.jitmask.serde.JsonCodec;
import io.jitmask.testing.FormatSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

/**
 * With the shipped policy, no original value of a sensitive field survives anywhere in the masked bytes of a
 * JSON Schema, Protobuf or plain JSON record, whatever the values are.
 */
class FormatsMaskingPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Policy POLICY = PolicyLoader.load(Path.of("../deploy/policy.yaml"));
    static final FormatMasking FORMATS = new FormatMasking(POLICY, new PolicyFieldClassifier(POLICY), TechniquesTest.KEYSET);
    static final JsonSchemaDocument TICKETS;
    static final ProtobufParsedSchema ORDERS =
            (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, FormatSamples.ORDERS_SCHEMA.schema());

    static {
        try {
            TICKETS = new JsonSchemaDocument(JSON.readTree(FormatSamples.TICKETS_SCHEMA.schema()), Map.of());
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static String masked(JsonNode node) {
        return new String(JsonCodec.writePlain(node), StandardCharsets.UTF_8);
    }

    @Property(tries = 200)
    void noSensitiveTicketValueSurvives(@ForAll @AlphaChars @StringLength(min = 8, max = 30) String name,
                                        @ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret,
                                        @ForAll @NumericChars @StringLength(min = 8, max = 15) String phone) {
        ObjectNode ticket = (ObjectNode) FormatSamples.ticket("T-1");
        ((ObjectNode) ticket.get("reporter")).put("name", name).put("email", secret + "@example.org");
        ticket.put("description", "call " + secret).put("customerPhone", "+" + phone).put("internalNote", secret);
        ((ObjectNode) ticket.get("attachments").get(0)).put("uploadedBy", name + "@example.org");
        ticket.putObject("unknownObject").put("nested", secret).putArray("list").add(name);

        String out = masked(FORMATS.json().plan("tickets", 1, TICKETS, Set.of()).apply(ticket));

        assertThat(out).doesNotContain(name).doesNotContain(secret).doesNotContain(phone);
        assertThat(FormatSamples.ticketViolations(JSON.valueToTree(parse(out)))).isEmpty();
    }

    /** Values of fields with JSON Schema constraints (format, lengths, pattern, enum, range): fitted, still valid, nothing kept. */
    @Property(tries = 200)
    void constrainedValuesStillValidateAndKeepNoOriginal(@ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret,
                                                         @ForAll @NumericChars @StringLength(min = 5, max = 5) String zip,
                                                         @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 1_000_000) int number) throws Exception {
        ObjectNode record = (ObjectNode) JSON.readTree(JsonConstraintsTest.RECORD);
        record.put("email", secret + "@example.org").put("emailRedacted", secret + "@example.org").put("host", secret + ".example.org")
                .put("site", "https://" + secret + ".example.org/").put("ref", java.util.UUID.nameUUIDFromBytes(secret.getBytes(StandardCharsets.UTF_8)).toString())
                .put("day", java.time.LocalDate.EPOCH.plusDays(number % 40_000).toString()).put("code", secret).put("pin", secret)
                .put("zip", zip).put("tag", "green-" + secret).put("mail", secret + "@example.org").put("age", number)
                .put("rating", number).put("price", number / 100.0).put("count", number);

        JsonNode out = JsonConstraintsTest.mask(record.toString());

        assertThat(masked(out)).doesNotContain(secret);
        assertThat(JsonConstraintsTest.violations(out)).isEmpty();
        assertThat(JsonConstraintsTest.mask(record.toString())).isEqualTo(out);
    }

    @Property(tries = 200)
    void noSensitiveOrderValueSurvives(@ForAll @AlphaChars @StringLength(min = 8, max = 30) String name,
                                       @ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret,
                                       @ForAll @NumericChars @StringLength(min = 13, max = 19) String card) {
        Descriptors.Descriptor order = ORDERS.fileDescriptor().findMessageTypeByName("Order");
        Message o = FormatSamples.order(order, "O-1");
        Descriptors.FieldDescriptor buyerField = order.findFieldByName("buyer");
        Descriptors.FieldDescriptor payField = order.findFieldByName("payment");
        Descriptors.FieldDescriptor shipField = order.findFieldByName("ship_to");
        Descriptors.FieldDescriptor notes = order.findFieldByName("notes");
        Message buyer = ((Message) o.getField(buyerField)).toBuilder()
                .setField(buyerField.getMessageType().findFieldByName("name"), name)
                .setField(buyerField.getMessageType().findFieldByName("email"), secret + "@example.org").build();
        Message payment = ((Message) o.getField(payField)).toBuilder()
                .setField(payField.getMessageType().findFieldByName("card_number"), card)
                .setField(payField.getMessageType().findFieldByName("cardholder"), name).build();
        Message ship = ((Message) o.getField(shipField)).toBuilder()
                .setField(shipField.getMessageType().findFieldByName("street"), secret).build();
        Message entry = com.google.protobuf.DynamicMessage.newBuilder(notes.getMessageType())
                .setField(notes.getMessageType().findFieldByNumber(1), name).setField(notes.getMessageType().findFieldByNumber(2), secret).build();
        Message in = o.toBuilder().setField(buyerField, buyer).setField(payField, payment).setField(shipField, ship)
                .setField(notes, List.of(entry)).build();

        byte[] out = FORMATS.protobuf().plan("orders", 1, order, ORDERS.inlineTags(), Set.of()).apply(in).toByteArray();

        String text = new String(out, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain(name).doesNotContain(secret).doesNotContain(card);
    }

    /** Property names are structure and stay (a map-like object needs a path rule, whose technique tokenizes its keys). */
    @Property(tries = 200)
    void noValueOfAPlainJsonRecordSurvivesButThePublicOnes(@ForAll @AlphaChars @StringLength(min = 8, max = 30) String name,
                                                           @ForAll @AlphaChars @StringLength(min = 8, max = 30) String key,
                                                           @ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret) throws Exception {
        net.jqwik.api.Assume.that(!key.contains(name) && !key.contains(secret));
        JsonNode click = JSON.readTree("{\"sessionId\":\"S-1\",\"user\":{\"email\":\"" + secret + "@example.org\",\"ip\":\""
                + secret + "\",\"name\":\"" + name + "\"},\"" + key + "\":{\"deep\":[\"" + secret + "\", 12345678901]}}");
        String out = masked(FORMATS.json().plan("clicks", -1, null, Set.of()).apply(click));
        assertThat(out).doesNotContain(name).doesNotContain(secret).doesNotContain("12345678901").contains("S-1")
                .contains("\"" + key + "\":{\"deep\":[\"REDACTED\",0]}");
    }

    static Object parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
