package io.jitmask.registry;

import static io.jitmask.registry.OwnRegistry.JSON;
import static io.jitmask.registry.OwnRegistry.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.registry.OwnRegistry.Answer;
import io.jitmask.registry.server.EmbeddedSchemaRegistry;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import io.jitmask.stream.MaskedSchemaIds;
import io.jitmask.testing.SharedKafka;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry surface today's Confluent clients use, per endpoint and schema type: data contracts (metadata,
 * rule sets, config defaults and overrides, compatibility groups), JSON Schema and Protobuf with references,
 * listings with their filters, modes, contexts, Confluent's error codes, and all of it again after a restart
 * from {@code _schemas}.
 */
class RegistryParityIT {
    @RegisterExtension
    static final OwnRegistry REGISTRY = new OwnRegistry("_schemas_parity_");
    static final String AVRO_V1 = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"email\",\"type\":\"string\",\"confluent:tags\":[\"PII\"]}]}";
    static final String ADDRESS_PROTO = "syntax = \"proto3\";\n\npackage shop.common;\n\nmessage Address {\n  string city = 1;\n}\n";
    static final String CUSTOMER_PROTO = "syntax = \"proto3\";\n\npackage shop;\n\nimport \"common/address.proto\";\n\n"
            + "message Customer {\n  string email = 1;\n  shop.common.Address address = 2;\n}\n";
    static final String ADDRESS_JSON = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
    static final String CUSTOMER_JSON = "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"},"
            + "\"address\":{\"$ref\":\"address.json\"}},\"additionalProperties\":false}";
    static final String METADATA = "{\"properties\":{\"owner\":\"crm-team\",\"dataset\":\"customers\"},"
            + "\"tags\":{\"shop.Customer.email\":[\"PII\"]},\"sensitive\":[\"owner\"]}";
    static final String RULE_SET = "{\"domainRules\":[{\"name\":\"checkEmail\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\","
            + "\"type\":\"CEL\",\"expr\":\"message.email != ''\",\"disabled\":false}]}";

    static Answer call(String method, String path, String body) throws Exception {
        return REGISTRY.call(method, path, body);
    }

    static String subject(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ObjectNode body(String type, String schema) {
        ObjectNode body = JSON.createObjectNode();
        if (type != null) {
            body.put("schemaType", type);
        }
        return body.put("schema", schema);
    }

    static ObjectNode withReference(ObjectNode body, String name, String subject, int version) {
        body.putArray("references").addObject().put("name", name).put("subject", subject).put("version", version);
        return body;
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void metadataAndRuleSetAreStoredServedAndMakeNewVersions() throws Exception {
        String subject = subject("contracts-value");
        ObjectNode request = body(null, AVRO_V1);
        request.set("metadata", json(METADATA));
        request.set("ruleSet", json(RULE_SET));
        Answer registered = call("POST", "/subjects/" + subject + "/versions", request.toString());
        assertThat(registered.status()).isEqualTo(200);
        int id = registered.body().path("id").asInt();
        assertThat(registered.body().path("version").asInt()).isEqualTo(1);
        assertThat(registered.body().path("schemaType").asText()).isEqualTo("AVRO");
        assertThat(registered.body().path("schema").asText()).isEqualTo(AVRO_V1);
        assertThat(registered.body().path("metadata")).isEqualTo(json(METADATA));
        assertThat(registered.body().path("ruleSet")).isEqualTo(json(RULE_SET));

        for (String path : new String[] {"/schemas/ids/" + id, "/subjects/" + subject + "/versions/1",
            "/subjects/" + subject + "/versions/latest", "/subjects/" + subject + "/metadata?key=owner&value=crm-team"}) {
            Answer read = call("GET", path, null);
            assertThat(read.status()).as(path).isEqualTo(200);
            assertThat(read.body().path("metadata")).as(path).isEqualTo(json(METADATA));
            assertThat(read.body().path("ruleSet")).as(path).isEqualTo(json(RULE_SET));
            assertThat(read.body().has("schemaType")).as("AVRO is implied, as Confluent serves it").isFalse();
        }
        assertError(call("GET", "/subjects/" + subject + "/metadata?key=owner&value=someone-else", null), 404, 40403);

        // Same text, other metadata: a new version with a new id (Confluent 7.4+).
        ObjectNode changed = body(null, AVRO_V1);
        changed.set("metadata", json("{\"properties\":{\"owner\":\"billing-team\"}}"));
        Answer second = call("POST", "/subjects/" + subject + "/versions", changed.toString());
        assertThat(second.body().path("version").asInt()).isEqualTo(2);
        assertThat(second.body().path("id").asInt()).isNotEqualTo(id);
        assertThat(second.body().path("ruleSet")).as("a request without rules keeps the previous version's").isEqualTo(json(RULE_SET));
        // Without metadata, the same text is the latest version again (it inherits the previous metadata).
        Answer again = call("POST", "/subjects/" + subject + "/versions", body(null, AVRO_V1).toString());
        assertThat(again.body().path("version").asInt()).isEqualTo(2);
        assertThat(call("GET", "/subjects/" + subject + "/metadata?key=owner&value=crm-team", null).body().path("version").asInt())
                .isEqualTo(1);
        // Lookup with metadata matches that version exactly.
        ObjectNode lookup = body(null, AVRO_V1);
        lookup.set("metadata", json(METADATA));
        lookup.set("ruleSet", json(RULE_SET));
        assertThat(call("POST", "/subjects/" + subject, lookup.toString()).body().path("version").asInt()).isEqualTo(1);

        ObjectNode badRules = body(null, AVRO_V1);
        badRules.set("ruleSet", json("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\"}]}"));
        assertError(call("POST", "/subjects/" + subject + "/versions", badRules.toString()), 422, 42210);
        assertThat(call("POST", "/subjects/" + subject + "/versions", badRules.toString()).body().path("message").asText())
                .isEqualTo("Missing rule type");
        // Kind and mode default as Confluent's Rule (TRANSFORM, WRITEREAD); tags and params sorted; disabled written.
        ObjectNode defaults = body(null, AVRO_V1);
        defaults.set("ruleSet", json("{\"domainRules\":[{\"type\":\"ENCRYPT\",\"name\":\"enc\",\"tags\":[\"PII\",\"EMAIL\"],"
                + "\"params\":{\"b\":\"2\",\"a\":\"1\"},\"unknown\":1}]}"));
        assertThat(call("POST", "/subjects/" + subject + "/versions", defaults.toString()).body().path("ruleSet").toString())
                .isEqualTo("{\"domainRules\":[{\"name\":\"enc\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\",\"type\":\"ENCRYPT\","
                        + "\"tags\":[\"EMAIL\",\"PII\"],\"params\":{\"a\":\"1\",\"b\":\"2\"},\"disabled\":false}]}");
    }

    @Test
    void configKeepsEveryFieldAndAppliesDefaultAndOverrideContracts() throws Exception {
        String subject = subject("config-value");
        String update = "{\"compatibility\":\"FULL\",\"normalize\":true,\"validateFields\":true,\"compatibilityGroup\":\"major\","
                + "\"defaultMetadata\":{\"properties\":{\"owner\":\"default-team\",\"major\":\"1\"}},"
                + "\"overrideMetadata\":{\"properties\":{\"classification\":\"confidential\"}},"
                + "\"defaultRuleSet\":" + RULE_SET + ","
                + "\"overrideRuleSet\":{\"domainRules\":[{\"name\":\"encrypt\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
                + "\"type\":\"ENCRYPT\",\"tags\":[\"PII\"],\"disabled\":false}]}}";
        Answer put = call("PUT", "/config/" + subject, update);
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body()).isEqualTo(json(update));
        JsonNode config = call("GET", "/config/" + subject, null).body();
        assertThat(config.path("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(config.path("normalize").asBoolean()).isTrue();
        assertThat(config.path("validateFields").asBoolean()).isTrue();
        assertThat(config.path("compatibilityGroup").asText()).isEqualTo("major");
        assertThat(config.path("defaultMetadata")).isEqualTo(json(update).path("defaultMetadata"));
        assertThat(config.path("overrideRuleSet")).isEqualTo(json(update).path("overrideRuleSet"));
        // A partial update keeps the other fields.
        call("PUT", "/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
        assertThat(call("GET", "/config/" + subject, null).body().path("normalize").asBoolean()).isTrue();

        ObjectNode request = body(null, AVRO_V1);
        request.set("metadata", json("{\"properties\":{\"owner\":\"crm-team\"}}"));
        JsonNode registered = call("POST", "/subjects/" + subject + "/versions", request.toString()).body();
        assertThat(registered.path("metadata")).isEqualTo(json(
                "{\"properties\":{\"owner\":\"crm-team\",\"major\":\"1\",\"classification\":\"confidential\"}}"));
        assertThat(registered.path("ruleSet").path("domainRules")).extracting(JsonNode::toString).asString()
                .contains("checkEmail").contains("encrypt");

        // compatibilityGroup: an incompatible schema is accepted when it starts a new group.
        String incompatible = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                + "{\"name\":\"phone\",\"type\":\"long\"}]}";
        assertError(call("POST", "/subjects/" + subject + "/versions", body(null, incompatible).toString()), 409, 40901);
        ObjectNode nextMajor = body(null, incompatible);
        nextMajor.set("metadata", json("{\"properties\":{\"major\":\"2\"}}"));
        assertThat(call("POST", "/subjects/" + subject + "/versions", nextMajor.toString()).body().path("version").asInt())
                .isEqualTo(2);

        assertError(call("PUT", "/config/" + subject, "{\"defaultRuleSet\":{\"migrationRules\":[{\"name\":\"m\","
                + "\"kind\":\"TRANSFORM\",\"mode\":\"WRITE\",\"type\":\"JSONATA\"}]}}"), 422, 42210);
    }

    @Test
    void protobufWithReferencesIsParsedCheckedAndServed() throws Exception {
        String address = subject("address-proto");
        String customer = subject("customer-proto-value");
        Answer a = call("POST", "/subjects/" + address + "/versions", body("PROTOBUF", ADDRESS_PROTO).toString());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().path("schemaType").asText()).isEqualTo("PROTOBUF");
        ObjectNode request = withReference(body("PROTOBUF", CUSTOMER_PROTO), "common/address.proto", address, 1);
        Answer c = call("POST", "/subjects/" + customer + "/versions", request.toString());
        assertThat(c.status()).as(c.body().toString()).isEqualTo(200);
        int id = c.body().path("id").asInt();
        // The canonical form is Confluent's print of the .proto (no blank line after syntax, one after the imports).
        assertThat(c.body().path("schema").asText()).isEqualTo("syntax = \"proto3\";\npackage shop;\n\n"
                + "import \"common/address.proto\";\n\nmessage Customer {\n  string email = 1;\n  shop.common.Address address = 2;\n}\n");

        JsonNode byId = call("GET", "/schemas/ids/" + id, null).body();
        assertThat(byId.path("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(byId.path("references")).isEqualTo(json("[{\"name\":\"common/address.proto\",\"subject\":\"" + address
                + "\",\"version\":1}]"));
        assertThat(call("GET", "/subjects/" + address + "/versions/1/referencedby", null).body())
                .isEqualTo(json("[" + id + "]"));
        assertThat(call("GET", "/schemas/ids/" + id + "/subjects", null).body()).isEqualTo(json("[\"" + customer + "\"]"));
        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).body())
                .isEqualTo(json("[{\"subject\":\"" + customer + "\",\"version\":1}]"));
        // Other whitespace and comments: the same schema by its canonical form.
        ObjectNode spaced = withReference(body("PROTOBUF", "// customer\n" + CUSTOMER_PROTO.replace("\n\n", "\n")),
                "common/address.proto", address, 1);
        assertThat(call("POST", "/subjects/" + customer, spaced.toString()).body().path("id").asInt()).isEqualTo(id);

        // Renumbering a field's type is incompatible; adding a field is not.
        String changedType = CUSTOMER_PROTO.replace("string email = 1;", "int64 email = 1;");
        JsonNode verdict = call("POST", "/compatibility/subjects/" + customer + "/versions/latest?verbose=true",
                withReference(body("PROTOBUF", changedType), "common/address.proto", address, 1).toString()).body();
        assertThat(verdict).isEqualTo(json("{\"is_compatible\":false,\"messages\":[\"{errorType:\\\"FIELD_SCALAR_KIND_CHANGED\\\","
                + " description:\\\"The kind of a SCALAR field at path '#/Customer/1' in the new schema does not match its"
                + " kind in the old schema\\\"}\",\"{oldSchemaVersion: 1}\",\"{validateFields: 'false', compatibility: 'BACKWARD'}\"]}"));
        String added = CUSTOMER_PROTO.replace("}\n", "  string phone = 3;\n}\n");
        Answer evolved = call("POST", "/subjects/" + customer + "/versions",
                withReference(body("PROTOBUF", added), "common/address.proto", address, 1).toString());
        assertThat(evolved.body().path("version").asInt()).isEqualTo(2);

        assertError(call("DELETE", "/subjects/" + address + "/versions/1", null), 422, 42206);
        assertError(call("POST", "/subjects/" + customer + "/versions", body("PROTOBUF", CUSTOMER_PROTO).toString()), 422, 42201);
        assertThat(call("POST", "/subjects/" + customer + "/versions", body("PROTOBUF", CUSTOMER_PROTO).toString())
                .body().path("message").asText())
                .isEqualTo("Invalid schema: import \"common/address.proto\" is neither a reference nor a built-in");
        assertError(call("POST", "/subjects/" + customer + "/versions",
                withReference(body("PROTOBUF", CUSTOMER_PROTO), "common/address.proto", "no-such-subject", 1).toString()), 422, 42201);
        assertError(call("POST", "/subjects/" + customer + "/versions", body("PROTOBUF", "message {").toString()), 422, 42201);
    }

    @Test
    void jsonSchemaWithReferencesIsParsedCheckedAndServed() throws Exception {
        String address = subject("address-json");
        String customer = subject("customer-json-value");
        assertThat(call("POST", "/subjects/" + address + "/versions", body("JSON", ADDRESS_JSON).toString()).status()).isEqualTo(200);
        Answer c = call("POST", "/subjects/" + customer + "/versions",
                withReference(body("JSON", CUSTOMER_JSON), "address.json", address, 1).toString());
        assertThat(c.status()).as(c.body().toString()).isEqualTo(200);
        int id = c.body().path("id").asInt();
        assertThat(c.body().path("schemaType").asText()).isEqualTo("JSON");
        JsonNode latest = call("GET", "/subjects/" + customer + "/versions/latest", null).body();
        assertThat(latest.path("schemaType").asText()).isEqualTo("JSON");
        assertThat(latest.path("schema").asText()).isEqualTo(CUSTOMER_JSON);
        assertThat(latest.path("references").size()).isEqualTo(1);
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(CUSTOMER_JSON));
        assertThat(call("POST", "/subjects/" + customer, withReference(body("JSON", pretty), "address.json", address, 1).toString())
                .body().path("id").asInt()).as("canonical form").isEqualTo(id);

        // Closed content model: adding an optional property is compatible, removing one is not.
        String withPhone = CUSTOMER_JSON.replace("\"address\":", "\"phone\":{\"type\":\"string\"},\"address\":");
        assertThat(call("POST", "/compatibility/subjects/" + customer + "/versions/latest",
                withReference(body("JSON", withPhone), "address.json", address, 1).toString()).body().path("is_compatible").asBoolean())
                .isTrue();
        String withoutEmail = CUSTOMER_JSON.replace("\"email\":{\"type\":\"string\"},", "");
        JsonNode verdict = call("POST", "/compatibility/subjects/" + customer + "/versions/latest?verbose=true",
                withReference(body("JSON", withoutEmail), "address.json", address, 1).toString()).body();
        assertThat(verdict).isEqualTo(json("{\"is_compatible\":false,\"messages\":[\"{errorType:\\\"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL\\\","
                + " description:\\\"The new has a closed content model and is missing a property or item present at path"
                + " '#/properties/email' in the old schema'}\",\"{oldSchemaVersion: 1}\",\"{validateFields: 'false', compatibility: 'BACKWARD'}\"]}"));
        assertError(call("POST", "/subjects/" + customer + "/versions", body("JSON", "{\"type\":\"strnig\"}").toString()), 422, 42201);
        assertError(call("POST", "/subjects/" + customer + "/versions", body("XML", "<a/>").toString()), 422, 42201);
    }

    @Test
    void avroWithReferencesIsParsedCheckedAndServed() throws Exception {
        String address = subject("address-avro");
        String customer = subject("customer-avro-value");
        String addressSchema = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"shop\",\"fields\":["
                + "{\"name\":\"city\",\"type\":\"string\"}]}";
        String customerSchema = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                + "{\"name\":\"address\",\"type\":\"Address\"}]}";
        call("POST", "/subjects/" + address + "/versions", body(null, addressSchema).toString());
        Answer c = call("POST", "/subjects/" + customer + "/versions",
                withReference(body("AVRO", customerSchema), "shop.Address", address, 1).toString());
        assertThat(c.status()).as(c.body().toString()).isEqualTo(200);
        int id = c.body().path("id").asInt();
        assertThat(c.body().path("schema").asText()).as("the referenced type by name, not inlined").isEqualTo(customerSchema);
        assertThat(call("GET", "/schemas/ids/" + id, null).body().path("references"))
                .isEqualTo(json("[{\"name\":\"shop.Address\",\"subject\":\"" + address + "\",\"version\":1}]"));
        assertThat(call("GET", "/subjects/" + address + "/versions/latest/referencedby", null).body()).isEqualTo(json("[" + id + "]"));
        assertThat(call("POST", "/subjects/" + customer, withReference(body(null, customerSchema), "shop.Address", address, 1).toString())
                .body().path("id").asInt()).isEqualTo(id);
        assertError(call("POST", "/subjects/" + customer + "/versions", body(null, customerSchema).toString()), 422, 42201);
        assertError(call("DELETE", "/subjects/" + address, null), 422, 42206);
    }

    @Test
    void listingsFilterByPrefixDeletedAndLatest() throws Exception {
        String prefix = "list-" + UUID.randomUUID().toString().substring(0, 8);
        String kept = prefix + "-kept";
        String gone = prefix + "-gone";
        call("POST", "/subjects/" + kept + "/versions", body("JSON", "{\"type\":\"string\"}").toString());
        call("POST", "/subjects/" + kept + "/versions", body("JSON", "{\"type\":[\"string\",\"null\"]}").toString());
        call("POST", "/subjects/" + gone + "/versions", body("JSON", "{\"type\":\"integer\"}").toString());
        call("DELETE", "/subjects/" + gone, null);
        assertThat(call("GET", "/subjects?subjectPrefix=" + prefix, null).body()).isEqualTo(json("[\"" + kept + "\"]"));
        assertThat(call("GET", "/subjects?subjectPrefix=" + prefix + "&deleted=true", null).body())
                .isEqualTo(json("[\"" + gone + "\",\"" + kept + "\"]"));
        assertThat(call("GET", "/subjects?subjectPrefix=" + prefix + "&deletedOnly=true", null).body())
                .isEqualTo(json("[\"" + gone + "\"]"));
        call("DELETE", "/subjects/" + kept + "/versions/1", null);
        assertThat(call("GET", "/subjects/" + kept + "/versions?deletedOnly=true", null).body()).isEqualTo(json("[1]"));
        assertThat(call("GET", "/subjects/" + kept + "/versions?deleted=true", null).body()).isEqualTo(json("[1,2]"));
        JsonNode schemas = call("GET", "/schemas?subjectPrefix=" + prefix, null).body();
        assertThat(schemas.size()).isEqualTo(1);
        assertThat(schemas.get(0).path("subject").asText()).isEqualTo(kept);
        assertThat(schemas.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(schemas.get(0).path("schemaType").asText()).isEqualTo("JSON");
        assertThat(call("GET", "/schemas?subjectPrefix=" + prefix + "&deleted=true", null).body().size()).isEqualTo(3);
        assertThat(call("GET", "/schemas?subjectPrefix=" + prefix + "&deleted=true&latestOnly=true", null).body().size()).isEqualTo(2);
        assertThat(call("GET", "/schemas?subjectPrefix=" + prefix + "&deleted=true&offset=1&limit=1", null).body().size()).isEqualTo(1);
        assertThat(call("GET", "/contexts", null).body()).isEqualTo(json("[\".\"]"));
        assertThat(call("GET", "/schemas/types", null).body()).isEqualTo(json("[\"JSON\",\"PROTOBUF\",\"AVRO\"]"));
    }

    @Test
    void modesPerSubjectGuardWritesAndImportKeepsIds() throws Exception {
        String subject = subject("mode-value");
        assertError(call("GET", "/mode/" + subject, null), 404, 40409);
        assertThat(call("GET", "/mode/" + subject + "?defaultToGlobal=true", null).body()).isEqualTo(json("{\"mode\":\"READWRITE\"}"));
        assertThat(call("PUT", "/mode/" + subject, "{\"mode\":\"READONLY\"}").body()).isEqualTo(json("{\"mode\":\"READONLY\"}"));
        assertThat(call("GET", "/mode/" + subject, null).body()).isEqualTo(json("{\"mode\":\"READONLY\"}"));
        assertError(call("POST", "/subjects/" + subject + "/versions", body(null, AVRO_V1).toString()), 422, 42205);
        assertError(call("PUT", "/mode/" + subject, "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);
        assertThat(call("PUT", "/mode/" + subject, "{\"mode\":\"IMPORT\"}").body()).isEqualTo(json("{\"mode\":\"IMPORT\"}"));
        ObjectNode imported = body(null, AVRO_V1.replace("Customer", "Imported"));
        imported.put("id", 900001).put("version", 7);
        Answer answer = call("POST", "/subjects/" + subject + "/versions", imported.toString());
        assertThat(answer.body().path("id").asInt()).as(answer.body().toString()).isEqualTo(900001);
        assertThat(answer.body().path("version").asInt()).isEqualTo(7);
        assertThat(call("DELETE", "/mode/" + subject, null).body()).isEqualTo(json("{\"mode\":\"IMPORT\"}"));
        assertError(call("GET", "/mode/" + subject, null), 404, 40409);
        assertError(call("POST", "/subjects/%01bad/versions", body(null, AVRO_V1).toString()), 422, 42208);
    }

    @Test
    void everythingSurvivesARestartFromTheSchemasTopic() throws Exception {
        String address = subject("restart-address");
        String customer = subject("restart-customer-value");
        call("POST", "/subjects/" + address + "/versions", body("PROTOBUF", ADDRESS_PROTO).toString());
        ObjectNode request = withReference(body("PROTOBUF", CUSTOMER_PROTO), "common/address.proto", address, 1);
        request.set("metadata", json(METADATA));
        request.set("ruleSet", json(RULE_SET));
        int id = call("POST", "/subjects/" + customer + "/versions", request.toString()).body().path("id").asInt();
        call("PUT", "/config/" + customer, "{\"compatibility\":\"FULL_TRANSITIVE\",\"normalize\":true,"
                + "\"defaultMetadata\":{\"properties\":{\"owner\":\"x\"}}}");
        call("PUT", "/mode/" + address, "{\"mode\":\"READONLY\"}");
        JsonNode before = call("GET", "/subjects/" + customer + "/versions/1", null).body();
        JsonNode configBefore = call("GET", "/config/" + customer, null).body();
        // An Avro subject with two versions and a config of its own.
        String avro = subject("restart-avro-value");
        int avroId = call("POST", "/subjects/" + avro + "/versions", body(null, EmbeddedSchemaRegistryIT.V1).toString())
                .body().path("id").asInt();
        call("POST", "/subjects/" + avro + "/versions", body(null, EmbeddedSchemaRegistryIT.V2_COMPATIBLE).toString());
        call("PUT", "/config/" + avro, "{\"compatibility\":\"FULL\"}");

        try (EmbeddedSchemaRegistry restarted = REGISTRY.startAnother()) {
            Answer after = OwnRegistry.call(restarted, "application/json", "GET",
                    "/subjects/" + customer + "/versions/1", null);
            assertThat(after.body()).isEqualTo(before);
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/config/" + customer, null).body())
                    .isEqualTo(configBefore);
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/mode/" + address, null).body())
                    .isEqualTo(json("{\"mode\":\"READONLY\"}"));
            assertThat(OwnRegistry.call(restarted, "application/json", "GET",
                    "/subjects/" + address + "/versions/1/referencedby", null).body()).isEqualTo(json("[" + id + "]"));
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/schemas/ids/" + id, null)
                    .body().path("metadata")).isEqualTo(json(METADATA));
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/subjects/" + avro + "/versions", null)
                    .body()).isEqualTo(json("[1,2]"));
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/subjects/" + avro + "/versions/1", null)
                    .body().path("id").asInt()).isEqualTo(avroId);
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", "/config/" + avro, null)
                    .body().path("compatibilityLevel").asText()).isEqualTo("FULL");
            int next = OwnRegistry.call(restarted, "application/json", "POST", "/subjects/" + subject("restart-fresh")
                    + "/versions", body(null, "{\"type\":\"record\",\"name\":\"Fresh\",\"fields\":[]}").toString())
                    .body().path("id").asInt();
            assertThat(next).as("ids keep counting after a restart").isGreaterThan(Math.max(id, avroId));
        }
    }

    @Test
    void contextsNumberTheirOwnIdsAndSurviveARestartFromTheSchemasTopic() throws Exception {
        String context = ".it-" + UUID.randomUUID().toString().substring(0, 8);
        String gone = ".gone-" + UUID.randomUUID().toString().substring(0, 8);
        String prefix = "/contexts/" + context;
        Answer first = call("POST", prefix + "/subjects/orders-value/versions", body(null, AVRO_V1).toString());
        assertThat(first.body().path("id").asInt()).as(first.body().toString()).isEqualTo(1);
        assertThat(call("GET", "/subjects/:" + context + ":orders-value/versions", null).body()).isEqualTo(json("[1]"));
        assertThat(call("PUT", prefix + "/config", "{\"compatibility\":\"NONE\",\"compatibilityPolicy\":\"LENIENT\"}")
                .status()).isEqualTo(200);
        Answer refused = call("DELETE", "/contexts/" + context, null);
        assertError(refused, 422, 42211);
        assertThat(refused.body().path("message").asText()).isEqualTo("The specified context ':" + context + ":' is not empty.");
        call("POST", "/contexts/" + gone + "/subjects/tmp/versions", body(null, AVRO_V1).toString());
        call("DELETE", "/contexts/" + gone + "/subjects/tmp", null);
        call("DELETE", "/contexts/" + gone + "/subjects/tmp?permanent=true", null);
        assertThat(call("DELETE", "/contexts/" + gone, null).status()).isEqualTo(204);
        JsonNode byId = call("GET", prefix + "/schemas/ids/1", null).body();

        try (EmbeddedSchemaRegistry restarted = REGISTRY.startAnother()) {
            JsonNode contexts = OwnRegistry.call(restarted, "application/json", "GET", "/contexts", null).body();
            assertThat(contexts.toString()).contains("\"" + context + "\"").doesNotContain(gone);
            assertThat(OwnRegistry.call(restarted, "application/json", "GET", prefix + "/schemas/ids/1", null)
                    .body()).isEqualTo(byId);
            JsonNode config = OwnRegistry.call(restarted, "application/json", "GET", prefix + "/config", null).body();
            assertThat(List.of(config.path("compatibilityLevel").asText(), config.path("compatibilityPolicy").asText()))
                    .containsExactly("NONE", "LENIENT");
            // The context's id counter is rebuilt too: its next schema is its id 2.
            Answer second = OwnRegistry.call(restarted, "application/json", "POST",
                    prefix + "/subjects/orders-value/versions", body(null, AVRO_V1.replace("}]}",
                            "},{\"name\":\"phone\",\"type\":\"string\",\"default\":\"\"}]}")).toString());
            assertThat(List.of(second.body().path("id").asInt(), second.body().path("version").asInt()))
                    .as(second.body().toString()).containsExactly(2, 2);
        }
    }

    @Test
    void jitmasksClientSendsAndReadsEveryTypeWithItsContract() throws Exception {
        String address = subject("client-address");
        String customer = subject("client-customer-value");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(REGISTRY.server().url())) {
            HttpSchemaRegistryClient.Registration a = client.registerVersion(address, StoredSchema.of(SchemaType.JSON, ADDRESS_JSON));
            assertThat(a.version()).isEqualTo(1);
            StoredSchema sent = new StoredSchema(SchemaType.JSON, CUSTOMER_JSON,
                    List.of(new SchemaReference("address.json", address, 1)), json(METADATA), json(RULE_SET));
            HttpSchemaRegistryClient.Registration c = client.registerVersion(customer, sent);
            assertThat(c.version()).isEqualTo(1);
            assertThat(client.storedSchema(c.id())).isEqualTo(sent);
            assertThat(client.metadataOf(c.id())).contains(json(METADATA));
            assertThat(client.metadataOf(a.id())).isEmpty();
            client.updateConfig(customer, json("{\"compatibility\":\"FULL\",\"normalize\":true}"));
            assertThat(client.config(customer)).isEqualTo(json("{\"compatibilityLevel\":\"FULL\",\"normalize\":true}"));
            assertThat(client.config(null).path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        }
    }

    @Test
    void maskedSubjectCarriesTheRawSubjectsMetadata() throws Exception {
        String dataset = "parity" + UUID.randomUUID().toString().substring(0, 8);
        Schema schema = new Schema.Parser().parse(AVRO_V1);
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(REGISTRY.server().url())) {
            int rawId = client.register("raw." + dataset + "-value", schema, json(METADATA));
            int maskedId = new MaskedSchemaIds(client).valueId(dataset, rawId, schema);
            JsonNode masked = call("GET", "/subjects/masked." + dataset + "-value/versions/latest", null).body();
            assertThat(masked.path("metadata")).isEqualTo(json(METADATA));
            assertThat(masked.path("id").asInt()).as("same text and metadata: the same id").isEqualTo(rawId).isEqualTo(maskedId);
            assertThat(new Schema.Parser().parse(masked.path("schema").asText()).getField("email").getObjectProp("confluent:tags"))
                    .isEqualTo(List.of("PII"));
        }
    }

    @Test
    void maskedJsonSchemaAndProtobufSubjectsCarryTheRawSubjectsMetadataToo() throws Exception {
        String dataset = "typed" + UUID.randomUUID().toString().substring(0, 8);
        String address = subject("typed-address");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(REGISTRY.server().url())) {
            client.registerVersion(address, StoredSchema.of(SchemaType.JSON, ADDRESS_JSON));
            int rawJson = client.registerVersion("raw." + dataset + "-value", new StoredSchema(SchemaType.JSON, CUSTOMER_JSON,
                    List.of(new SchemaReference("address.json", address, 1)), json(METADATA), null)).id();
            int maskedJson = new MaskedSchemaIds(client).typedValueId(dataset, rawJson, client.typedSchemaById(rawJson));
            JsonNode masked = call("GET", "/subjects/masked." + dataset + "-value/versions/latest", null).body();
            assertThat(masked.path("metadata")).isEqualTo(json(METADATA));
            assertThat(masked.path("references")).isEqualTo(json("[{\"name\":\"address.json\",\"subject\":\"" + address
                    + "\",\"version\":1}]"));
            assertThat(maskedJson).as("same text, references and metadata: the same id").isEqualTo(rawJson);

            int rawProto = client.registerVersion("raw." + dataset + "-key", new StoredSchema(SchemaType.PROTOBUF, ADDRESS_PROTO,
                    List.of(), json(METADATA), null)).id();
            new MaskedSchemaIds(client).typedId(dataset, rawProto, client.typedSchemaById(rawProto), true);
            assertThat(call("GET", "/subjects/masked." + dataset + "-key/versions/latest", null).body().path("metadata"))
                    .isEqualTo(json(METADATA));
        }
    }
}
