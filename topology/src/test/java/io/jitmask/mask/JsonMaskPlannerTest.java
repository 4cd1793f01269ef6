package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.serde.MalformedRecordException;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Exact masked JSON per technique and JSON type: every value equals what the same technique gives the same value
 * of the matching Avro type, and keeps its JSON type.
 */
class JsonMaskPlannerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              EMAIL: {technique: {type: email}}
              PII: {technique: {type: hmac, prefix: "tok_"}}
              PHONE: {technique: {type: phone, keepLast: 2}}
              SECRET: {technique: {type: redact}}
              GONE: {technique: {type: nullify}}
              AMOUNT: {technique: {type: bucket, size: 100}}
              DATE: {technique: {type: generalizeDate, to: year}}
              NOTE: {technique: {type: freeText}}
              UNUSED: {}
            datasets:
              tickets:
                fields:
                  card: {technique: {type: ff1, keepLast: 4, luhn: true}}
                  name: {technique: {type: partial, keepLast: 2}}
                  visit: {technique: {type: shiftDate, entityField: ticketId}}
              plain:
                format: json
                fields:
                  email: {tags: [EMAIL]}
                  customer.phone: {tags: [PHONE]}
                  items.price: {tags: [AMOUNT]}
                  secret: {tags: [SECRET]}
            """);
    static final JsonMaskPlanner PLANNER = new JsonMaskPlanner(new PolicyFieldClassifier(POLICY), TechniquesTest.KEYSET);

    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "ticketId": {"type": "string"},
               "email": {"type": "string", "confluent:tags": ["EMAIL"]},
               "userId": {"type": "integer", "confluent:tags": ["PII"]},
               "ref": {"type": "string", "format": "uuid", "confluent:tags": ["PII"]},
               "phone": {"type": ["string", "null"], "confluent:tags": ["PHONE"]},
               "flag": {"type": "boolean", "confluent:tags": ["SECRET"]},
               "score": {"type": "number", "confluent:tags": ["SECRET"]},
               "amount": {"type": "number", "confluent:tags": ["AMOUNT"]},
               "born": {"type": "string", "format": "date", "confluent:tags": ["DATE"]},
               "visit": {"type": "string", "format": "date"},
               "notes": {"type": "string", "confluent:tags": ["NOTE"]},
               "card": {"type": "string"},
               "name": {"type": "string"},
               "optional": {"type": ["string", "null"], "confluent:tags": ["GONE"]},
               "reporter": {"$ref": "#/definitions/Person"},
               "watchers": {"type": "array", "items": {"$ref": "#/definitions/Person"}},
               "labels": {"type": "object", "additionalProperties": {"type": "string", "confluent:tags": ["PII"]}},
               "secretBlob": {"type": "object", "confluent:tags": ["SECRET"],
                              "properties": {"a": {"type": "string"}, "n": {"type": "integer"}}},
               "contact": {"oneOf": [
                   {"type": "object", "properties": {"mail": {"type": "string", "confluent:tags": ["EMAIL"]}}},
                   {"type": "object", "properties": {"tel": {"type": "string", "confluent:tags": ["PHONE"]}}}]}
             },
             "definitions": {"Person": {"type": "object", "properties": {
               "name": {"type": "string", "confluent:tags": ["PII"]}, "team": {"type": "string"}}}}}
            """;

    static JsonSchemaDocument document(String schema) throws Exception {
        return new JsonSchemaDocument(JSON.readTree(schema), Map.of());
    }

    static Object avro(String type, Map<String, Object> options, Schema schema, Object value) {
        return TechniquesTest.mask(type, options, schema, value);
    }

    static final Schema STRING = Schema.create(Schema.Type.STRING);
    static final Schema LONG = Schema.create(Schema.Type.LONG);
    static final Schema DOUBLE = Schema.create(Schema.Type.DOUBLE);

    @Test
    void everyTechniqueGivesTheAvroResultAndKeepsTheJsonType() throws Exception {
        JsonNode record = JSON.readTree("""
                {"ticketId": "T-1", "email": "Ada@Example.org", "userId": 4711,
                 "ref": "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5", "phone": "+41 44 668 18 00", "flag": true,
                 "score": 9.5, "amount": 1234.5, "born": "1990-07-14", "visit": "2026-03-02",
                 "notes": "call me at ada@example.org", "card": "4111 1111 1111 1111", "name": "Ada Lovelace",
                 "optional": "still here", "reporter": {"name": "Grace", "team": "ops"},
                 "watchers": [{"name": "Linus", "team": "kernel"}, {"name": "Ken", "team": "unix"}],
                 "labels": {"vip": "yes"}, "secretBlob": {"a": "x", "n": 7, "extra": [true, 2.5]},
                 "contact": {"mail": "m@example.org"}, "extra": "not in the schema"}
                """);

        JsonNode out = PLANNER.plan("tickets", 1, document(SCHEMA), Set.of()).apply(record);

        assertThat(out.get("ticketId").textValue()).isEqualTo("T-1");
        assertThat(out.get("email").textValue()).isEqualTo(avro("email", Map.of(), STRING, "Ada@Example.org").toString());
        assertThat(out.get("userId").isIntegralNumber()).isTrue();
        assertThat(out.get("userId").longValue()).isEqualTo(avro("hmac", Map.of("prefix", "tok_"), LONG, 4711L));
        assertThat(out.get("ref").textValue()).isEqualTo(avro("hmac", Map.of("prefix", "tok_"),
                LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING)), "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5").toString());
        assertThat(out.get("phone").textValue()).isEqualTo("+41 ** *** ** 00");
        assertThat(out.get("flag").booleanValue()).isFalse();
        assertThat(out.get("flag").isBoolean()).isTrue();
        assertThat(out.get("score").isDouble()).isTrue();
        assertThat(out.get("score").doubleValue()).isEqualTo(0.0);
        assertThat(out.get("amount").doubleValue()).isEqualTo(1200.0);
        assertThat(out.get("born").textValue()).isEqualTo("1990-01-01");
        assertThat(out.get("visit").textValue()).isEqualTo(Techniques.compile(io.jitmask.policy.TechniqueSpec.of("shiftDate",
                Map.of("entityField", "ticketId")), STRING, TechniquesTest.KEYSET, "t").mask("2026-03-02",
                new EntityFields(Map.of("ticketId", "T-1")::get)).toString()).isNotEqualTo("2026-03-02");
        assertThat(out.get("notes").textValue()).isEqualTo("call me at [EMAIL]");
        assertThat(out.get("card").textValue()).isEqualTo(avro("ff1", Map.of("keepLast", 4, "luhn", true), STRING, "4111 1111 1111 1111").toString());
        assertThat(out.get("card").textValue()).endsWith("1111").hasSize(19);
        assertThat(out.get("name").textValue()).isEqualTo("**********ce");
        assertThat(out.get("optional").isNull()).isTrue();
        String tokGrace = avro("hmac", Map.of("prefix", "tok_"), STRING, "Grace").toString();
        assertThat(out.get("reporter")).isEqualTo(JSON.readTree("{\"name\": \"" + tokGrace + "\", \"team\": \"ops\"}"));
        assertThat(out.get("watchers").get(0).get("name").textValue()).isEqualTo(avro("hmac", Map.of("prefix", "tok_"), STRING, "Linus").toString());
        assertThat(out.get("watchers").get(1).get("team").textValue()).isEqualTo("unix");
        assertThat(out.get("labels").get("vip").textValue()).isEqualTo(avro("hmac", Map.of("prefix", "tok_"), STRING, "yes").toString());
        assertThat(out.get("secretBlob")).hasToString(JSON.readTree("{\"a\": \"REDACTED\", \"n\": 0, \""
                + Techniques.mapKeyMasker(TechniquesTest.KEYSET).mask("extra", null) + "\": [false, 0.0]}").toString());
        assertThat(out.get("contact").get("mail").textValue()).isEqualTo(avro("email", Map.of(), STRING, "m@example.org").toString());
        // tag mode: a property no schema and no rule names is not sensitive
        assertThat(out.get("extra").textValue()).isEqualTo("not in the schema");
        // the input is untouched
        assertThat(record.get("email").textValue()).isEqualTo("Ada@Example.org");
    }

    @Test
    void shiftDateKeepsOneOffsetPerEntity() throws Exception {
        JsonSchemaDocument doc = document(SCHEMA);
        JsonNode a = PLANNER.plan("tickets", 1, doc, Set.of()).apply(JSON.readTree("{\"ticketId\": \"T-9\", \"visit\": \"2026-03-02\"}"));
        JsonNode b = PLANNER.plan("tickets", 1, doc, Set.of()).apply(JSON.readTree("{\"ticketId\": \"T-9\", \"visit\": \"2026-03-12\"}"));
        assertThat(java.time.LocalDate.parse(b.get("visit").textValue()).toEpochDay()
                - java.time.LocalDate.parse(a.get("visit").textValue()).toEpochDay()).isEqualTo(10);
        assertThat(a.get("visit").textValue()).isNotEqualTo("2026-03-02");
    }

    @Test
    void clearPathsStayClear() throws Exception {
        JsonNode record = JSON.readTree("{\"email\": \"ada@example.org\", \"reporter\": {\"name\": \"Grace\"}, \"userId\": 5}");
        JsonNode out = PLANNER.plan("tickets", 1, document(SCHEMA), Set.of("email", "reporter")).apply(record);
        assertThat(out.get("email").textValue()).isEqualTo("ada@example.org");
        assertThat(out.get("reporter").get("name").textValue()).isEqualTo("Grace");
        assertThat(out.get("userId").longValue()).isNotEqualTo(5L);
    }

    @Test
    void plainJsonIsMaskedByPathRulesOnly() throws Exception {
        JsonNode record = JSON.readTree("""
                {"email": "ada@example.org", "customer": {"phone": "+44 20 7946 0958", "city": "London"},
                 "items": [{"sku": "A1", "price": 149}, {"sku": "B2", "price": 12.75}], "secret": {"k": ["v", 3, null]},
                 "note": "hello"}
                """);
        JsonNode out = PLANNER.plan("plain", -1, null, Set.of()).apply(record);
        assertThat(out).hasToString(JSON.readTree("{\"email\": \"" + avro("email", Map.of(), STRING, "ada@example.org")
                + "\", \"customer\": {\"phone\": \"+44 ** **** **58\", \"city\": \"London\"},"
                + " \"items\": [{\"sku\": \"A1\", \"price\": 100}, {\"sku\": \"B2\", \"price\": 0.0}],"
                + " \"secret\": {\"" + Techniques.mapKeyMasker(TechniquesTest.KEYSET).mask("k", null) + "\": [\"REDACTED\", 0, null]},"
                + " \"note\": \"hello\"}").toString());
    }

    @Test
    void aValueContradictingASchemaWithSensitiveFieldsFailsClosed() throws Exception {
        JsonNode record = JSON.readTree("{\"reporter\": \"Grace Hopper\"}");
        assertThatThrownBy(() -> PLANNER.plan("tickets", 1, document(SCHEMA), Set.of()).apply(record))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessage("tickets: field 'reporter' is string where the schema declares an object")
                .hasMessageNotContaining("Grace");
    }

    @Test
    void uncoveredTagsAndBadTechniquesFailToCompile() throws Exception {
        assertThatThrownBy(() -> PLANNER.plan("tickets", 2, document("""
                {"type": "object", "properties": {"x": {"type": "string", "confluent:tags": ["NOPE"]}}}"""), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("tickets: field 'x' is tagged NOPE, a tag the policy does not define");
        assertThatThrownBy(() -> PLANNER.plan("tickets", 3, document("""
                {"type": "object", "properties": {"x": {"type": "string", "confluent:tags": ["UNUSED"]}}}"""), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("tickets: field 'x' is tagged [UNUSED] but the policy gives none of these tags a technique");
        assertThatThrownBy(() -> PLANNER.plan("tickets", 4, document("""
                {"type": "object", "properties": {"x": {"type": "string", "confluent:tags": ["GONE"]}}}"""), Set.of()))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessage("tickets: field 'x': technique 'nullify' needs a nullable field (a type with null), but the field is [string]");
        assertThatThrownBy(() -> PLANNER.plan("tickets", 5, document("""
                {"type": "object", "properties": {"x": {"type": "boolean", "confluent:tags": ["EMAIL"]}}}"""), Set.of()))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessageStartingWith("tickets: field 'x'");
        assertThatThrownBy(() -> PLANNER.plan("tickets", 6, document("""
                {"type": "object", "properties": {"x": {"$ref": "other.json#/X"}}}"""), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("tickets: field 'x': $ref 'other.json#/X' names a schema that is not referenced");
    }

    @Test
    void recursiveSchemasPassWithoutSensitiveFieldsAndFailWithThem() throws Exception {
        String tree = """
                {"$ref": "#/definitions/Node", "definitions": {"Node": {"type": "object", "properties": {
                  "label": {"type": "string"%s}, "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}}}}""";
        JsonNode record = JSON.readTree("{\"label\": \"a\", \"children\": [{\"label\": \"b\"}]}");
        assertThat(PLANNER.plan("tickets", 7, document(tree.formatted("")), Set.of()).apply(record)).isEqualTo(record);
        assertThatThrownBy(() -> PLANNER.plan("tickets", 8, document(tree.formatted(", \"confluent:tags\": [\"PII\"]")), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessageContaining("recursive schema holds sensitive fields");
    }

    @Test
    void sensitiveFieldsListsTaggedAndRuledPaths() throws Exception {
        assertThat(PLANNER.sensitiveFields("tickets", document(SCHEMA)).keySet()).containsExactly(
                "email", "userId", "ref", "phone", "flag", "score", "amount", "born", "visit", "notes", "card", "name",
                "optional", "reporter.name", "watchers.name", "secretBlob", "contact.mail", "contact.tel");
    }
}
