package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import io.jitmask.testing.FormatSamples;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The fast path of the JSON Schema check: a masked record skips the whole-schema validation only when its plan proves
 * it valid (every keyword of the schema local, every rewritten value valid against its own node). Proven records
 * are checked here with the full validator; schemas with a keyword over several values are never proven.
 */
class JsonValidityProofTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TECHNIQUES = List.of("{type: hmac, prefix: \"tok_\"}", "{type: redact}", "{type: partial, keepLast: 2}",
            "{type: freeText}", "{type: email}", "{type: nullify}", "{type: bucket, size: 10}", "{type: hmac, prefix: \"tok_\", format: \"uuid\"}");
    static final String T = "\"confluent:tags\": [\"T\"]";

    /** A schema per keyword class whose keywords are all local, with a raw record that follows it (%1$s letters, %2$d 0..999, %3$s 5 digits). */
    static final List<String[]> LOCAL = List.of(
            new String[] {"{\"type\": \"object\", \"properties\": {\"e\": {\"type\": \"string\", \"format\": \"email\", " + T + "}}}",
                    "{\"e\": \"%1$s@example.org\"}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"h\": {\"type\": \"string\", \"format\": \"hostname\", " + T + "},"
                    + " \"d\": {\"type\": \"string\", \"format\": \"date\", " + T + "}, \"u\": {\"type\": \"string\", \"format\": \"uuid\", " + T + "}}}",
                    "{\"h\": \"%1$s.example.org\", \"d\": \"2001-01-%2$02d\", \"u\": \"6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5\"}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"z\": {\"type\": \"string\", \"pattern\": \"^[0-9]{5}$\", " + T + "},"
                    + " \"s\": {\"type\": \"string\", \"minLength\": 4, \"maxLength\": 9, " + T + "}}}",
                    "{\"z\": \"%3$s\", \"s\": \"%1$.5s1234\"}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"l\": {\"type\": \"string\", \"enum\": [\"A\", \"B\"], " + T + "},"
                    + " \"c\": {\"const\": 7, " + T + "}, \"n\": {\"type\": [\"integer\", \"null\"], \"minimum\": 1, \"maximum\": 1000, \"multipleOf\": 1, " + T + "}}}",
                    "{\"l\": \"B\", \"c\": 7, \"n\": %2$d}"},
            new String[] {"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {"
                    + "\"p\": {\"$ref\": \"#/$defs/P\"}}, \"required\": [\"p\"], \"$defs\": {\"P\": {\"type\": \"object\", \"properties\": {"
                    + "\"name\": {\"type\": \"string\", " + T + "}, \"age\": {\"type\": \"integer\", \"exclusiveMinimum\": -1, " + T + "}},"
                    + " \"required\": [\"name\"], \"additionalProperties\": {\"type\": \"string\", \"maxLength\": 6, " + T + "}}}}",
                    "{\"p\": {\"name\": \"%1$s\", \"age\": %2$d, \"x\": \"%3$s\"}}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"minItems\": 1, \"maxItems\": 3, \"items\": {"
                    + "\"type\": \"object\", \"properties\": {\"v\": {\"type\": \"string\", \"maxLength\": 8, " + T + "}}}}}}",
                    "{\"a\": [{\"v\": \"%1$.8s\"}, {\"v\": \"%3$s\"}]}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"m\": {\"allOf\": [{\"$ref\": \"#/definitions/Mail\"}, {\"maxLength\": 60}], " + T + "}},"
                    + " \"definitions\": {\"Mail\": {\"type\": \"string\", \"pattern\": \"^[^@]+@[^@]+$\"}}}",
                    "{\"m\": \"%1$.20s@example.org\"}"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"o\": {\"type\": \"object\", \"minProperties\": 1, \"properties\": {"
                    + "\"s\": {\"type\": \"string\", \"minLength\": 3}, \"k\": {\"type\": \"integer\", \"maximum\": 5000}}, " + T + "}}}",
                    "{\"o\": {\"s\": \"%1$s\", \"k\": %2$d, \"extra\": \"%3$s\"}}"});

    /** A schema per keyword class that judges more than the value it sits on, with a raw record that follows it. */
    static final List<String[]> NON_LOCAL = List.of(
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"oneOf\": [{\"type\": \"string\", \"maxLength\": 3}, {\"type\": \"string\", \"minLength\": 4}], " + T + "}}}",
                    "{\"x\": \"%1$s\"}", "oneOf at #/properties/x"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], " + T + "}}}",
                    "{\"x\": %2$d}", "anyOf at #/properties/x"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", \"not\": {\"const\": \"REDACTED\"}, " + T + "}}}",
                    "{\"x\": \"%1$s\"}", "not at #/properties/x"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", " + T + "}, \"y\": {\"type\": \"string\"}},"
                    + " \"if\": {\"properties\": {\"x\": {\"const\": \"%1$s\"}}}, \"then\": {\"required\": [\"y\"]}}",
                    "{\"x\": \"%1$s\", \"y\": \"%3$s\"}", "if at #"},
            new String[] {"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", " + T + "}},"
                    + " \"dependentRequired\": {\"x\": [\"y\"]}}",
                    "{\"x\": \"%1$s\", \"y\": 1}", "dependentRequired at #"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", " + T + "}}, \"dependencies\": {\"x\": [\"y\"]}}",
                    "{\"x\": \"%1$s\", \"y\": 1}", "dependencies at #"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"uniqueItems\": true, \"items\": {\"type\": \"string\"}, " + T + "}}}",
                    "{\"a\": [\"%1$s\", \"%3$s\"]}", "uniqueItems at #/properties/a"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"contains\": {\"type\": \"string\", \"pattern\": \"^[0-9]+$\"}, " + T + "}}}",
                    "{\"a\": [\"%3$s\", \"%1$s\"]}", "contains at #/properties/a"},
            new String[] {"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", " + T + "}},"
                    + " \"unevaluatedProperties\": false}",
                    "{\"x\": \"%1$s\"}", "unevaluatedProperties at #"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"o\": {\"type\": \"object\", \"patternProperties\": {\"^k\": {\"type\": \"string\", \"maxLength\": 5}}, " + T + "}}}",
                    "{\"o\": {\"k1\": \"%1$.5s\"}}", "patternProperties at #/properties/o"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"o\": {\"type\": \"object\", \"propertyNames\": {\"maxLength\": 3}, " + T + "}}}",
                    "{\"o\": {\"k1\": \"%1$s\"}}", "propertyNames at #/properties/o"},
            new String[] {"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", "
                    + "\"prefixItems\": [{\"type\": \"string\", \"maxLength\": 3}], " + T + "}}}",
                    "{\"a\": [\"%1$.3s\"]}", "prefixItems at #/properties/a"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"$ref\": \"#/definitions/X\", \"maxLength\": 3, " + T + "}},"
                    + " \"definitions\": {\"X\": {\"type\": \"string\"}}}",
                    "{\"x\": \"%1$.3s\"}", "maxLength at #/properties/x"},
            new String[] {"{\"type\": \"object\", \"properties\": {\"x\": {\"allOf\": [{\"type\": \"string\"}, {\"properties\": {\"y\": {}}}], " + T + "}}}",
                    "{\"x\": \"%1$s\"}", "allOf at #/properties/x"});

    static JsonMaskPlanner planner(String technique) {
        return new JsonMaskPlanner(new PolicyFieldClassifier(PolicyLoader.parse("""
                version: 1
                tags:
                  T: {technique: %s}
                datasets:
                  t: {}
                """.formatted(technique))), TechniquesTest.KEYSET);
    }

    static JsonParsedSchema parsed(String schema) {
        return (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, schema, List.of(), Map.of());
    }

    /** The plan's verdict on a record, or null when the technique does not fit the schema (the record is dead-lettered). */
    static JsonMaskPlanner.Masked mask(String technique, String schema, JsonNode record) throws Exception {
        try {
            return planner(technique).plan("t", 1, new JsonSchemaDocument(JSON.readTree(schema), Map.of()), Set.of()).mask(record);
        } catch (MaskingConfigException | UncoveredFieldException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<Integer> local() {
        return Arbitraries.integers().between(0, LOCAL.size() - 1);
    }

    @Provide
    Arbitrary<Integer> nonLocal() {
        return Arbitraries.integers().between(0, NON_LOCAL.size() - 1);
    }

    @Provide
    Arbitrary<Integer> technique() {
        return Arbitraries.integers().between(0, TECHNIQUES.size() - 1);
    }

    @Property(tries = 400)
    void aProvenMaskedRecordValidatesWithTheFullValidator(@ForAll("local") int schemaCase, @ForAll("technique") int technique,
                                                          @ForAll @AlphaChars @StringLength(min = 3, max = 30) String letters,
                                                          @ForAll @IntRange(min = 1, max = 28) int number,
                                                          @ForAll @NumericChars @StringLength(min = 5, max = 5) String digits) throws Exception {
        String[] c = LOCAL.get(schemaCase);
        JsonNode record = JSON.readTree(c[1].formatted(letters, number, digits));
        assertThat(parsed(c[0]).violations(record.toString())).as("the raw record follows its schema").isEmpty();

        JsonMaskPlanner.Masked out = mask(TECHNIQUES.get(technique), c[0], record);

        if (out != null && out.proven()) {
            assertThat(parsed(c[0]).violations(out.value().toString())).isEmpty();
        }
        if (out != null && !out.proven() && out.validate() != null) {
            // Only the top-level properties holding unproven values are validated: when they pass, the whole record does.
            boolean pass = out.validate().stream().allMatch(p -> parsed(c[0]).propertyViolations(p, out.value().get(p).toString()).isEmpty());
            if (pass) {
                assertThat(parsed(c[0]).violations(out.value().toString())).isEmpty();
            }
        }
        if (technique <= 1) {
            // hmac and redact fit every one of these schemas: the fast path is taken, not just allowed.
            assertThat(out.proven()).isTrue();
        }
    }

    @Property(tries = 200)
    void aSchemaWithAKeywordOverSeveralValuesIsNeverProvenAndItsCheckedPropertiesDecideForTheRecord(@ForAll("nonLocal") int schemaCase, @ForAll("technique") int technique,
                                                          @ForAll @AlphaChars @StringLength(min = 3, max = 30) String letters,
                                                          @ForAll @IntRange(min = 1, max = 28) int number,
                                                          @ForAll @NumericChars @StringLength(min = 5, max = 5) String digits) throws Exception {
        String[] c = NON_LOCAL.get(schemaCase);
        String schema = c[0].formatted(letters, number, digits);
        JsonNode record = JSON.readTree(c[1].formatted(letters, number, digits));
        assertThat(parsed(schema).violations(record.toString())).as("the raw record follows its schema").isEmpty();

        JsonMaskPlanner.Masked out = mask(TECHNIQUES.get(technique), schema, record);

        // Every case rewrites the value under its non-local keyword: never proven without a check.
        assertThat(out == null || !out.proven()).isTrue();
        if (out != null && out.validate() != null) {
            // Only some top-level properties are validated: when they pass, the whole record does.
            boolean pass = out.validate().stream().allMatch(p -> parsed(schema).propertyViolations(p, out.value().get(p).toString()).isEmpty());
            if (pass) {
                assertThat(parsed(schema).violations(out.value().toString())).isEmpty();
            }
        }
    }

    @Test
    void eachNonLocalKeywordIsNamedWithItsLocation() throws Exception {
        for (String[] c : NON_LOCAL) {
            assertThat(LocalKeywords.firstNonLocal(new JsonSchemaDocument(JSON.readTree(c[0].formatted("a", 1, "1")), Map.of())))
                    .as(c[0]).isEqualTo(c[2]);
        }
        for (String[] c : LOCAL) {
            assertThat(LocalKeywords.firstNonLocal(new JsonSchemaDocument(JSON.readTree(c[0]), Map.of()))).as(c[0]).isNull();
        }
    }

    @Test
    void theSampleTicketsAreProvenSoTheirRecordsSkipTheWholeSchemaValidation() throws Exception {
        JsonSchemaDocument tickets = new JsonSchemaDocument(JSON.readTree(FormatSamples.TICKETS_SCHEMA.schema()), Map.of());
        JsonMaskPlanner.Masked out = FormatsMaskingPropertiesTest.FORMATS.json().plan("tickets", 1, tickets, Set.of())
                .mask(FormatSamples.ticket("T-1"));

        assertThat(out.proven()).isTrue();
        assertThat(FormatSamples.ticketViolations(out.value())).isEmpty();
    }

    @Test
    void aRewrittenValueThatIsNotProvenValidIsValidatedAfterMasking() throws Exception {
        // A look-ahead no value is derived for; a number where the schema declares a string (a producer that did not
        // validate); an enum on an object; nullify where the enum has no null.
        String lookAhead = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", \"pattern\": \"^(?=[A-Z])[A-Za-z]+$\", " + T + "}}}";
        String string = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", " + T + "}}}";
        String objectEnum = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"object\", \"enum\": [{\"a\": \"b\"}], " + T + "}}}";
        String nullableEnum = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": [\"string\", \"null\"], \"enum\": [\"A\"], " + T + "}}}";

        assertThat(mask(TECHNIQUES.get(0), lookAhead, JSON.readTree("{\"x\": \"Ada\"}")).proven()).isFalse();
        assertThat(mask(TECHNIQUES.get(0), string, JSON.readTree("{\"x\": \"Ada\"}")).proven()).isTrue();
        assertThat(mask(TECHNIQUES.get(0), string, JSON.readTree("{\"x\": 12}")).proven()).isFalse();
        assertThat(mask(TECHNIQUES.get(0), objectEnum, JSON.readTree("{\"x\": {\"a\": \"b\"}}")).proven()).isFalse();
        assertThat(mask("{type: nullify}", nullableEnum, JSON.readTree("{\"x\": \"A\"}")).proven()).isFalse();
        assertThat(mask(TECHNIQUES.get(1), nullableEnum, JSON.readTree("{\"x\": \"A\"}")).proven()).isTrue();
    }

    @Test
    void anUnprovenValueInADeclaredTopLevelPropertyHasOnlyThatPropertyValidatedWhereTheTopLevelJudgesPropertiesOneByOne() throws Exception {
        // A look-ahead no value is derived for (x), an integer field a producer wrote as a string (o.n), and what the
        // raw record holds besides (id, checked whole when it was decoded).
        String schema = "{\"type\": \"object\", \"required\": [\"id\"], \"properties\": {\"id\": {\"type\": \"string\"},"
                + " \"x\": {\"type\": \"string\", \"pattern\": \"^(?=[A-Z])[A-Za-z]+$\", " + T + "},"
                + " \"o\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", " + T + "}}}},"
                + " \"additionalProperties\": {\"type\": \"string\", \"pattern\": \"^(?=[A-Z])[A-Za-z]+$\", " + T + "}}";
        JsonMaskPlanner.Masked x = mask(TECHNIQUES.get(0), schema, JSON.readTree("{\"id\": \"1\", \"x\": \"Ada\", \"o\": {\"n\": 3}}"));
        assertThat(x.proven()).isFalse();
        assertThat(x.validate()).containsExactly("x");
        assertThat(parsed(schema).propertyViolations("x", x.value().get("x").toString())).containsExactly("pattern at /x")
                .isEqualTo(parsed(schema).violations(x.value().toString()));
        JsonMaskPlanner.Masked o = mask(TECHNIQUES.get(0), schema, JSON.readTree("{\"id\": \"1\", \"o\": {\"n\": \"3\"}}"));
        assertThat(o.validate()).containsExactly("o");
        assertThat(parsed(schema).propertyViolations("o", o.value().get("o").toString()))
                .isEqualTo(parsed(schema).violations(o.value().toString()));
        // An undeclared property is judged by additionalProperties: the whole record.
        JsonMaskPlanner.Masked extra = mask(TECHNIQUES.get(0), schema, JSON.readTree("{\"id\": \"1\", \"z\": \"Ada\"}"));
        assertThat(extra.proven()).isFalse();
        assertThat(extra.validate()).isNull();
        // A top level that judges more than its properties one by one (an if over x): the whole record, always.
        String overSeveral = NON_LOCAL.get(3)[0].formatted("a", 1, "1");
        JsonMaskPlanner.Masked whole = mask(TECHNIQUES.get(0), overSeveral, JSON.readTree("{\"x\": \"b\", \"y\": \"c\"}"));
        assertThat(whole.proven()).isFalse();
        assertThat(whole.validate()).isNull();
        // Nothing to mask in it: the masked record is the raw one, which was validated whole as it was decoded.
        String untagged = overSeveral.replace(", " + T, "");
        assertThat(mask(TECHNIQUES.get(0), untagged, JSON.readTree("{\"x\": \"b\", \"y\": \"c\"}")).proven()).isTrue();
    }

    @Test
    void anEnumOrConstListingAnObjectOrArrayJudgesWhatMaskingRewritesInsideSoItIsNotLocal() throws Exception {
        // The raw record is one of the listed values; a masked field inside it makes it none of them.
        String objectEnum = "{\"type\": \"object\", \"properties\": {\"o\": {\"type\": \"object\", \"enum\": [{\"s\": \"abc\"}],"
                + " \"properties\": {\"s\": {\"type\": \"string\", " + T + "}}}}}";
        String rootConst = "{\"type\": \"object\", \"const\": {\"s\": \"abc\"}, \"properties\": {\"s\": {\"type\": \"string\", " + T + "}}}";
        String arrayEnum = "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"enum\": [[{\"s\": \"abc\"}]],"
                + " \"items\": {\"type\": \"object\", \"properties\": {\"s\": {\"type\": \"string\", " + T + "}}}}}}";
        String scalarEnum = "{\"type\": \"object\", \"properties\": {\"o\": {\"type\": \"object\", \"properties\": {"
                + "\"s\": {\"type\": \"string\", \"enum\": [\"abc\", \"tok\"], " + T + "}}}}}";
        for (String[] c : List.of(new String[] {objectEnum, "{\"o\": {\"s\": \"abc\"}}", "enum at #/properties/o"},
                new String[] {rootConst, "{\"s\": \"abc\"}", "const at #"},
                new String[] {arrayEnum, "{\"a\": [{\"s\": \"abc\"}]}", "enum at #/properties/a"})) {
            JsonNode record = JSON.readTree(c[1]);
            assertThat(parsed(c[0]).violations(record.toString())).isEmpty();
            JsonMaskPlanner.Masked out = mask(TECHNIQUES.get(0), c[0], record);
            assertThat(parsed(c[0]).violations(out.value().toString())).as(c[0]).isNotEmpty();
            assertThat(out.proven()).as(c[0]).isFalse();
            assertThat(LocalKeywords.firstNonLocal(new JsonSchemaDocument(JSON.readTree(c[0]), Map.of()))).isEqualTo(c[2]);
        }
        // Listing only scalars it stays local: the listed value is the one rewritten, and the fitter checks it.
        assertThat(LocalKeywords.firstNonLocal(new JsonSchemaDocument(JSON.readTree(scalarEnum), Map.of()))).isNull();
        assertThat(mask(TECHNIQUES.get(0), scalarEnum, JSON.readTree("{\"o\": {\"s\": \"abc\"}}")).proven()).isTrue();
        // Over a top-level property it is that property's: only it is validated, when rewritten.
        assertThat(LocalKeywords.nonLocalProperties(new JsonSchemaDocument(JSON.readTree(objectEnum), Map.of()))).containsExactly("o");
        assertThat(mask(TECHNIQUES.get(0), objectEnum, JSON.readTree("{\"o\": {\"s\": \"abc\"}}")).validate()).containsExactly("o");
        // At the top level it judges the whole record.
        assertThat(LocalKeywords.nonLocalProperties(new JsonSchemaDocument(JSON.readTree(rootConst), Map.of()))).isNull();
        assertThat(mask(TECHNIQUES.get(0), rootConst, JSON.readTree("{\"s\": \"abc\"}")).validate()).isNull();
    }

    @Test
    void aSchemaWhoseNonLocalKeywordsSitInTopLevelPropertiesHasOnlyThoseValidatedAndOnlyWhenRewritten() throws Exception {
        String schema = "{\"type\": \"object\", \"required\": [\"id\"], \"properties\": {\"id\": {\"type\": \"string\"},"
                + " \"x\": {\"oneOf\": [{\"type\": \"string\", \"maxLength\": 3}, {\"type\": \"string\", \"minLength\": 4}], " + T + "},"
                + " \"y\": {\"$ref\": \"#/definitions/Y\"}, \"z\": {\"type\": \"string\", \"format\": \"email\", " + T + "}},"
                + " \"definitions\": {\"Y\": {\"type\": \"array\", \"uniqueItems\": true, \"items\": {\"type\": \"string\"}}}}";
        JsonSchemaDocument document = new JsonSchemaDocument(JSON.readTree(schema), Map.of());

        assertThat(LocalKeywords.nonLocalProperties(document)).containsExactly("x", "y");
        JsonMaskPlanner.Masked out = mask(TECHNIQUES.get(0), schema,
                JSON.readTree("{\"id\": \"1\", \"x\": \"abcdef\", \"y\": [\"a\", \"b\"], \"z\": \"ada@example.org\"}"));
        // x was rewritten (validated on its own), y was not (the producer's), z is proven.
        assertThat(out.proven()).isFalse();
        assertThat(out.validate()).containsExactly("x");
        assertThat(parsed(schema).propertyViolations("x", out.value().get("x").toString())).isEmpty();
        assertThat(parsed(schema).propertyViolations("y", "[\"a\", \"a\"]")).containsExactly("uniqueItems at /y");
        // Worded as the whole-record validation words it.
        assertThat(parsed(schema).propertyViolations("x", "7")).containsExactly("oneOf at /x", "type at /x", "type at /x")
                .isEqualTo(parsed(schema).violations("{\"id\": \"1\", \"x\": 7}"));
        assertThat(mask(TECHNIQUES.get(0), schema, JSON.readTree("{\"id\": \"1\", \"y\": [\"a\"]}")).proven()).isTrue();
        // A non-local keyword at the top level, or a $ref that is not into the definitions: the whole record.
        assertThat(LocalKeywords.nonLocalProperties(new JsonSchemaDocument(JSON.readTree(NON_LOCAL.get(3)[0].formatted("a", 1, "1")), Map.of())))
                .isNull();
        assertThat(LocalKeywords.nonLocalProperties(new JsonSchemaDocument(JSON.readTree(
                "{\"type\": \"object\", \"properties\": {\"x\": {\"not\": {\"$ref\": \"#/properties/y\"}}, \"y\": {}}}"), Map.of()))).isNull();
        assertThat(mask(TECHNIQUES.get(0), NON_LOCAL.get(3)[0].formatted("a", 1, "1"), JSON.readTree("{\"x\": \"b\", \"y\": \"c\"}")).validate())
                .isNull();
    }
}
