package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exact masked values per technique and JSON Schema constraint: each still validates against its schema. */
class JsonConstraintsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              PII: {technique: {type: hmac, prefix: "tok_"}}
              EMAIL: {technique: {type: email}}
              SECRET: {technique: {type: redact}}
              AMOUNT: {technique: {type: bucket, size: 100}}
              PART: {technique: {type: partial, keepLast: 2}}
              FREE: {technique: {type: freeText}}
            datasets:
              t:
                fields:
                  chosen: {technique: {type: redact, symbol: HIGH}}
            """);
    static final JsonMaskPlanner PLANNER = new JsonMaskPlanner(new PolicyFieldClassifier(POLICY), TechniquesTest.KEYSET);

    static final String SCHEMA = """
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {
              "email": {"type": "string", "format": "email", "confluent:tags": ["PII"]},
              "emailKept": {"type": "string", "format": "email", "confluent:tags": ["EMAIL"]},
              "emailRedacted": {"type": "string", "format": "email", "confluent:tags": ["SECRET"]},
              "host": {"type": "string", "format": "hostname", "confluent:tags": ["PII"]},
              "ip4": {"type": "string", "format": "ipv4", "confluent:tags": ["PII"]},
              "ip6": {"type": "string", "format": "ipv6", "confluent:tags": ["PII"]},
              "site": {"type": "string", "format": "uri", "confluent:tags": ["PII"]},
              "ref": {"type": "string", "format": "uuid", "confluent:tags": ["PART"]},
              "day": {"type": "string", "format": "date", "confluent:tags": ["PII"]},
              "at": {"type": "string", "format": "date-time", "confluent:tags": ["SECRET"]},
              "clock": {"type": "string", "format": "time", "confluent:tags": ["PII"]},
              "code": {"type": "string", "maxLength": 12, "confluent:tags": ["PII"]},
              "pin": {"type": "string", "minLength": 12, "confluent:tags": ["SECRET"]},
              "level": {"type": "string", "enum": ["LOW", "HIGH"], "confluent:tags": ["PII"]},
              "chosen": {"type": "string", "enum": ["LOW", "HIGH"]},
              "fixed": {"const": "X", "confluent:tags": ["PII"]},
              "mood": {"type": "string", "enum": ["calm", "angry"], "confluent:tags": ["FREE"]},
              "zip": {"type": "string", "pattern": "^[0-9]{5}$", "confluent:tags": ["PII"]},
              "ssn": {"type": "string", "pattern": "^\\\\d{3}-\\\\d{2}-\\\\d{4}$", "confluent:tags": ["PII"]},
              "tag": {"type": "string", "pattern": "^(red|green)-[a-f0-9]+$", "maxLength": 12, "confluent:tags": ["PII"]},
              "mail": {"allOf": [{"$ref": "#/definitions/Mail"}], "confluent:tags": ["PII"]},
              "age": {"type": "integer", "minimum": 18, "maximum": 120, "confluent:tags": ["PII"]},
              "rating": {"type": "integer", "minimum": 1, "maximum": 5, "confluent:tags": ["SECRET"]},
              "price": {"type": "number", "multipleOf": 0.05, "exclusiveMaximum": 1000, "confluent:tags": ["AMOUNT"]},
              "count": {"type": "integer", "multipleOf": 10, "minimum": 0, "confluent:tags": ["PII"]}
            }, "definitions": {"Mail": {"type": "string", "pattern": "^[^@]+@[^@]+$"}}}
            """;
    static final String RECORD = """
            {"email": "ada@example.org", "emailKept": "ada@example.org", "emailRedacted": "ada@example.org",
             "host": "ada.example.org", "ip4": "192.168.1.7", "ip6": "fe80::1", "site": "https://ada.example.org/me",
             "ref": "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5", "day": "1990-07-14", "at": "2026-01-02T03:04:05Z",
             "clock": "12:34:56Z", "code": "ADA-123", "pin": "1234", "level": "HIGH", "chosen": "LOW", "fixed": "X", "mood": "angry",
             "zip": "80331", "ssn": "123-45-6789", "tag": "red-00aa", "mail": "ada@example.org",
             "age": 37, "rating": 4, "price": 1234.5, "count": 4711}
            """;

    static JsonNode mask(String record) throws Exception {
        JsonSchemaDocument document = new JsonSchemaDocument(JSON.readTree(SCHEMA), Map.of());
        return PLANNER.plan("t", 1, document, Set.of()).apply(JSON.readTree(record));
    }

    static List<String> violations(JsonNode value) {
        JsonParsedSchema schema = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, SCHEMA, List.of(), Map.of());
        return schema.violations(value.toString());
    }

    @Test
    void everyConstrainedValueIsFittedAndTheRecordStillValidates() throws Exception {
        JsonNode out = mask(RECORD);

        assertThat(out.toString()).isEqualTo(JSON.readTree("""
                {"email": "tok_k1.ifOyeeitDG1l-yweMvR14B@example.com",
                 "emailKept": "k1.a9cecad166fdc660@example.org",
                 "emailRedacted": "REDACTED@example.com",
                 "host": "h39013fc03ff1a2d6.invalid",
                 "ip4": "240.14.88.217",
                 "ip6": "2001:db8:185c:e65a:ab34:c021:efc0:9283",
                 "site": "urn:jitmask:k1:956b977a03a3da0d",
                 "ref": "4d3e5543-7597-8506-a384-671e30bf4d63",
                 "day": "2034-08-29",
                 "at": "1970-01-01T00:00:00Z",
                 "clock": "13:49:14Z",
                 "code": "tok_k1:2AS7K",
                 "pin": "REDACTED****",
                 "level": "LOW",
                 "chosen": "HIGH",
                 "fixed": "X",
                 "mood": "calm",
                 "zip": "25966",
                 "ssn": "235-45-5392",
                 "tag": "red-b01fff74",
                 "mail": "ljT8l6rRfUTWwxZS@gswJx6D071JTgAYj",
                 "age": 23,
                 "rating": 1,
                 "price": 999.95,
                 "count": 2879484573480920}
                """).toString());
        assertThat(violations(out)).isEmpty();
        // What each rule gives, spelled out: the hmac token becomes the e-mail's local part ':' -> '.'; an email
        // technique's output already fits and is kept; the hmac token is cut to maxLength; redact is padded with '*'.
        String token = JsonMaskPlannerTest.avro("hmac", Map.of("prefix", "tok_"), JsonMaskPlannerTest.STRING, "ada@example.org").toString();
        assertThat(out.get("email").textValue()).isEqualTo(token.replace(':', '.') + "@example.com");
        assertThat(out.get("emailKept").textValue())
                .isEqualTo(JsonMaskPlannerTest.avro("email", Map.of(), JsonMaskPlannerTest.STRING, "ada@example.org").toString());
        String codeToken = JsonMaskPlannerTest.avro("hmac", Map.of("prefix", "tok_"), JsonMaskPlannerTest.STRING, "ADA-123").toString();
        assertThat(out.get("code").textValue()).isEqualTo(codeToken.substring(0, 12));
        // An hmac integer token is spread over the range by the token: 18 + token mod 103.
        long ageToken = (Long) JsonMaskPlannerTest.avro("hmac", Map.of("prefix", "tok_"), JsonMaskPlannerTest.LONG, 37L);
        assertThat(out.get("age").longValue()).isEqualTo(18 + ageToken % 103);
        // A pattern's open repetition gets as many characters as maxLength leaves room for: "red-" and 8 more.
        assertThat(out.get("tag").textValue()).matches("red-[a-f0-9]{8}");
        // bucket's 1200.0 and redact's 0 move to the nearest allowed value.
        assertThat(out.get("price").doubleValue()).isEqualTo(999.95);
        assertThat(out.get("rating").longValue()).isEqualTo(1);
    }

    @Test
    void equalInputsGiveEqualValuesAndOtherInputsOtherValues() throws Exception {
        JsonNode first = mask(RECORD);
        JsonNode again = mask(RECORD);
        JsonNode other = mask(RECORD.replace("ada", "bob").replace("80331", "10115").replace("123-45-6789", "987-65-4321")
                .replace("\"age\": 37", "\"age\": 38").replace("\"count\": 4711", "\"count\": 4712")
                .replace("1990-07-14", "1991-07-14").replace("12:34:56Z", "12:34:57Z").replace("192.168.1.7", "192.168.1.8")
                .replace("fe80::1", "fe80::2"));

        assertThat(again).isEqualTo(first);
        for (String keyed : List.of("email", "host", "ip4", "ip6", "site", "day", "clock", "zip", "ssn", "mail", "age", "count")) {
            assertThat(other.get(keyed)).as(keyed).isNotEqualTo(first.get(keyed));
        }
        assertThat(violations(other)).isEmpty();
    }

    @Test
    void aPatternOutsideTheReadableSubsetIsLeftForTheRecordCheckToRefuse() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "odd": {"type": "string", "pattern": "^(?=.*x)[a-z]+$", "confluent:tags": ["PII"]}}}""";
        JsonNode out = PLANNER.plan("t", 2, new JsonSchemaDocument(JSON.readTree(schema), Map.of()), Set.of())
                .apply(JSON.readTree("{\"odd\": \"xavier\"}"));

        assertThat(out.get("odd").textValue())
                .isEqualTo(JsonMaskPlannerTest.avro("hmac", Map.of("prefix", "tok_"), JsonMaskPlannerTest.STRING, "xavier").toString());
        assertThat(((JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, schema, List.of(), Map.of())).violations(out.toString()))
                .containsExactly("pattern at /odd");
    }

    @Test
    void aRedactSymbolThatIsNoMemberIsAConfigurationError() throws Exception {
        Policy policy = PolicyLoader.parse("""
                version: 1
                datasets:
                  t:
                    fields:
                      chosen: {technique: {type: redact, symbol: MEDIUM}}
                """);
        JsonMaskPlanner planner = new JsonMaskPlanner(new PolicyFieldClassifier(policy), TechniquesTest.KEYSET);
        String schema = """
                {"type": "object", "properties": {"chosen": {"type": "string", "enum": ["LOW", "HIGH"]}}}""";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> planner.plan("t", 1, new JsonSchemaDocument(JSON.readTree(schema), Map.of()), Set.of()))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessage("t: field 'chosen': technique 'redact' option 'symbol' is 'MEDIUM', not a member of the field's enum");
    }

    @Test
    void anOutputThatAlreadyFitsIsKeptAsTheTechniqueGaveIt() throws Exception {
        Policy policy = PolicyLoader.parse("""
                version: 1
                datasets:
                  t:
                    fields:
                      card: {technique: {type: ff1, keepLast: 4}}
                      born: {technique: {type: generalizeDate, to: year}}
                      mail: {technique: {type: email}}
                """);
        String schema = """
                {"type": "object", "properties": {
                  "card": {"type": "string", "pattern": "^[0-9]{16}$", "maxLength": 16},
                  "born": {"type": "string", "format": "date"},
                  "mail": {"type": "string", "format": "email", "pattern": "@example\\\\.org$"}}}""";
        JsonNode out = new JsonMaskPlanner(new PolicyFieldClassifier(policy), TechniquesTest.KEYSET).plan("t", 3,
                        new JsonSchemaDocument(JSON.readTree(schema), Map.of()), Set.of())
                .apply(JSON.readTree("{\"card\": \"4111111111111111\", \"born\": \"1990-07-14\", \"mail\": \"ada@example.org\"}"));

        assertThat(out.get("card").textValue()).isEqualTo(JsonMaskPlannerTest.avro("ff1", Map.of("keepLast", 4),
                JsonMaskPlannerTest.STRING, "4111111111111111").toString()).endsWith("1111").isNotEqualTo("4111111111111111");
        assertThat(out.get("born").textValue()).isEqualTo("1990-01-01");
        assertThat(out.get("mail").textValue()).isEqualTo(JsonMaskPlannerTest.avro("email", Map.of(), JsonMaskPlannerTest.STRING,
                "ada@example.org").toString()).endsWith("@example.org");
        assertThat(((JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, schema, List.of(), Map.of())).violations(out.toString())).isEmpty();
    }
}
