package io.jitmask.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Confluent's Protobuf compatibility cases (resources {@code protobuf-compatibility/cases.json}; where they come from
 * and their licence are in its {@code about}): for each pair, exactly the differences Confluent's diff reports (as a
 * multiset: Confluent's own order follows hash sets) and whether the change is backward compatible.
 */
class ProtobufDiffCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyCaseGivesConfluentsDifferencesAndVerdict() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/protobuf-compatibility/cases.json")) {
            cases = JSON.readTree(in).get("cases");
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            tests.add(DynamicTest.dynamicTest("#" + i + " " + c.get("differences"), () -> check(c)));
        }
        assertThat(tests).hasSize(55);
        return tests.stream();
    }

    private static ProtobufParsedSchema parse(JsonNode side) {
        List<SchemaReference> references = new ArrayList<>();
        side.path("references").forEach(r -> references.add(new SchemaReference(r.get("name").asText(),
                r.get("subject").asText(), r.get("version").asInt())));
        Map<String, String> imports = new LinkedHashMap<>();
        side.path("imports").fields().forEachRemaining(e -> imports.put(e.getKey(), e.getValue().asText()));
        return (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, side.get("schema").asText(), references,
                imports);
    }

    private static void check(JsonNode c) {
        ProtobufParsedSchema from = parse(c.get("from"));
        ProtobufParsedSchema to = parse(c.get("to"));
        List<String> expected = new ArrayList<>();
        c.get("differences").forEach(d -> expected.add(d.asText()));
        assertThat(ProtobufCompatibility.differences(from, to).stream().map(ProtobufDifference::toString))
                .as("differences").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(to.backwardIncompatibilities(from).isEmpty()).as("compatible").isEqualTo(c.get("compatible").asBoolean());
    }

    @Test
    void anIncompatibleChangeIsWordedAsConfluentForEitherDirection() {
        ProtobufParsedSchema before = (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF,
                "syntax = \"proto3\";\nmessage M {\n  string secret = 1;\n}\n");
        ProtobufParsedSchema after = (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF,
                "syntax = \"proto3\";\nmessage M {\n  int64 secret = 1;\n}\n");
        assertThat(after.backwardIncompatibilities(before)).containsExactly("{errorType:\"FIELD_SCALAR_KIND_CHANGED\","
                + " description:\"The kind of a SCALAR field at path '#/M/1' in the new schema does not match its kind in"
                + " the old schema\"}");
        assertThat(before.backwardIncompatibilities(after, null, "old", "new")).containsExactly(
                "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/M/1' in"
                        + " the old schema does not match its kind in the new schema\"}");
    }
}
