package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Constraints that were dead-lettered before: uniqueItems and contains on sensitive arrays, and patterns no value is
 * derived for. Exact masked values; each masked record validates against its whole schema; what cannot be kept
 * is named by {@code policy check}.
 */
class JsonArrayRulesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = """
            {"type": "object", "properties": {
              "labels": {"type": "array", "uniqueItems": true, "items": {"type": "string", "maxLength": 12}, "confluent:tags": ["SECRET"]},
              "levels": {"type": "array", "uniqueItems": true, "items": {"type": "string", "enum": ["LOW", "MID", "HIGH"]}, "confluent:tags": ["PII"]},
              "mails": {"type": "array", "uniqueItems": true, "items": {"type": "string", "format": "email"}, "confluent:tags": ["SECRET"]},
              "ranks": {"type": "array", "uniqueItems": true, "items": {"type": "integer", "minimum": 1, "multipleOf": 5}, "confluent:tags": ["SECRET"]},
              "roles": {"type": "array", "items": {"type": "string"}, "contains": {"const": "member"}, "confluent:tags": ["PII"]},
              "nick": {"type": "string", "pattern": "^(?=[A-Z])[A-Za-z]+$", "examples": ["lower", "Zed"], "confluent:tags": ["PII"]}
            }}
            """;
    static final String RECORD = """
            {"labels": ["red", "green", "blue"], "levels": ["LOW", "HIGH"], "mails": ["a@example.org", "b@example.org"],
             "ranks": [5, 10, 15], "roles": ["admin", "member"], "nick": "Ada"}
            """;

    /** A planner of its own per call: plans are cached by schema id, and each test masks another schema. */
    static JsonNode mask(String schema, String record) throws Exception {
        return new JsonMaskPlanner(new PolicyFieldClassifier(JsonConstraintsTest.POLICY), TechniquesTest.KEYSET)
                .plan("t", 1, new JsonSchemaDocument(JSON.readTree(schema), Map.of()), Set.of()).apply(JSON.readTree(record));
    }

    static List<String> violations(String schema, JsonNode value) {
        return ((JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, schema, List.of(), Map.of())).violations(value.toString());
    }

    @Test
    void distinctItemsStayDistinctAndAContainsMatchAndAnUnderivedPatternAreKept() throws Exception {
        JsonNode out = mask(SCHEMA, RECORD);

        assertThat(out.toString()).isEqualTo(JSON.readTree("""
                {"labels": ["REDACTED", "1-REDACTED", "2-REDACTED"],
                 "levels": ["LOW", "MID"],
                 "mails": ["REDACTED@example.com", "1-REDACTED@example.com"],
                 "ranks": [5, 10, 15],
                 "roles": ["member", "TOKEN_MEMBER"],
                 "nick": "Zed"}
                """).toString().replace("TOKEN_MEMBER", out.path("roles").path(1).asText()));
        assertThat(out.path("roles").path(1).asText()).startsWith("tok_");
        assertThat(violations(SCHEMA, out)).isEmpty();
        assertThat(mask(SCHEMA, RECORD)).isEqualTo(out);
    }

    @Test
    void whatCannotBeKeptIsLeftForTheRecordCheckWhichNamesTheKeywordAndLocation() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "people": {"type": "array", "uniqueItems": true, "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "confluent:tags": ["SECRET"]},
                  "roles": {"type": "array", "items": {"type": "string"}, "contains": {"pattern": "^admin$"}, "confluent:tags": ["PII"]},
                  "nick": {"type": "string", "pattern": "^(?=[A-Z])[A-Za-z]+$", "confluent:tags": ["PII"]}
                }}
                """;
        JsonNode out = mask(schema, "{\"people\": [{\"name\": \"Ada\"}, {\"name\": \"Bob\"}], \"roles\": [\"admin\"], \"nick\": \"Ada\"}");

        assertThat(violations(schema, out)).containsExactlyInAnyOrder("uniqueItems at /people", "contains at /roles", "pattern at /nick");
    }

    @Test
    void policyCheckSaysPerFieldWhichApplies() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "labels": {"type": "array", "uniqueItems": true, "items": {"type": "string"}, "confluent:tags": ["SECRET"]},
                  "roles": {"type": "array", "items": {"type": "string"}, "contains": {"const": "member"}, "confluent:tags": ["PII"]},
                  "groups": {"type": "array", "items": {"type": "string"}, "contains": {"pattern": "^admin$"}, "confluent:tags": ["PII"]},
                  "nick": {"type": "string", "pattern": "^(?=[A-Z])[A-Za-z]+$", "examples": ["Zed"], "confluent:tags": ["PII"]},
                  "code": {"type": "string", "pattern": "^(\\\\w)\\\\1$", "confluent:tags": ["PII"]}
                }}
                """;
        List<String> notes = JsonConstraintsTest.PLANNER.constraintWarnings("t", new JsonSchemaDocument(JSON.readTree(schema), Map.of()));

        assertThat(notes).containsExactly(
                "t: field 'labels': uniqueItems: masked items that collide are replaced by distinct variants fitted to the item"
                        + " constraints; arrays of objects or arrays whose masked items collide are dead-lettered (keyword 'uniqueItems')",
                "t: field 'roles': contains: a masked array with no matching item gets the value the 'contains' schema publishes"
                        + " (const, enum, examples or default) as its first item",
                "t: field 'groups': contains: the 'contains' schema publishes no value (const, enum, examples, default) that is"
                        + " also a valid item, or uses $ref: a masked array with no matching item is dead-lettered (keyword 'contains')",
                "t: field 'nick': its pattern uses more than jitmask derives values for (look-arounds, back references, word"
                        + " boundaries, Unicode properties): a masked value that does not match it is replaced by the value the schema"
                        + " publishes in 'examples' or 'default' (the same for every record)",
                "t: field 'code': its pattern uses more than jitmask derives values for (look-arounds, back references, word"
                        + " boundaries, Unicode properties) and the schema publishes no value ('examples', 'default') that matches it:"
                        + " a masked value that does not match it is dead-lettered (keyword 'pattern' and the field's location)");
    }
}
