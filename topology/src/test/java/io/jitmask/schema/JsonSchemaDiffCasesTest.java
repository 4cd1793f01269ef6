package io.jitmask.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Confluent's JSON Schema compatibility cases (resources {@code json-schema-compatibility/cases.json}; where they
 * come from and their licence are in its {@code about}): for each pair, exactly the differences Confluent's diff
 * reports (as a multiset: Confluent's own order follows hash sets), and whether the change is compatible under
 * the STRICT and the LENIENT {@code compatibilityPolicy}, through the same entry point the registry uses.
 */
class JsonSchemaDiffCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyCaseGivesConfluentsDifferencesAndVerdicts() throws IOException {
        JsonNode sets;
        try (InputStream in = getClass().getResourceAsStream("/json-schema-compatibility/cases.json")) {
            sets = JSON.readTree(in).get("sets");
        }
        List<DynamicTest> tests = new ArrayList<>();
        sets.fields().forEachRemaining(set -> {
            for (int i = 0; i < set.getValue().size(); i++) {
                JsonNode c = set.getValue().get(i);
                tests.add(DynamicTest.dynamicTest(set.getKey() + " #" + i + ": " + c.get("from") + " -> " + c.get("to"),
                        () -> check(c)));
            }
        });
        assertThat(tests).hasSize(263);
        return tests.stream();
    }

    private static void check(JsonNode c) {
        JsonParsedSchema from = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, c.get("from").toString());
        JsonParsedSchema to = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, c.get("to").toString());
        List<String> expected = new ArrayList<>();
        c.get("differences").forEach(d -> expected.add(d.asText()));
        List<String> found = JsonParsedSchema.differences(from, to, JsonSchemaDifference.STRICT).stream()
                .map(JsonSchemaDifference::toString).toList();
        assertThat(found).as("differences").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(to.backwardIncompatibilities(from, "STRICT").isEmpty()).as("compatible under STRICT")
                .isEqualTo(c.get("strict").asBoolean());
        assertThat(to.backwardIncompatibilities(from, "LENIENT").isEmpty()).as("compatible under LENIENT")
                .isEqualTo(c.get("lenient").asBoolean());
    }

    @Test
    void anIncompatibleChangeIsWordedAsConfluentWithPathsNotValues() {
        JsonParsedSchema from = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON,
                "{\"type\":\"object\",\"properties\":{\"secret\":{\"enum\":[\"hunter2\",\"swordfish\"]}}}");
        JsonParsedSchema to = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON,
                "{\"type\":\"object\",\"properties\":{\"secret\":{\"enum\":[\"hunter2\"]}}}");
        assertThat(to.backwardIncompatibilities(from)).containsExactly(
                "{errorType:\"ENUM_ARRAY_NARROWED\", description:\"An array or combined type at path"
                        + " '#/properties/secret/enum' has fewer elements in the new schema than the old schema'}");
    }

    @Test
    void aRecursiveSchemaComparesWithItselfAndFindsADeepChange() {
        String node = "{\"$ref\":\"#/definitions/node\",\"definitions\":{\"node\":{\"type\":\"object\",\"properties\":"
                + "{\"value\":{\"type\":\"%s\"},\"next\":{\"$ref\":\"#/definitions/node\"},\"alt\":{\"oneOf\":[{\"type\":"
                + "\"null\"},{\"$ref\":\"#/definitions/node\"}]}}}}}";
        JsonParsedSchema a = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, node.formatted("string"));
        JsonParsedSchema b = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, node.formatted("string"));
        JsonParsedSchema c = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, node.formatted("number"));
        assertThat(b.backwardIncompatibilities(a)).isEmpty();
        assertThat(JsonParsedSchema.differences(a, c, JsonSchemaDifference.STRICT).stream().map(Object::toString))
                .contains("TYPE_CHANGED #/properties/value");
    }

    @Test
    void multipleOfComparesValuesNotTheirScale() {
        JsonParsedSchema half = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, "{\"type\":\"number\",\"multipleOf\":0.5}");
        JsonParsedSchema halfAgain = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, "{\"type\":\"number\",\"multipleOf\":0.50}");
        JsonParsedSchema ten = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, "{\"type\":\"number\",\"multipleOf\":10}");
        assertThat(JsonParsedSchema.differences(half, halfAgain, JsonSchemaDifference.STRICT)).isEmpty();
        assertThat(JsonParsedSchema.differences(half, ten, JsonSchemaDifference.STRICT).stream().map(Object::toString))
                .containsExactly("MULTIPLE_OF_EXPANDED #/multipleOf");
    }
}
