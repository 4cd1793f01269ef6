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
 * empty context) and {@code ?subject=} on ids; session 8: data contracts in Confluent's sorted form, an empty schema
 * for new metadata, {@code confluent:version}, lookups completed from the latest version, Confluent 8's mode refusals
 * and a cancelled check.
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
        assertThat(e.code).isEqualTo(40901);
        assertThat(e.getMessage()).endsWith("details: [The new schema has field that conflicts with the reserved field ssn.,"
                + " {validateFields: 'true', compatibility: 'NONE'}]");

        ObjectNode dropped = (ObjectNode) SchemaStore.read(body("AVRO", v1.replace("\"a\"", "\"b\"")));
        dropped.putObject("metadata").putObject("properties").put("confluent:reserved", "ssn");
        assertThat(refusal(() -> call("POST", "/subjects/r/versions", null, dropped.toString())).getMessage())
                .endsWith("details: [The new schema has reserved field pin removed from its metadata which is present in the"
                        + " old schema's metadata., {validateFields: 'true', compatibility: 'NONE'}]");
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
        // Confluent 8 renders registration and lookup answers with ?format= too.
        JsonNode proto = json("POST", "/subjects/fm/versions", "format=serialized", body("PROTOBUF", PROTO_A));
        String serialized = json("GET", "/schemas/ids/" + proto.path("id").asInt(), "format=serialized", null).path("schema").asText();
        assertThat(serialized).isNotEqualTo(json("GET", "/schemas/ids/" + proto.path("id").asInt(), null, null).path("schema").asText());
        assertThat(proto.path("schema").asText()).isEqualTo(serialized);
        assertThat(json("POST", "/subjects/fm", "format=serialized", body("PROTOBUF", PROTO_A)).path("schema").asText()).isEqualTo(serialized);
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

    static String withMetadata(String body, String metadata) {
        ObjectNode node = (ObjectNode) SchemaStore.read(body);
        node.set("metadata", SchemaStore.read(metadata));
        return node.toString();
    }

    @Test
    void theSameContractInAnotherOrderIsTheSameSchemaServedSortedAsConfluent() {
        String scrambled = "{\"sensitive\":[\"b\",\"a\"],\"properties\":{\"z\":\"1\",\"a\":\"2\"},\"tags\":{\"R.z\":[\"Y\",\"X\"],\"R.a\":[\"B\"]}}";
        String sorted = "{\"tags\":{\"R.a\":[\"B\"],\"R.z\":[\"X\",\"Y\"]},\"properties\":{\"a\":\"2\",\"z\":\"1\"},\"sensitive\":[\"a\",\"b\"]}";
        JsonNode first = json("POST", "/subjects/c/versions", null, withMetadata(body("AVRO", AVRO_A), scrambled));
        assertThat(first.path("metadata").toString()).isEqualTo(sorted);
        JsonNode again = json("POST", "/subjects/c/versions", null, withMetadata(body("AVRO", AVRO_A), sorted));
        assertThat(List.of(again.path("id").asInt(), again.path("version").asInt())).containsExactly(first.path("id").asInt(), 1);
        JsonNode other = json("POST", "/subjects/other/versions", null, withMetadata(body("AVRO", AVRO_A), scrambled));
        assertThat(other.path("id").asInt()).as("one id for one schema and contract").isEqualTo(first.path("id").asInt());
        assertThat(json("GET", "/schemas/ids/" + first.path("id").asInt(), null, null).path("metadata").toString()).isEqualTo(sorted);
        assertThat(restarted().route("GET", "/subjects/c/versions/1", RegistryApi.Query.parse(null), null).toString())
                .contains("\"metadata\":" + sorted);
    }

    @Test
    void contractsReadFromTheSchemasTopicAreTakenInConfluentsForm() {
        // A record as Confluent or an earlier jitmask may have written it: metadata unsorted, a rule without kind/mode.
        store.apply("{\"keytype\":\"SCHEMA\",\"subject\":\"old\",\"version\":1,\"magic\":1}", "{\"subject\":\"old\",\"version\":1,"
                + "\"id\":7,\"metadata\":{\"sensitive\":[\"b\",\"a\"],\"tags\":{\"R.f\":[\"Y\",\"X\"]}},"
                + "\"ruleSet\":{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\"}]},\"schema\":" + SchemaStore.JSON.valueToTree(AVRO_A)
                + ",\"deleted\":false}");
        JsonNode read = json("GET", "/subjects/old/versions/1", null, null);
        assertThat(read.path("metadata").toString()).isEqualTo("{\"tags\":{\"R.f\":[\"X\",\"Y\"]},\"sensitive\":[\"a\",\"b\"]}");
        assertThat(read.path("ruleSet").toString())
                .isEqualTo("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\",\"type\":\"CEL\",\"disabled\":false}]}");
        ObjectNode same = (ObjectNode) SchemaStore.read(body("AVRO", AVRO_A));
        same.set("metadata", SchemaStore.read("{\"tags\":{\"R.f\":[\"X\",\"Y\"]},\"sensitive\":[\"a\",\"b\"]}"));
        same.set("ruleSet", read.path("ruleSet"));
        assertThat(json("POST", "/subjects/old/versions", null, same.toString()).path("version").asInt()).as("the same version").isEqualTo(1);
    }

    @Test
    void anEmptySchemaGivesTheLatestSchemaNewMetadataAsConfluent() {
        JsonNode first = json("POST", "/subjects/e/versions", null, withMetadata(body("JSON", JSON_A), "{\"properties\":{\"owner\":\"a\"}}"));
        JsonNode second = json("POST", "/subjects/e/versions", null, "{\"schema\":\"\",\"metadata\":{\"properties\":{\"owner\":\"b\"}}}");
        assertThat(second.path("version").asInt()).isEqualTo(2);
        assertThat(second.path("id").asInt()).isNotEqualTo(first.path("id").asInt());
        assertThat(second.path("schemaType").asText()).isEqualTo("JSON");
        assertThat(second.path("schema").asText()).isEqualTo(first.path("schema").asText());
        assertThat(second.path("metadata").toString()).isEqualTo("{\"properties\":{\"owner\":\"b\"}}");
        RegistryError none = refusal(() -> call("POST", "/subjects/fresh/versions", null, "{\"metadata\":{\"properties\":{\"o\":\"x\"}}}"));
        assertThat(List.of(none.status, none.code, none.getMessage())).containsExactly(422, 42201, "Empty schema");
        assertThat(refusal(() -> call("POST", "/subjects/e", null, "{\"schema\":\"\"}")).code).isEqualTo(40403);
        assertThat(refusal(() -> call("POST", "/subjects/fresh", null, "{\"schema\":\"\"}")).code).isEqualTo(40401);
    }

    @Test
    void confluentVersionTellsTheVersionASchemaWasRegisteredAs() {
        JsonNode first = json("POST", "/subjects/v/versions", null,
                withMetadata(body("AVRO", AVRO_A), "{\"properties\":{\"confluent:version\":\"7\",\"owner\":\"a\"}}"));
        assertThat(first.path("metadata").toString()).isEqualTo("{\"properties\":{\"confluent:version\":\"1\",\"owner\":\"a\"}}");
        // Sent without it, it names the version holding the rest of the contract.
        String plain = withMetadata(body("AVRO", AVRO_A), "{\"properties\":{\"owner\":\"a\"}}");
        assertThat(json("POST", "/subjects/v", null, plain).path("version").asInt()).isEqualTo(1);
        assertThat(json("POST", "/subjects/v/versions", null, plain).path("version").asInt()).isEqualTo(1);
        // Without metadata the previous one is inherited and its confluent:version moves on: a new version, as Confluent.
        JsonNode second = json("POST", "/subjects/v/versions", null, body("AVRO", AVRO_A));
        assertThat(second.path("version").asInt()).isEqualTo(2);
        assertThat(second.path("metadata").path("properties").path("confluent:version").asText()).isEqualTo("2");
        // A version named in the request must be the next one, and is recorded.
        ObjectNode named = (ObjectNode) SchemaStore.read(body("AVRO", AVRO_A));
        named.put("version", 9);
        RegistryError skipped = refusal(() -> call("POST", "/subjects/v/versions", null, named.toString()));
        assertThat(List.of(skipped.code, skipped.getMessage())).containsExactly(42201, "Version is not one more than previous version");
        named.put("version", 3);
        JsonNode third = json("POST", "/subjects/plain/versions", null, body("AVRO", AVRO_A));
        assertThat(third.has("metadata")).isFalse();
        assertThat(json("POST", "/subjects/v/versions", null, named.toString()).path("metadata").path("properties")
                .path("confluent:version").asText()).isEqualTo("3");
    }

    @Test
    void lookupCompletesTheContractFromTheLatestVersionAsConfluent() {
        call("POST", "/subjects/l/versions", null, withMetadata(body("AVRO", AVRO_A), "{\"properties\":{\"owner\":\"a\"}}"));
        call("PUT", "/config/l", null, "{\"compatibility\":\"NONE\"}");
        String other = "{\"type\":\"record\",\"name\":\"S\",\"fields\":[]}";
        call("POST", "/subjects/l/versions", null, withMetadata(body("AVRO", other), "{\"properties\":{\"owner\":\"b\"}}"));
        assertThat(json("POST", "/subjects/l", null, body("AVRO", other)).path("version").asInt()).isEqualTo(2);
        assertThat(refusal(() -> call("POST", "/subjects/l", null, body("AVRO", AVRO_A))).code)
                .as("completed with the latest's metadata, version 1 does not match").isEqualTo(40403);
        assertThat(json("POST", "/subjects/l", null, withMetadata(body("AVRO", AVRO_A), "{\"properties\":{\"owner\":\"a\"}}"))
                .path("version").asInt()).isEqualTo(1);
    }

    @Test
    void modesRefuseAsConfluent8() {
        call("POST", "/subjects/m/versions", null, body("AVRO", AVRO_A));
        call("PUT", "/mode/m", null, "{\"mode\":\"READONLY_OVERRIDE\"}");
        for (String[] write : new String[][] {{"POST", "/subjects/m/versions", body("AVRO", AVRO_A)}, {"DELETE", "/subjects/m", null},
            {"DELETE", "/subjects/m/versions/1", null}, {"PUT", "/config/m", "{\"compatibility\":\"NONE\"}"}}) {
            RegistryError e = refusal(() -> call(write[0], write[1], null, write[2]));
            assertThat(List.of(e.status, e.code, e.getMessage())).as(write[0] + " " + write[1])
                    .containsExactly(422, 42205, "Subject m in context  is in read-only mode");
        }
        call("PUT", "/mode/:.c:m", null, "{\"mode\":\"READONLY\"}");
        assertThat(refusal(() -> call("POST", "/subjects/:.c:m/versions", null, body("AVRO", AVRO_A))).getMessage())
                .isEqualTo("Subject :.c:m in context :.c: is in read-only mode");
        call("PUT", "/mode/m", null, "{\"mode\":\"READWRITE\"}");
        int id = json("GET", "/subjects/m/versions/1", null, null).path("id").asInt();
        ObjectNode withId = (ObjectNode) SchemaStore.read(body("AVRO", AVRO_A));
        withId.put("id", id);
        assertThat(json("POST", "/subjects/m/versions", null, withId.toString()).path("version").asInt())
                .as("its own id: the existing version").isEqualTo(1);
        withId.put("id", id + 100);
        assertThat(refusal(() -> call("POST", "/subjects/m/versions", null, withId.toString())).getMessage())
                .isEqualTo("Subject m in context  is not in import mode");
        call("PUT", "/mode/i", null, "{\"mode\":\"IMPORT\"}");
        assertThat(refusal(() -> call("POST", "/subjects/i/versions", null, body("JSON", JSON_A))).getMessage())
                .isEqualTo("Subject i in context  is not in read-write mode");
        ObjectNode taken = (ObjectNode) SchemaStore.read(body("JSON", JSON_A));
        taken.put("id", id).put("version", 1);
        RegistryError overwrite = refusal(() -> call("POST", "/subjects/i/versions", null, taken.toString()));
        assertThat(List.of(overwrite.code, overwrite.getMessage()))
                .containsExactly(42205, "Overwrite new schema with id " + id + " in context  is not permitted.");
    }

    @Test
    void referencesGuardDeletesAsConfluentSoftDeletedReferrersCountForPermanentOnes() {
        call("POST", "/subjects/address/versions", null, body("JSON", "{\"type\":\"string\"}"));
        ObjectNode customer = (ObjectNode) SchemaStore.read(body("JSON", "{\"$ref\":\"address.json\"}"));
        customer.putArray("references").addObject().put("name", "address.json").put("subject", "address").put("version", 1);
        int id = json("POST", "/subjects/customer/versions", null, customer.toString()).path("id").asInt();
        assertThat(json("GET", "/subjects/address/versions/1/referencedby", null, null)).isEqualTo(SchemaStore.read("[" + id + "]"));
        assertThat(refusal(() -> call("DELETE", "/subjects/address", null, null)).code).isEqualTo(42206);
        call("DELETE", "/subjects/customer", null, null);
        assertThat(json("GET", "/subjects/address/versions/latest/referencedby", null, null)).isEqualTo(SchemaStore.read("[]"));
        assertThat(json("GET", "/subjects/address/versions/1/referencedby", "deleted=true", null))
                .isEqualTo(SchemaStore.read("[" + id + "]"));
        assertThat(call("DELETE", "/subjects/address/versions/1", null, null)).as("no live referrer: soft delete").isEqualTo(1);
        RegistryError kept = refusal(() -> call("DELETE", "/subjects/address/versions/1", "permanent=true", null));
        assertThat(List.of(kept.code, kept.getMessage())).containsExactly(42206,
                "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=address,version=1}.");
        call("DELETE", "/subjects/customer", "permanent=true", null);
        assertThat(call("DELETE", "/subjects/address/versions/1", "permanent=true", null)).isEqualTo(1);
    }

    @Test
    void listingsPageAndFilterAsConfluent8() {
        call("PUT", "/config", null, "{\"compatibility\":\"NONE\"}");
        for (String name : List.of("pa", "pb", "pc")) {
            call("POST", "/subjects/" + name + "/versions", null, body("JSON", "{\"type\":\"string\"}"));
        }
        call("POST", "/subjects/pa/versions", null, body("JSON", "{\"type\":\"integer\"}"));
        ObjectNode ruled = (ObjectNode) SchemaStore.read(body("JSON", "{\"type\":\"number\"}"));
        ruled.set("ruleSet", SchemaStore.read("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":\"CEL\"}]}"));
        call("POST", "/subjects/pa/versions", null, ruled.toString());
        call("DELETE", "/subjects/pa/versions/1", null, null);
        assertThat(json("GET", "/subjects", "offset=1&limit=1", null)).isEqualTo(SchemaStore.read("[\"pb\"]"));
        assertThat(json("GET", "/subjects/pa/versions", "deletedAsNegative=true", null)).isEqualTo(SchemaStore.read("[-1,2,3]"));
        assertThat(json("GET", "/subjects/pa/versions", "deleted=true&offset=1&limit=1", null)).isEqualTo(SchemaStore.read("[2]"));
        JsonNode withRules = json("GET", "/schemas", "ruleType=CEL", null);
        assertThat(withRules.size()).isEqualTo(1);
        assertThat(withRules.get(0).path("version").asInt()).isEqualTo(3);
        assertThat(json("GET", "/schemas", "ruleType=JSONATA", null)).isEmpty();
        int shared = json("GET", "/subjects/pb/versions/1", null, null).path("id").asInt();
        assertThat(json("GET", "/schemas/ids/" + shared + "/subjects", "deleted=true&offset=1&limit=1", null))
                .isEqualTo(SchemaStore.read("[\"pb\"]"));
        assertThat(json("GET", "/schemas/ids/" + shared + "/versions", "limit=1", null))
                .isEqualTo(SchemaStore.read("[{\"subject\":\"pb\",\"version\":1}]"));
    }

    @Test
    void theConfigInScopeIsTheFirstThatExistsWholeAsConfluent8() {
        assertThat(json("PUT", "/config", null, "{\"compatibility\":\"NONE\",\"normalize\":true}"))
                .isEqualTo(SchemaStore.read("{\"compatibility\":\"NONE\",\"normalize\":true}"));
        // A subject config of its own is the config in scope whole: the global level and normalize do not reach it.
        assertThat(json("PUT", "/config/own", null, "{\"validateFields\":true,\"alias\":\"x\"}"))
                .as("the whole stored config is answered").isEqualTo(SchemaStore.read("{\"alias\":\"x\",\"validateFields\":true}"));
        assertThat(json("GET", "/config/own", null, null)).as("the server's default level filled in")
                .isEqualTo(SchemaStore.read("{\"alias\":\"x\",\"validateFields\":true,\"compatibilityLevel\":\"BACKWARD\"}"));
        call("POST", "/subjects/own/versions", null, body("AVRO", AVRO_A));
        String incompatible = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{\"name\":\"g\",\"type\":\"int\"}]}";
        assertThat(refusal(() -> call("POST", "/subjects/own/versions", null, body("AVRO", incompatible))).code)
                .as("BACKWARD, not the global NONE").isEqualTo(40901);
        String normalized = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}],"
                + "\"a\":2,\"b\":1}";
        assertThat(json("GET", "/subjects/own/versions/1", null, null).path("schema").asText()).as("own config: not normalised")
                .isEqualTo(normalized.replace("\"a\":2,\"b\":1", "\"b\":1,\"a\":2"));
        assertThat(json("POST", "/subjects/other/versions", null, body("AVRO", AVRO_B)).path("schema").asText())
                .as("the global config (normalize) for a subject without one").isEqualTo(normalized);
        assertThat(json("GET", "/config/none", "defaultToGlobal=true", null))
                .isEqualTo(SchemaStore.read("{\"compatibilityLevel\":\"NONE\",\"normalize\":true}"));
        // null clears a field, as Confluent's Optional fields.
        assertThat(json("PUT", "/config/own", null, "{\"alias\":null,\"validateNewSchemas\":false,\"aliasForDeks\":\"d\"}"))
                .isEqualTo(SchemaStore.read("{\"validateFields\":true,\"validateNewSchemas\":false,\"aliasForDeks\":\"d\"}"));
        assertThat(json("DELETE", "/config/own", null, null)).isEqualTo(SchemaStore.read(
                "{\"validateFields\":true,\"validateNewSchemas\":false,\"aliasForDeks\":\"d\",\"compatibilityLevel\":\"BACKWARD\"}"));
    }

    @Test
    void guidsAreServedAndFoundAsConfluent8() {
        JsonNode registered = json("POST", "/subjects/g/versions", null, body("AVRO", SchemaGuidTest.AVRO.replace(
                "\"io.confluent.kafka.example.User\"", "\"string\"").replace("\"io.confluent.kafka.example.Address\"", "\"string\"")));
        String guid = registered.path("guid").asText();
        assertThat(guid).isEqualTo(SchemaGuid.of(registered.path("schema").asText(), List.of(), null, null));
        int id = registered.path("id").asInt();
        assertThat(json("GET", "/schemas/ids/" + id, null, null).path("guid").asText()).isEqualTo(guid);
        assertThat(json("GET", "/subjects/g/versions/1", null, null).path("guid").asText()).isEqualTo(guid);
        assertThat(json("POST", "/subjects/g", null, body("AVRO", registered.path("schema").asText())).path("guid").asText())
                .isEqualTo(guid);
        JsonNode byGuid = json("GET", "/schemas/guids/" + guid, null, null);
        assertThat(List.of(byGuid.path("schema").asText(), byGuid.path("guid").asText()))
                .containsExactly(registered.path("schema").asText(), guid);
        call("POST", "/subjects/:.c:g/versions", null, body("AVRO", registered.path("schema").asText()));
        assertThat(json("GET", "/schemas/guids/" + guid + "/ids", null, null))
                .isEqualTo(SchemaStore.read("[{\"context\":\".\",\"id\":" + id + "},{\"context\":\".c\",\"id\":1}]"));
        RegistryError unknown = refusal(() -> call("GET", "/schemas/guids/00000000-0000-0000-0000-000000000000", null, null));
        assertThat(List.of(unknown.code, unknown.getMessage()))
                .containsExactly(40403, "Schema 00000000-0000-0000-0000-000000000000 not found");
    }

    @Test
    void anInterruptedCheckIsCancelledNotAnInvalidSchema() {
        call("POST", "/subjects/j/versions", null, body("JSON", JSON_A));
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> call("POST", "/compatibility/subjects/j/versions/latest", null, body("JSON", JSON_B)))
                .isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(Thread.currentThread().isInterrupted()).as("the flag is cleared, as Confluent's").isFalse();
        RegistryError answer = RegistryError.of(new java.util.concurrent.CancellationException("x"));
        assertThat(List.of(answer.status, answer.code, answer.getMessage())).containsExactly(504, 504, "Request timed out");
        RegistryError other = RegistryError.of(new IllegalStateException("x"));
        assertThat(List.of(other.status, other.code)).containsExactly(500, 50001);
    }

    @Test
    void unknownRoutesAnswerConfluents404() {
        assertThatThrownBy(() -> call("GET", "/contexts/.x/nothing", null, null)).isInstanceOf(RegistryError.class)
                .hasMessage("HTTP 404 Not Found");
    }
}
