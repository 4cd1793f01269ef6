package io.jitmask.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import io.jitmask.mask.PolicyMaskEngine;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import io.jitmask.testing.FormatSamples;
import io.jitmask.testing.TestKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The format switch as several stream tasks (and grant copiers) of one engine use it. */
class RecordValuesTest {
    @Test
    void everyTaskOfOneEngineMasksTheSameProtobufSchema() {
        // Found by interop/formats.mjs: the task that parsed the schema second got the plan compiled for the first
        // task's descriptor, and every Protobuf record of its partitions was dead-lettered (IllegalArgumentException).
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.registerTyped("raw.orders-value", FormatSamples.ORDERS_SCHEMA);
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET);
        byte[] raw = ProtobufCodec.encode(id, List.of(0), FormatSamples.order(FormatSamples.orderDescriptor(), "O-1"));
        RecordValues firstTask = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
        RecordValues secondTask = new RecordValues(engine, registry, new MaskedSchemaIds(registry));

        byte[] first = firstTask.mask("orders", firstTask.decode("orders", raw), Set.of());
        byte[] second = secondTask.mask("orders", secondTask.decode("orders", raw), Set.of());

        assertThat(second).isEqualTo(first);
        ProtobufCodec.Decoded decoded = ProtobufCodec.decode(second, WireFormat.schemaId(second), FormatSamples.orderDescriptor().getFile());
        assertThat(TextFormat.printer().emittingSingleLine(true).printToString(decoded.message())).isEqualTo(FormatSamples.MASKED_ORDER_O1);
    }

    @Test
    void aMaskedJsonValueIsFittedToItsSchemasConstraintsAndOneThatCannotBeIsRefusedNamingWhereNotWhat() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.registerTyped("raw.tickets-value", new io.jitmask.registry.StoredSchema(io.jitmask.schema.SchemaType.JSON, """
                {"type": "object", "properties": {
                  "ticketId": {"type": "string"},
                  "reporter": {"type": "object", "properties": {
                    "email": {"type": "string", "pattern": "^[^@]+@[^@]+$", "confluent:tags": ["PII", "EMAIL"]},
                    "name": {"type": "string", "pattern": "^(?=[A-Z])[A-Za-z]+$", "confluent:tags": ["PII"]}}},
                  "description": {"type": "string", "maxLength": 12, "confluent:tags": ["PII", "FREE_TEXT"]},
                  "priority": {"type": "string", "enum": ["LOW", "HIGH"]}}}""", List.of(), java.util.Map.of()));
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET);
        RecordValues values = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
        byte[] raw = io.jitmask.serde.JsonCodec.writeFramed(id, io.jitmask.serde.JsonCodec.readPlain(("{\"ticketId\": \"T-1\", "
                + "\"reporter\": {\"email\": \"ada@example.org\", \"name\": \"Ada\"}, \"description\": \"call me\", \"priority\": \"LOW\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        // The name's pattern has a look-ahead, which no value is derived for: the record is refused, naming where.
        assertThatThrownBy(() -> values.mask("tickets", values.decode("tickets", raw), Set.of()))
                .isInstanceOf(io.jitmask.mask.MaskingException.class)
                .hasMessage("tickets: the masked value does not follow JSON Schema id " + id + " (pattern at /reporter/name); "
                        + "choose techniques that keep those constraints")
                .hasMessageNotContaining("Ada");
        // With the name granted, the e-mail's hmac token is fitted to its pattern (a keyed value made for it) and the
        // record leaves; the redacted description fits its maxLength.
        String masked = new String(values.mask("tickets", values.decode("tickets", raw), Set.of("reporter.name")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(masked.substring(5)).isEqualTo("{\"ticketId\":\"T-1\",\"reporter\":{\"email\":\"ljT8l6rRfUTWwxZS@gswJx6D071JTgAYj\","
                + "\"name\":\"Ada\"},\"description\":\"REDACTED\",\"priority\":\"LOW\"}");
    }

    @Test
    void aRecordItsPlanCannotProveValidIsValidatedWholeAndRefusedNamingTheKeywordAndLocationNotTheValue() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.registerTyped("raw.tickets-value", new io.jitmask.registry.StoredSchema(io.jitmask.schema.SchemaType.JSON, """
                {"type": "object", "properties": {
                  "ticketId": {"type": "string"},
                  "watchers": {"type": "array", "uniqueItems": true,
                    "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}}""", List.of(), java.util.Map.of()));
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET);
        RecordValues values = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
        byte[] raw = io.jitmask.serde.JsonCodec.writeFramed(id, io.jitmask.serde.JsonCodec.readPlain(
                "{\"ticketId\": \"T-1\", \"watchers\": [{\"name\": \"Ada\"}, {\"name\": \"Bob\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        // Default-deny redacts both watchers to the same object: no variant of an object is derived, so uniqueItems fails.
        assertThatThrownBy(() -> values.mask("tickets", values.decode("tickets", raw), Set.of()))
                .isInstanceOf(io.jitmask.mask.MaskingException.class)
                .hasMessage("tickets: the masked value does not follow JSON Schema id " + id + " (uniqueItems at /watchers); "
                        + "choose techniques that keep those constraints")
                .hasMessageNotContaining("Ada").hasMessageNotContaining("REDACTED");
    }

    @Test
    void inRewrittenModeAProvenRecordIsNotValidatedWholeSoWhatTheProducerBrokeOutsideTheMaskedFieldsLeavesAsItCame() {
        // jitmask.formats.json.validation=rewritten: the sample tickets schema has only local keywords, so the plan
        // proves the masked record valid and only what masking rewrites is checked. A ticket whose unmasked subject is
        // a number (a producer that does not validate) reaches masked.* with its masked fields masked and the rest as
        // the producer wrote it: the documented trade-off of that mode.
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.registerTyped("raw.tickets-value", FormatSamples.TICKETS_SCHEMA);
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET,
                new io.jitmask.classify.ClassificationBook(), io.jitmask.mask.JsonValidation.REWRITTEN);
        RecordValues values = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
        com.fasterxml.jackson.databind.node.ObjectNode ticket = (com.fasterxml.jackson.databind.node.ObjectNode) FormatSamples.ticket("T-1");
        ticket.put("subject", 42);

        byte[] masked = values.mask("tickets", values.decode("tickets", io.jitmask.serde.JsonCodec.writeFramed(id, ticket)), Set.of());

        com.fasterxml.jackson.databind.JsonNode out = io.jitmask.serde.JsonCodec.readFramed(masked, WireFormat.schemaId(masked));
        assertThat(FormatSamples.ticketViolations(out)).containsExactly("type at /subject");
        ticket.put("subject", "Card declined");
        byte[] validBytes = values.mask("tickets", values.decode("tickets", io.jitmask.serde.JsonCodec.writeFramed(id, ticket)), Set.of());
        com.fasterxml.jackson.databind.node.ObjectNode valid = (com.fasterxml.jackson.databind.node.ObjectNode)
                io.jitmask.serde.JsonCodec.readFramed(validBytes, WireFormat.schemaId(validBytes));
        assertThat(FormatSamples.ticketViolations(valid)).isEmpty();
        assertThat(out).isEqualTo(valid.put("subject", 42));
    }

    @Test
    void inFullModeTheDefaultARawRecordThatBreaksItsSchemaOutsideTheMaskedFieldsIsRefusedNamingTheKeywordAndLocation() {
        // The default (jitmask.formats.json.validation=full) fails closed on bad input: the same ticket is refused
        // before masking, naming the keyword and location, never a value; a valid one is masked as in rewritten mode.
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.registerTyped("raw.tickets-value", FormatSamples.TICKETS_SCHEMA);
        PolicyMaskEngine engine = new PolicyMaskEngine(PolicyLoader.load(Path.of("../deploy/policy.yaml")), TestKeys.KEYSET);
        assertThat(engine.formats().jsonValidation()).isEqualTo(io.jitmask.mask.JsonValidation.FULL);
        RecordValues values = new RecordValues(engine, registry, new MaskedSchemaIds(registry));
        com.fasterxml.jackson.databind.node.ObjectNode ticket = (com.fasterxml.jackson.databind.node.ObjectNode) FormatSamples.ticket("T-1");
        ticket.put("subject", 42);
        byte[] raw = io.jitmask.serde.JsonCodec.writeFramed(id, ticket);

        assertThatThrownBy(() -> values.decode("tickets", raw))
                .isInstanceOf(io.jitmask.serde.MalformedRecordException.class)
                .hasMessage("the value does not follow its writer's JSON Schema id " + id + " (type at /subject); "
                        + "the producer must write values the schema accepts")
                .hasMessageNotContaining("42").hasMessageNotContaining("ada@example.org").hasMessageNotContaining("Ada Lovelace");
        ticket.put("subject", "Card declined");
        byte[] masked = values.mask("tickets", values.decode("tickets", io.jitmask.serde.JsonCodec.writeFramed(id, ticket)), Set.of());
        assertThat(FormatSamples.ticketViolations(io.jitmask.serde.JsonCodec.readFramed(masked, WireFormat.schemaId(masked)))).isEmpty();
    }
}
