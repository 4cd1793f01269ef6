package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.DescriptorProtos;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * REST contract of what sessions 5 and 6 added, per endpoint and schema type, on the API with its store (every change
 * goes through the same record path as {@code _schemas}, and a second store rebuilt from those records answers the
 * same): {@code normalize} (query and config), {@code validateFields} ({@code $$} names, reserved fields),
 * {@code ?format=}, {@code fetchMaxId}, contexts (ids per context, the {@code /contexts/{ctx}} prefix, deleting an
 * empty context) and {@code ?subject=} on ids.
 */
class RegistryApiTest {
    static final String AVRO_A = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"b\":1,\"a\":2,"
            + "\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
    static final String AVRO_B = "{\"a\":2,\"fields\":[{\"type\":\"int\",\"name\":\"f\"}],\"b\":1,\"name\":\"n.R\",\"type\":\"record\"}";
    static final String JSON_A = "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"},\"a\":{\"type\":\"integer\"}}}";
    static final String JSON_B = "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"}},\"type\":\"object\"}";
    static final String PROTO_A = "syntax = \"proto3\";\npackage p;\nmessage M { string b = 2; string a = 1; Kind k = 3;\n"
            + "  enum Kind { Y = 1; X = 0; } }\n";
    static final String PROTO_B = "syntax = \"proto3\";\n\npackage p;\n\nmessage M {\n  string a = 1;\n  string b = 2;\n"
            + "  .p.M.Kind k = 3;\n  enum Kind {\n    X = 0;\n    Y = 1;\n  }\n}\n";

    final SchemaStore store = new SchemaStore();
    final List<SchemaStore.Change> records = new ArrayList<>();
    final RegistryApi api = new RegistryApi(store, change -> {
        records.add(change);
        store.apply(change.key(), change.value());
    });

    Object call(String method, String path, String query, String body) {
        return api.route(method, path, RegistryApi.Query.parse(query), body);
    }

    JsonNode json(String method, String path, String query, String body) {
        return SchemaStore.JSON.valueToTree(call(method, path, query, body));
    }

    static String body(String type, String schema) {
        ObjectNode body = SchemaStore.JSON.createObjectNode();
        if (!"AVRO".equals(type)) {
            body.put("schemaType", type);
        }
        return body.put("schema", schema).toString();
    }

    static RegistryError refusal(Runnable call) {
        try {
            call.run();
        } catch (RegistryError e) {
            return e;
        }
        throw new AssertionError("no refusal");
    }

    /** A store rebuilt from the records written so far, as after a restart. */
    RegistryApi restarted() {
        SchemaStore fresh = new SchemaStore();
        records.forEach(r -> fresh.apply(r.key(), r.value()));
        return new RegistryApi(fresh, c -> {
            throw new AssertionError("no writes");
        });
    }

    @ParameterizedTest
    @CsvSource({"AVRO", "JSON", "PROTOBUF"})
    void normalizeOnTheQueryMakesLayoutsOneSchema(String type) {
        String a = text(type, true);
        String b = text(type, false);
        JsonNode first = json("POST", "/subjects/s/versions", "normalize=true", body(type, a));
        assertThat(first.path("version").asInt()).isEqualTo(1);
        // The other layout, normalised, is the same schema: same id and version, no new record.
        int written = records.size();
        JsonNode again = json("POST", "/subjects/s/versions", "normalize=true", body(type, b));
        assertThat(again.path("id").asInt()).isEqualTo(first.path("id").asInt());
        assertThat(again.path("version").asInt()).isEqualTo(1);
        assertThat(records).hasSize(written);
        assertThat(json("POST", "/subjects/s", "normalize=true", body(type, b)).path("id").asInt()).isEqualTo(first.path("id").asInt());
        // Stored and served is the normalised text; the lookup without normalize finds it when the text is the same.
        String stored = first.path("schema").asText();
        assertThat(json("GET", "/schemas/ids/" + first.path("id").asInt(), null, null).path("schema").asText()).isEqualTo(stored);
        assertThat(json("POST", "/subjects/s", null, body(type, stored)).path("version").asInt()).isEqualTo(1);
        assertThat(restarted().route("GET", "/subjects/s/versions/1", RegistryApi.Query.parse(null), null).toString())
                .contains(SchemaStore.JSON.valueToTree(stored).toString());
    }

    @ParameterizedTest
    @CsvSource({"AVRO", "JSON", "PROTOBUF"})
    void withoutNormalizeTheOtherLayoutIsNotFound(String type) {
        call("POST", "/subjects/s/versions", null, body(type, text(type, true)));
        RegistryError e = refusal(() -> call("POST", "/subjects/s", null, body(type, text(type, false))));
        assertThat(e.code).isEqualTo(40403);
    }

    @ParameterizedTest
    @CsvSource({"AVRO", "JSON", "PROTOBUF"})
    void normalizeInTheSubjectConfigAppliesToRegisterLookupAndCompatibility(String type) {
        assertThat(json("PUT", "/config/s", null, "{\"normalize\":true}")).isEqualTo(SchemaStore.JSON.createObjectNode()
                .put("normalize", true));
        int id = json("POST", "/subjects/s/versions", null, body(type, text(type, true))).path("id").asInt();
        assertThat(json("POST", "/subjects/s/versions", null, body(type, text(type, false))).path("id").asInt()).isEqualTo(id);
        assertThat(json("POST", "/subjects/s", null, body(type, text(type, false))).path("id").asInt()).isEqualTo(id);
        assertThat(json("POST", "/compatibility/subjects/s/versions/latest", null, body(type, text(type, false)))
                .path("is_compatible").asBoolean()).isTrue();
        assertThat(json("GET", "/subjects/s/versions", null, null)).hasSize(1);
    }

    static String text(String type, boolean first) {
        return switch (type) {
            case "AVRO" -> first ? AVRO_A : AVRO_B;
            case "JSON" -> first ? JSON_A : JSON_B;
            default -> first ? PROTO_A : PROTO_B;
        };
    }

    @Test
    void protobufIsStoredAndServedInConfluentsCanonicalText() {
        JsonNode answer = json("POST", "/subjects/p/versions", null, body("PROTOBUF", PROTO_A));
        assertThat(answer.path("schema").asText()).isEqualTo("syntax = \"proto3\";\npackage p;\n\nmessage M {\n"
                + "  string b = 2;\n  string a = 1;\n  Kind k = 3;\n\n  enum Kind {\n    Y = 1;\n    X = 0;\n  }\n}\n");
        assertThat(json("POST", "/subjects/p/versions", "normalize=true", body("PROTOBUF", PROTO_A)).path("schema").asText())
                .isEqualTo("syntax = \"proto3\";\npackage p;\n\nmessage M {\n  string a = 1;\n  string b = 2;\n  .p.M.Kind k = 3;\n\n"
                        + "  enum Kind {\n    X = 0;\n    Y = 1;\n  }\n}\n");
    }

    @Test
    void validateFieldsRefusesJsonPropertiesStartingWithTwoDollars() {
        String schema = "{\"type\":\"object\",\"properties\":{\"$$id\":{\"type\":\"string\"}}}";
        // Off (the default): accepted, as Confluent.
        assertThat(json("POST", "/subjects/loose/versions", null, body("JSON", schema)).path("version").asInt()).isEqualTo(1);
        call("PUT", "/config/strict", null, "{\"validateFields\":true}");
        RegistryError e = refusal(() -> call("POST", "/subjects/strict/versions", null, body("JSON", schema)));
        assertThat(e.status).isEqualTo(422);
        assertThat(e.code).isEqualTo(42201);
        assertThat(e.getMessage()).isEqualTo("Invalid schema: Field names cannot start with $$ prefix (#/properties/$$id)");
        // The global config too.
        call("PUT", "/config", null, "{\"validateFields\":true}");
        assertThat(refusal(() -> call("POST", "/subjects/loose/versions", null, body("JSON", schema))).code).isEqualTo(42201);
    }

    @Test
    void validateFieldsKeepsReservedFieldsReservedAsConfluent() {
        call("PUT", "/config/r", null, "{\"validateFields\":true,\"compatibility\":\"NONE\"}");
        String v1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
        String withSsn = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                + "{\"name\":\"ssn\",\"type\":\"string\",\"default\":\"\"}]}";
        ObjectNode reserved = (ObjectNode) SchemaStore.read(body("AVRO", v1));
        reserved.putObject("metadata").putObject("properties").put("confluent:reserved", "ssn, pin");
        assertThat(json("POST", "/subjects/r/versions", null, reserved.toString()).path("version").asInt()).isEqualTo(1);

        ObjectNode conflicting = (ObjectNode) SchemaStore.read(body("AVRO", withSsn));
        conflicting.set("metadata", reserved.get("metadata"));
        RegistryError e = refusal(() -> call("POST", "/subjects/r/versions", null, conflicting.toString()));
        assertThat(e.status).isEqualTo(409);
        assertThat(e.getMessage()).endsWith("details: The new schema has field that conflicts with the reserved field ssn.");

        ObjectNode dropped = (ObjectNode) SchemaStore.read(body("AVRO", v1.replace("\"a\"", "\"b\"")));
        dropped.putObject("metadata").putObject("properties").put("confluent:reserved", "ssn");
        assertThat(refusal(() -> call("POST", "/subjects/r/versions", null, dropped.toString())).getMessage())
                .endsWith("details: The new schema has reserved field pin removed from its metadata which is present in the"
                        + " old schema's metadata.");
        // Without validateFields neither rule applies.
        call("PUT", "/config/r", null, "{\"validateFields\":false}");
        assertThat(json("POST", "/subjects/r/versions", null, conflicting.toString()).path("version").asInt()).isEqualTo(2);
    }

    @Test
    void formatsOnIdsVersionsAndSchemaTexts() throws Exception {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"s\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        call("POST", "/subjects/address/versions", null, body("AVRO", address));
        ObjectNode customer = (ObjectNode) SchemaStore.read(body("AVRO",
                "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"s\",\"fields\":[{\"name\":\"a\",\"type\":\"s.Address\"}]}"));
        customer.putArray("references").addObject().put("name", "s.Address").put("subject", "address").put("version", 1);
        int id = json("POST", "/subjects/customer/versions", null, customer.toString()).path("id").asInt();
        String resolved = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"s\",\"fields\":[{\"name\":\"a\",\"type\":"
                + address.replace(",\"namespace\":\"s\"", "") + "}]}";
        assertThat(json("GET", "/schemas/ids/" + id, "format=resolved", null).path("schema").asText()).isEqualTo(resolved);
        assertThat(json("GET", "/schemas/ids/" + id, null, null).path("schema").asText()).contains("\"type\":\"Address\"");
        assertThat(call("GET", "/schemas/ids/" + id + "/schema", "format=resolved", null)).isEqualTo(resolved);
        assertThat(json("GET", "/subjects/customer/versions/1", "format=resolved", null).path("schema").asText()).isEqualTo(resolved);
        assertThat(call("GET", "/subjects/customer/versions/latest/schema", "format=resolved", null)).isEqualTo(resolved);
        // An unknown format is the default text, as Confluent (no error).
        assertThat(json("GET", "/schemas/ids/" + id, "format=whatever", null).path("schema").asText())
                .isEqualTo(json("GET", "/schemas/ids/" + id, null, null).path("schema").asText());

        int protoId = json("POST", "/subjects/p-value/versions", null, body("PROTOBUF", PROTO_A)).path("id").asInt();
        JsonNode serialized = json("GET", "/schemas/ids/" + protoId, "format=serialized", null);
        assertThat(serialized.path("schemaType").asText()).isEqualTo("PROTOBUF");
        DescriptorProtos.FileDescriptorProto file = DescriptorProtos.FileDescriptorProto.parseFrom(
                Base64.getDecoder().decode(serialized.path("schema").asText()));
        assertThat(file.getPackage()).isEqualTo("p");
        assertThat(file.getMessageType(0).getFieldList()).extracting(DescriptorProtos.FieldDescriptorProto::getName)
                .containsExactly("b", "a", "k");
        assertThat(json("GET", "/subjects/p-value/versions/latest", "format=serialized", null).path("schema").asText())
                .isEqualTo(serialized.path("schema").asText());
    }

    @Test
    void fetchMaxIdAddsTheHighestId() {
        int first = json("POST", "/subjects/a/versions", null, body("JSON", JSON_A)).path("id").asInt();
        int second = json("POST", "/subjects/b/versions", null, body("AVRO", AVRO_A)).path("id").asInt();
        assertThat(json("GET", "/schemas/ids/" + first, "fetchMaxId=true", null).path("maxId").asInt()).isEqualTo(second);
        assertThat(json("GET", "/schemas/ids/" + first, null, null).has("maxId")).isFalse();
    }

    @Test
    void contextsNumberTheirOwnIdsAndAreListed() {
        assertThat(json("GET", "/contexts", null, null)).isEqualTo(SchemaStore.read("[\".\"]"));
        JsonNode a = json("POST", "/subjects/:.team-a:orders-value/versions", null, body("JSON", JSON_A));
        JsonNode b = json("POST", "/subjects/:.team-b:orders-value/versions", null, body("AVRO", AVRO_A));
        JsonNode plain = json("POST", "/subjects/plain/versions", null, body("PROTOBUF", PROTO_A));
        // As Confluent: every context numbers its schemas from 1.
        assertThat(List.of(a.path("id").asInt(), b.path("id").asInt(), plain.path("id").asInt())).containsExactly(1, 1, 1);
        assertThat(json("GET", "/contexts", null, null)).isEqualTo(SchemaStore.read("[\".\",\".team-a\",\".team-b\"]"));
        assertThat(json("GET", "/contexts", "contextPrefix=.team&limit=1", null)).isEqualTo(SchemaStore.read("[\".team-a\"]"));
        assertThat(json("GET", "/schemas/ids/1", null, null).path("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(json("GET", "/schemas/ids/1", "subject=:.team-a:orders-value", null).path("schemaType").asText())
                .isEqualTo("JSON");
        assertThat(json("GET", "/schemas/ids/1", "subject=:.team-b:", null).path("schema").asText())
                .isEqualTo(b.path("schema").asText());
        // An unqualified subject not using the id in the default context is looked for in each context.
        assertThat(json("GET", "/schemas/ids/1", "subject=orders-value", null).path("schemaType").asText()).isEqualTo("JSON");
        assertThat(json("GET", "/schemas/ids/1/subjects", "subject=:.team-a:", null))
                .isEqualTo(SchemaStore.read("[\":.team-a:orders-value\"]"));
        assertThat(refusal(() -> call("GET", "/schemas/ids/2", "subject=:.team-b:orders-value", null)).code).isEqualTo(40403);
        // The CONTEXT record comes before the context's first schema, as Confluent writes it.
        assertThat(records.get(0).key()).isEqualTo("{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".team-a\","
                + "\"magic\":0}");
        assertThat(records.get(0).value()).isEqualTo("{\"tenant\":\"default\",\"context\":\".team-a\"}");
    }

    @Test
    void theContextsPrefixRoutesSubjectsSchemasConfigAndModeIntoTheContext() {
        call("POST", "/contexts/.team-a/subjects/orders-value/versions", null, body("JSON", JSON_A));
        assertThat(json("GET", "/subjects", null, null)).isEqualTo(SchemaStore.read("[\":.team-a:orders-value\"]"));
        assertThat(json("GET", "/contexts/.team-a/subjects", null, null))
                .isEqualTo(SchemaStore.read("[\":.team-a:orders-value\"]"));
        assertThat(json("GET", "/contexts/team-b/subjects", null, null)).isEqualTo(SchemaStore.read("[]"));
        // The context's config applies to its subjects: an open model may gain a property under NONE only.
        String wider = "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"},\"a\":{\"type\":\"integer\"},"
                + "\"c\":{\"type\":\"string\"}}}";
        assertThat(json("POST", "/contexts/.team-a/compatibility/subjects/orders-value/versions/latest", null,
                body("JSON", wider)).path("is_compatible").asBoolean()).isFalse();
        assertThat(json("PUT", "/contexts/.team-a/config", null, "{\"compatibility\":\"NONE\"}").path("compatibility").asText())
                .isEqualTo("NONE");
        assertThat(json("GET", "/config/:.team-a:", null, null).path("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(json("GET", "/contexts/.team-a/config", null, null).path("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(json("GET", "/config", null, null).path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        JsonNode second = json("POST", "/contexts/.team-a/subjects/orders-value/versions", null, body("JSON", wider));
        assertThat(second.path("id").asInt()).isEqualTo(2);
        assertThat(second.path("version").asInt()).isEqualTo(2);
        assertThat(json("GET", "/contexts/.team-a/subjects/orders-value/versions", null, null))
                .isEqualTo(SchemaStore.read("[1,2]"));
        assertThat(json("GET", "/contexts/.team-a/schemas/ids/2", "fetchMaxId=true", null).path("maxId").asInt()).isEqualTo(2);
        assertThat(json("GET", "/contexts/.team-a/schemas", "latestOnly=true", null).get(0).path("version").asInt())
                .isEqualTo(2);
        assertThat(refusal(() -> call("GET", "/schemas/ids/2", null, null)).code).isEqualTo(40403);
        // Mode under the prefix is the context's mode.
        assertThat(json("PUT", "/contexts/.team-a/mode", null, "{\"mode\":\"READONLY\"}").path("mode").asText())
                .isEqualTo("READONLY");
        assertThat(json("GET", "/mode/:.team-a:", null, null).path("mode").asText()).isEqualTo("READONLY");
        assertThat(refusal(() -> call("POST", "/contexts/.team-a/subjects/other/versions", null, body("JSON", JSON_A))).code)
                .isEqualTo(42205);
        assertThat(json("GET", "/mode", null, null).path("mode").asText()).isEqualTo("READWRITE");
    }

    @Test
    void onlyAnEmptyContextIsDeletedAndThatSurvivesARestart() {
        call("POST", "/subjects/:.keep:k/versions", null, body("AVRO", AVRO_A));
        call("POST", "/subjects/:.drop:d/versions", null, body("AVRO", AVRO_A));
        RegistryError notEmpty = refusal(() -> call("DELETE", "/contexts/.drop", null, null));
        assertThat(List.of(notEmpty.status, notEmpty.code)).containsExactly(422, 42211);
        assertThat(notEmpty.getMessage()).isEqualTo("The specified context ':.drop:' is not empty.");
        call("DELETE", "/subjects/:.drop:d", null, null);
        assertThat(refusal(() -> call("DELETE", "/contexts/.drop", null, null)).code).as("soft-deleted subjects count")
                .isEqualTo(42211);
        call("DELETE", "/subjects/:.drop:d", "permanent=true", null);
        assertThat(call("DELETE", "/contexts/.drop", null, null)).isSameAs(RegistryApi.NO_CONTENT);
        assertThat(records.get(records.size() - 1).key()).contains("\"keytype\":\"CONTEXT\"").contains("\".drop\"");
        assertThat(records.get(records.size() - 1).value()).isNull();
        assertThat(json("GET", "/contexts", null, null)).isEqualTo(SchemaStore.read("[\".\",\".keep\"]"));
        assertThat(refusal(() -> call("DELETE", "/contexts/:.keep:", null, null)).code).isEqualTo(42211);
        assertThat(call("DELETE", "/contexts/.never-used", null, null)).isSameAs(RegistryApi.NO_CONTENT);

        RegistryApi after = restarted();
        assertThat(after.route("GET", "/contexts", RegistryApi.Query.parse(null), null)).isEqualTo(List.of(".", ".keep"));
        JsonNode kept = SchemaStore.JSON.valueToTree(after.route("GET", "/contexts/.keep/schemas/ids/1",
                RegistryApi.Query.parse(null), null));
        assertThat(kept.path("schema").asText()).isEqualTo(json("GET", "/schemas/ids/1", "subject=:.keep:k", null)
                .path("schema").asText());
    }

    @Test
    void unknownRoutesAnswerConfluents404() {
        assertThatThrownBy(() -> call("GET", "/contexts/.x/nothing", null, null)).isInstanceOf(RegistryError.class)
                .hasMessage("HTTP 404 Not Found");
    }
}
