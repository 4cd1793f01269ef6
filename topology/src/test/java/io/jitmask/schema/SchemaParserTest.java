package io.jitmask.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaParserTest {
    private static final String ADDRESS_PROTO = """
            syntax = "proto3";
            package shop.common;
            message Address { string street = 1; string city = 2; }
            """;
    private static final String CUSTOMER_PROTO = """
            syntax = "proto3";
            package shop;
            import "common/address.proto";
            import "google/protobuf/timestamp.proto";
            import "confluent/meta.proto";
            message Customer {
              string id = 1;
              string email = 2 [(confluent.field_meta) = { tags: ["PII", "EMAIL"] }];
              shop.common.Address address = 3;
              google.protobuf.Timestamp since = 4;
              map<string, int64> points = 5;
              optional string nickname = 6;
              oneof contact { string phone = 7; string fax = 8; }
              Level level = 9;
              enum Level { LEVEL_UNSPECIFIED = 0; GOLD = 1; }
              repeated Note notes = 10;
              message Note { string text = 1; }
            }
            """;

    @Test
    void protobufLinksReferencesWellKnownTypesAndConfluentMetaIntoADescriptor() {
        ProtobufParsedSchema schema = (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, CUSTOMER_PROTO,
                List.of(new SchemaReference("common/address.proto", "address", 1)),
                Map.of("common/address.proto", ADDRESS_PROTO));
        Descriptors.Descriptor customer = schema.messageDescriptor(null);
        assertThat(customer.getFullName()).isEqualTo("shop.Customer");
        assertThat(customer.findFieldByName("address").getMessageType().getFullName()).isEqualTo("shop.common.Address");
        assertThat(customer.findFieldByName("since").getMessageType().getFullName()).isEqualTo("google.protobuf.Timestamp");
        assertThat(customer.findFieldByName("points").isMapField()).isTrue();
        assertThat(customer.findFieldByName("nickname").hasPresence()).isTrue();
        assertThat(customer.findFieldByName("phone").getRealContainingOneof().getName()).isEqualTo("contact");
        assertThat(customer.findFieldByName("level").getEnumType().getFullName()).isEqualTo("shop.Customer.Level");
        assertThat(schema.messageDescriptor("shop.Customer.Note").getFullName()).isEqualTo("shop.Customer.Note");
        assertThat(schema.inlineTags()).isEqualTo(Map.of("shop.Customer.email", Set.of("PII", "EMAIL")));
        DynamicMessage message = DynamicMessage.newBuilder(customer)
                .setField(customer.findFieldByName("email"), "a@b.c").build();
        assertThat(message.toByteArray()).isNotEmpty();
        assertThat(schema.canonicalString()).startsWith("syntax = \"proto3\";\npackage shop;\n\nimport ");
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, schema.canonicalString(), schema.references(),
                schema.resolvedReferences()).canonicalString()).isEqualTo(schema.canonicalString());
    }

    @Test
    void protobufErrorsNameTheProblemWithoutTheText() {
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.PROTOBUF, "syntax = \"proto3\"; message A { secretvalue }"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageStartingWith("not a valid .proto: ")
                .hasMessageNotContaining("secretvalue");
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.PROTOBUF, "syntax = \"proto3\"; message A { Missing m = 1; }"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("Missing");
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.PROTOBUF, "syntax = \"proto3\"; import \"x.proto\"; message A {}"))
                .isInstanceOf(InvalidSchemaException.class)
                .hasMessage("import \"x.proto\" is neither a reference nor a built-in");
    }

    @Test
    void protobufCompatibilityFollowsConfluentsRules() {
        String v1 = "syntax = \"proto3\"; package p; message M { int32 a = 1; string b = 2; }";
        assertThat(backward(SchemaType.PROTOBUF, v1, "syntax = \"proto3\"; package p; message M { int64 a = 1; }")).isEmpty();
        assertThat(backward(SchemaType.PROTOBUF, v1, "syntax = \"proto3\"; package p; message M { int32 x = 1; bytes b = 2; string c = 3; }"))
                .isEmpty();
        assertThat(differences(SchemaType.PROTOBUF, v1, "syntax = \"proto3\"; package p; message M { string a = 1; }"))
                .containsExactly("FIELD_SCALAR_KIND_CHANGED #/M/1");
        assertThat(differences(SchemaType.PROTOBUF, v1, "syntax = \"proto3\"; package q; message M { int32 a = 1; }"))
                .containsExactly("PACKAGE_CHANGED #/");
        assertThat(differences(SchemaType.PROTOBUF, v1, "syntax = \"proto3\"; package p; message N { int32 a = 1; }"))
                .containsExactly("MESSAGE_REMOVED #/M");
        assertThat(differences(SchemaType.PROTOBUF, v1,
                "syntax = \"proto3\"; package p; message M { oneof o { int32 a = 1; string b = 2; } }"))
                .containsExactly("MULTIPLE_FIELDS_MOVED_TO_ONEOF #/M/o");
    }

    @Test
    void jsonSchemaIsCheckedAgainstItsMetaSchemaAndResolvesReferences() {
        String address = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
        JsonParsedSchema schema = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, """
                {"type": "object", "properties": {
                  "email": {"type": "string", "confluent:tags": ["PII"]},
                  "address": {"$ref": "address.json"}}}""",
                List.of(new SchemaReference("address.json", "address", 1)), Map.of("address.json", address));
        assertThat(schema.canonicalString()).isEqualTo(
                "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\",\"confluent:tags\":[\"PII\"]},"
                        + "\"address\":{\"$ref\":\"address.json\"}}}");
        assertThat(schema.inlineTags()).isEqualTo(Map.of("#/properties/email", Set.of("PII")));
        assertThat(schema.violations("{\"email\":\"a@b\",\"address\":{\"city\":\"Paris\"}}")).isEmpty();
        assertThat(schema.violations("{\"email\":\"a@b\",\"address\":{\"city\":7}}")).containsExactly("type at /address/city");
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.JSON, "{\"type\": 5}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageStartingWith("not a valid JSON Schema: ");
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.JSON, "[1]"))
                .isInstanceOf(InvalidSchemaException.class).hasMessage("a JSON Schema is an object or a boolean");
    }

    @Test
    void jsonSchemaCompatibilityFollowsConfluentsRules() {
        String open = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}";
        String closed = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}";
        assertThat(jsonDifferences( open, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}}"))
                .containsExactly("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b");
        assertThat(jsonDifferences( closed,
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}},\"additionalProperties\":false}"))
                .isEmpty();
        assertThat(jsonDifferences( closed, "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"))
                .containsExactly("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a");
        assertThat(jsonDifferences( open, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"))
                .containsExactly("TYPE_CHANGED #/properties/a");
        assertThat(jsonDifferences( open, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"string\",\"null\"]}}}"))
                .isEmpty();
        assertThat(jsonDifferences( open, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}"))
                .containsExactly("REQUIRED_ATTRIBUTE_ADDED #/required/a");
        assertThat(jsonDifferences( "{\"type\":\"string\",\"maxLength\":5}", "{\"type\":\"string\",\"maxLength\":3}"))
                .containsExactly("MAX_LENGTH_DECREASED #/maxLength");
        assertThat(jsonDifferences( "{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\",\"b\",\"c\"]}")).isEmpty();
        assertThat(jsonDifferences( "{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\"]}"))
                .containsExactly("ENUM_ARRAY_NARROWED #/enum");
    }

    @Test
    void avroReferencesAreNamedNotInlinedInTheCanonicalForm() {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        AvroParsedSchema schema = (AvroParsedSchema) SchemaParser.parse(SchemaType.AVRO,
                "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"email\",\"type\":\"string\","
                        + "\"confluent:tags\":[\"PII\"]},{\"name\":\"address\",\"type\":\"shop.Address\"}]}",
                List.of(new SchemaReference("shop.Address", "address", 1)), Map.of("shop.Address", address));
        assertThat(schema.canonicalString()).contains("\"type\":\"Address\"").doesNotContain("\"city\"");
        assertThat(schema.avroSchema().getField("address").schema().getField("city")).isNotNull();
        assertThat(schema.inlineTags()).isEqualTo(Map.of("shop.Customer.email", Set.of("PII")));
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"a\",\"type\":\"shop.Address\"}]}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageStartingWith("not a valid Avro schema: ");
    }

    /** The incompatible differences as "TYPE path", read from Confluent's wording of each. */
    private static List<String> jsonDifferences(String previous, String next) {
        return differences(SchemaType.JSON, previous, next);
    }

    private static List<String> differences(SchemaType type, String previous, String next) {
        return backward(type, previous, next).stream()
                .map(m -> m.replaceAll("^\\{errorType:\"([A-Z_]+)\", description:\"[^']*'(#[^']*)'.*$", "$1 $2")).toList();
    }

    private static List<String> backward(SchemaType type, String previous, String next) {
        return SchemaParser.parse(type, next).backwardIncompatibilities(SchemaParser.parse(type, previous));
    }
}
