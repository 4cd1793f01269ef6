package io.jitmask.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Canonical and normalised texts as Confluent's registry prints them, checked against the expectations of
 * Confluent's own tests ({@code ProtobufSchemaTest.testEnumReserved}, {@code testNormalization};
 * {@code AvroSchemaTest.testNormalization}), plus {@code validateFields}, {@code hasTopLevelField} and
 * {@code ?format=} texts.
 */
class SchemaNormalizationTest {
    private static final String ENUM_RESERVED_TEXT =
            "\nimport \"google/protobuf/descriptor.proto\";\n"
            + "\n"
            + "message FooOptions {\n"
            + "  optional string name = 1;\n"
            + "  optional FooParameterType type = 2;\n"
            + "}\n"
            + "enum FooParameterType {\n"
            + "  reserved 20, 100 to max;\n"
            + "  reserved 10;\n"
            + "  reserved 1 to 3;\n"
            + "  reserved \"BAD\", \"OLD\";\n"
            + "  NUMBER = 1;\n"
            + "  STRING = 2;\n"
            + "}\n";

    private static final String ENUM_RESERVED_NORMALIZED =
            "\nimport \"google/protobuf/descriptor.proto\";\n"
            + "\n"
            + "message FooOptions {\n"
            + "  optional string name = 1;\n"
            + "  optional .FooParameterType type = 2;\n"
            + "}\n"
            + "enum FooParameterType {\n"
            + "  reserved 1 to 3;\n"
            + "  reserved 10;\n"
            + "  reserved 20;\n"
            + "  reserved 100 to max;\n"
            + "  reserved \"BAD\";\n"
            + "  reserved \"OLD\";\n"
            + "  NUMBER = 1;\n"
            + "  STRING = 2;\n"
            + "}\n";

    private static final String NORMALIZATION_TEXT =
            "syntax = \"proto3\";\n"
            + "package my.package;\n"
            + "\n"
            + "import \"google/protobuf/timestamp.proto\";\n"
            + "import \"confluent/type/decimal.proto\";\n"
            + "\n"
            + "option java_package = \"my.package\";\n"
            + "option java_outer_classname = \"Outer\";\n"
            + "option java_multiple_files = true;\n"
            + "option java_string_check_utf8 = true;\n"
            + "option optimize_for = CODE_SIZE;\n"
            + "option go_package = \"go.package\";\n"
            + "option cc_generic_services = false;\n"
            + "option java_generic_services = true;\n"
            + "option py_generic_services = false;\n"
            + "option cc_enable_arenas = true;\n"
            + "option objc_class_prefix = \"objc\";\n"
            + "option csharp_namespace = \"csharp\";\n"
            + "option swift_prefix = \"swift\";\n"
            + "option php_class_prefix = \"php\";\n"
            + "option php_namespace = \"php_ns\";\n"
            + "option php_metadata_namespace = \"php_md_ns\";\n"
            + "option ruby_package = \"ruby\";\n"
            + "\n"
            + "message Nested {\n"
            + "  confluent.type.Decimal test_cflt_decimal = 1 [(confluent.field_meta) = {\n"
            + "    params: [\n"
            + "      {\n"
            + "        value: \"8\",\n"
            + "        key: \"precision\"\n"
            + "      },\n"
            + "      {\n"
            + "        value: \"3\",\n"
            + "        key: \"scale\"\n"
            + "      }\n"
            + "    ],\n"
            + "    doc: \"test decimal\"\n"
            + "  }];\n"
            + "  google.protobuf.Timestamp test_timestamp = 2;\n"
            + "  map<string, InnerMessage> test_map = 3;\n"
            + "\n"
            + "  message InnerMessage {\n"
            + "    reserved \"foo\", \"bar\";\n"
            + "    reserved 14, 15, 9 to 11;\n"
            + "    reserved 1, 20, 29 to 31;\n"
            + "  \n"
            + "    option no_standard_descriptor_accessor = true;\n"
            + "    option deprecated = true;\n"
            + "  \n"
            + "    InnerMessage.DeepMessage deep2 = 4;\n"
            + "    Nested.InnerMessage.DeepMessage deep3 = 5;\n"
            + "    my.package.Nested.InnerMessage.DeepMessage deep4 = 6;\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep5 = 7;\n"
            + "    string id = 1 [json_name = \"id\"];\n"
            + "    repeated int32 ids = 2 [packed = true];\n"
            + "    DeepMessage deep1 = 3;\n"
            + "  \n"
            + "    oneof some_val {\n"
            + "      string one_id = 12;\n"
            + "      int32 other_id = 11;\n"
            + "    }\n"
            + "    oneof some_val2 {\n"
            + "      string one_id2 = 13;\n"
            + "      int32 other_id2 = 10 [\n"
            + "        deprecated = true,\n"
            + "        ctype = CORD,\n"
            + "        jstype = JS_STRING,\n"
            + "        json_name = \"otherId2\"\n"
            + "      ];\n"
            + "    }\n"
            + "  \n"
            + "    message DeepMessage {\n"
            + "      string id = 1;\n"
            + "    }\n"
            + "    enum InnerEnum {\n"
            + "      reserved 100 to 110;\n"
            + "      option allow_alias = true;\n"
            + "      TWO = 2;\n"
            + "      ONE = 1;\n"
            + "      ZERO = 0 [deprecated = true];\n"
            + "      ALSO_ZERO = 0;\n"
            + "    }\n"
            + "  }\n"
            + "}\n"
            + "enum Status {\n"
            + "  INACTIVE = 1;\n"
            + "  ACTIVE = 0;\n"
            + "}\n"
            + "\n"
            + "service MyService {\n"
            + "  option deprecated = true;\n"
            + "\n"
            + "  rpc MyMethod2 (stream Nested) returns (Nested.InnerMessage);\n"
            + "  rpc MyMethod1 (Nested.InnerMessage) returns (stream Nested) {\n"
            + "    option idempotency_level = NO_SIDE_EFFECTS;\n"
            + "    option deprecated = true;\n"
            + "  };\n"
            + "}\n";

    private static final String NORMALIZATION_NORMALIZED =
            "syntax = \"proto3\";\n"
            + "package my.package;\n"
            + "\n"
            + "import \"confluent/type/decimal.proto\";\n"
            + "import \"google/protobuf/timestamp.proto\";\n"
            + "\n"
            + "option cc_enable_arenas = true;\n"
            + "option cc_generic_services = false;\n"
            + "option csharp_namespace = \"csharp\";\n"
            + "option go_package = \"go.package\";\n"
            + "option java_generic_services = true;\n"
            + "option java_multiple_files = true;\n"
            + "option java_outer_classname = \"Outer\";\n"
            + "option java_package = \"my.package\";\n"
            + "option java_string_check_utf8 = true;\n"
            + "option objc_class_prefix = \"objc\";\n"
            + "option optimize_for = CODE_SIZE;\n"
            + "option php_class_prefix = \"php\";\n"
            + "option php_metadata_namespace = \"php_md_ns\";\n"
            + "option php_namespace = \"php_ns\";\n"
            + "option py_generic_services = false;\n"
            + "option ruby_package = \"ruby\";\n"
            + "option swift_prefix = \"swift\";\n"
            + "\n"
            + "message Nested {\n"
            + "  .confluent.type.Decimal test_cflt_decimal = 1 [(confluent.field_meta) = {\n"
            + "    doc: \"test decimal\",\n"
            + "    params: [\n"
            + "      {\n"
            + "        key: \"precision\",\n"
            + "        value: \"8\"\n"
            + "      },\n"
            + "      {\n"
            + "        key: \"scale\",\n"
            + "        value: \"3\"\n"
            + "      }\n"
            + "    ]\n"
            + "  }];\n"
            + "  .google.protobuf.Timestamp test_timestamp = 2;\n"
            + "  map<string, .my.package.Nested.InnerMessage> test_map = 3;\n"
            + "\n"
            + "  message InnerMessage {\n"
            + "    reserved 1;\n"
            + "    reserved 9 to 11;\n"
            + "    reserved 14;\n"
            + "    reserved 15;\n"
            + "    reserved 20;\n"
            + "    reserved 29 to 31;\n"
            + "    reserved \"bar\";\n"
            + "    reserved \"foo\";\n"
            + "  \n"
            + "    option deprecated = true;\n"
            + "    option no_standard_descriptor_accessor = true;\n"
            + "  \n"
            + "    string id = 1 [json_name = \"id\"];\n"
            + "    repeated int32 ids = 2 [packed = true];\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep1 = 3;\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep2 = 4;\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep3 = 5;\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep4 = 6;\n"
            + "    .my.package.Nested.InnerMessage.DeepMessage deep5 = 7;\n"
            + "  \n"
            + "    oneof some_val2 {\n"
            + "      int32 other_id2 = 10 [\n"
            + "        ctype = CORD,\n"
            + "        deprecated = true,\n"
            + "        json_name = \"otherId2\",\n"
            + "        jstype = JS_STRING\n"
            + "      ];\n"
            + "      string one_id2 = 13;\n"
            + "    }\n"
            + "    oneof some_val {\n"
            + "      int32 other_id = 11;\n"
            + "      string one_id = 12;\n"
            + "    }\n"
            + "  \n"
            + "    message DeepMessage {\n"
            + "      string id = 1;\n"
            + "    }\n"
            + "    enum InnerEnum {\n"
            + "      reserved 100 to 110;\n"
            + "      option allow_alias = true;\n"
            + "      ALSO_ZERO = 0;\n"
            + "      ZERO = 0 [deprecated = true];\n"
            + "      ONE = 1;\n"
            + "      TWO = 2;\n"
            + "    }\n"
            + "  }\n"
            + "}\n"
            + "enum Status {\n"
            + "  ACTIVE = 0;\n"
            + "  INACTIVE = 1;\n"
            + "}\n"
            + "\n"
            + "service MyService {\n"
            + "  option deprecated = true;\n"
            + "\n"
            + "  rpc MyMethod2 (stream .my.package.Nested) returns (.my.package.Nested.InnerMessage);\n"
            + "  rpc MyMethod1 (.my.package.Nested.InnerMessage) returns (stream .my.package.Nested) {\n"
            + "    option deprecated = true;\n"
            + "    option idempotency_level = NO_SIDE_EFFECTS;\n"
            + "  };\n"
            + "}\n";

    @Test
    void protobufCanonicalTextIsConfluentsPrinting() {
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, ENUM_RESERVED_TEXT).canonicalString()).isEqualTo(ENUM_RESERVED_TEXT);
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, NORMALIZATION_TEXT).canonicalString()).isEqualTo(NORMALIZATION_TEXT);
    }

    @Test
    void protobufNormalisedTextIsConfluents() {
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, ENUM_RESERVED_TEXT).normalize().canonicalString())
                .isEqualTo(ENUM_RESERVED_NORMALIZED);
        ParsedSchema normalized = SchemaParser.parse(SchemaType.PROTOBUF, NORMALIZATION_TEXT).normalize();
        assertThat(normalized.canonicalString()).isEqualTo(NORMALIZATION_NORMALIZED);
        // Normalising is idempotent: the normalised text parses and normalises to itself.
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, normalized.canonicalString()).normalize().canonicalString())
                .isEqualTo(NORMALIZATION_NORMALIZED);
    }

    @Test
    void protobufTextsThatDifferInLayoutNormaliseEqual() {
        String a = "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\n"
                + "message M { google.protobuf.Timestamp at = 2; string id = 1; Kind kind = 3;\n"
                + "  enum Kind { B = 1; A = 0; } }\n";
        String b = "syntax = \"proto3\";\n\npackage p;\n\nimport \"google/protobuf/timestamp.proto\";\n\n"
                + "message M {\n  string id = 1;\n  .google.protobuf.Timestamp at = 2;\n  M.Kind kind = 3;\n"
                + "  enum Kind {\n    A = 0;\n    B = 1;\n  }\n}\n";
        ParsedSchema first = SchemaParser.parse(SchemaType.PROTOBUF, a);
        ParsedSchema second = SchemaParser.parse(SchemaType.PROTOBUF, b);
        assertThat(first.canonicalString()).isNotEqualTo(second.canonicalString());
        assertThat(first.normalize().canonicalString()).isEqualTo(second.normalize().canonicalString())
                .isEqualTo("syntax = \"proto3\";\npackage p;\n\nimport \"google/protobuf/timestamp.proto\";\n\n"
                        + "message M {\n  string id = 1;\n  .google.protobuf.Timestamp at = 2;\n  .p.M.Kind kind = 3;\n\n"
                        + "  enum Kind {\n    A = 0;\n    B = 1;\n  }\n}\n");
    }

    @Test
    void protobufNormalisationMergesSettingsOfOneCustomOptionAndWritesNumbersInOneForm() {
        String text = "syntax = \"proto3\";\npackage p;\nimport \"confluent/meta.proto\";\n"
                + "import \"google/protobuf/descriptor.proto\";\n"
                + "extend google.protobuf.MessageOptions {\n  int32 width = 50001;\n  double ratio = 50002;\n}\n"
                + "message M {\n"
                + "  option (confluent.message_meta).tags = \"B\";\n"
                + "  option (width) = 0x10;\n"
                + "  option (confluent.message_meta) = { doc: \"d\", tags: \"A\" };\n"
                + "  option (.p.ratio) = 1.50;\n"
                + "  option (confluent.message_meta).doc = \"e\";\n"
                + "  string a = 1 [(confluent.field_meta).params = { key: \"k\", value: \"v\" },"
                + " (confluent.field_meta).params = { key: \"j\", value: \"w\" }];\n"
                + "}\n";
        String normalized = SchemaParser.parse(SchemaType.PROTOBUF, text).normalize().canonicalString();
        assertThat(normalized).isEqualTo("syntax = \"proto3\";\npackage p;\n\n"
                + "import \"confluent/meta.proto\";\nimport \"google/protobuf/descriptor.proto\";\n\n"
                + "message M {\n"
                + "  option (confluent.message_meta) = {\n    doc: \"e\",\n    tags: [\n      \"B\",\n      \"A\"\n    ]\n  };\n"
                + "  option (p.ratio) = 1.5;\n"
                + "  option (p.width) = 16;\n\n"
                + "  string a = 1 [(confluent.field_meta) = {\n    params: [\n      {\n        key: \"k\",\n"
                + "        value: \"v\"\n      },\n      {\n        key: \"j\",\n        value: \"w\"\n      }\n    ]\n  }];\n"
                + "}\n\n"
                + "extend .google.protobuf.MessageOptions {\n  int32 width = 50001;\n  double ratio = 50002;\n}\n");
        // The normalised text is a schema whose normalised text is itself.
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, normalized).normalize().canonicalString()).isEqualTo(normalized);
        assertThat(ProtobufOptions.formatNumber("-0x1F")).isEqualTo("-31");
        assertThat(ProtobufOptions.formatNumber("017")).isEqualTo("15");
        assertThat(ProtobufOptions.formatNumber("1e3")).isEqualTo("1000");
        assertThat(ProtobufOptions.formatNumber("2.71828")).isEqualTo("2.718");
        assertThat(ProtobufOptions.formatNumber("inf")).isEqualTo("inf");
    }

    @Test
    void avroNormalisationKeepsWhatConfluentKeeps() {
        String text = "{\"connect.name\": \"some.scope.Envelope\", \"fields\": [{\"default\": null, \"name\": \"before\","
                + " \"type\": [\"null\", {\"connect.name\": \"some.scope.Value\", \"fields\": [{\"name\": \"created_at\","
                + " \"type\": {\"connect.name\": \"io.debezium.time.Timestamp\", \"connect.version\": 1, \"type\": \"long\"}},"
                + " {\"name\":\"normal_long\", \"type\":\"long\"}], \"name\": \"Value\", \"type\": \"record\"}]},"
                + " {\"default\": null, \"name\": \"after\", \"type\": [\"null\", \"Value\"]}],"
                + " \"name\": \"Envelope\", \"namespace\": \"some.scope\", \"type\": \"record\"}";
        String expected = "{\"type\":\"record\",\"name\":\"Envelope\",\"namespace\":\"some.scope\",\"fields\":["
                + "{\"name\":\"before\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Value\",\"fields\":["
                + "{\"name\":\"created_at\",\"type\":{\"type\":\"long\",\"connect.name\":\"io.debezium.time.Timestamp\","
                + "\"connect.version\":1}},{\"name\":\"normal_long\",\"type\":\"long\"}],\"connect.name\":\"some.scope.Value\"}],"
                + "\"default\":null},{\"name\":\"after\",\"type\":[\"null\",\"Value\"],\"default\":null}],"
                + "\"connect.name\":\"some.scope.Envelope\"}";
        ParsedSchema schema = SchemaParser.parse(SchemaType.AVRO, text);
        assertThat(schema.canonicalString()).isEqualTo(expected);
        assertThat(schema.normalize().canonicalString()).isEqualTo(expected);
    }

    @Test
    void avroPropertiesAndAliasesInAnyOrderNormaliseEqual() {
        ParsedSchema a = SchemaParser.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\","
                + "\"aliases\":[\"Z\",\"A\"],\"b\":1,\"a\":{\"y\":1,\"x\":2},\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}");
        ParsedSchema b = SchemaParser.parse(SchemaType.AVRO, "{\"fields\":[{\"type\":\"int\",\"name\":\"f\"}],\"a\":{\"x\":2,\"y\":1},"
                + "\"b\":1,\"aliases\":[\"A\",\"Z\"],\"name\":\"n.R\",\"type\":\"record\"}");
        assertThat(a.canonicalString()).isNotEqualTo(b.canonicalString());
        assertThat(a.normalize().canonicalString()).isEqualTo(b.normalize().canonicalString())
                .isEqualTo("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}],"
                        + "\"a\":{\"x\":2,\"y\":1},\"b\":1,\"aliases\":[\"A\",\"Z\"]}");
    }

    @Test
    void jsonSchemaNormalisationSortsKeys() {
        ParsedSchema a = SchemaParser.parse(SchemaType.JSON, "{\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"string\"},"
                + " \"a\": {\"type\": \"integer\", \"minimum\": 0}}}");
        ParsedSchema b = SchemaParser.parse(SchemaType.JSON, "{\"properties\":{\"a\":{\"minimum\":0,\"type\":\"integer\"},"
                + "\"b\":{\"type\":\"string\"}},\"type\":\"object\"}");
        assertThat(a.canonicalString()).isNotEqualTo(b.canonicalString());
        assertThat(a.normalize().canonicalString()).isEqualTo(b.normalize().canonicalString())
                .isEqualTo("{\"properties\":{\"a\":{\"minimum\":0,\"type\":\"integer\"},\"b\":{\"type\":\"string\"}},"
                        + "\"type\":\"object\"}");
    }

    @Test
    void normalisingSortsReferencesBySubjectThenVersion() {
        String shared = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}";
        ParsedSchema schema = SchemaParser.parse(SchemaType.JSON,
                "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"b.json\"},\"c\":{\"$ref\":\"a.json\"}}}",
                List.of(new SchemaReference("b.json", "sb", 2), new SchemaReference("a.json", "sa", 1),
                        new SchemaReference("b.json", "sb", 2)),
                Map.of("a.json", shared, "b.json", shared));
        assertThat(schema.normalize().references()).containsExactly(new SchemaReference("a.json", "sa", 1),
                new SchemaReference("b.json", "sb", 2));
    }

    @Test
    void validateFieldsRefusesJsonPropertiesStartingWithTwoDollars() {
        ParsedSchema schema = SchemaParser.parse(SchemaType.JSON, "{\"type\":\"object\",\"properties\":{\"$$id\":{\"type\":\"string\"}}}");
        assertThatThrownBy(schema::validateFields).isInstanceOf(InvalidSchemaException.class)
                .hasMessage("Field names cannot start with $$ prefix (#/properties/$$id)");
        SchemaParser.parse(SchemaType.JSON, "{\"type\":\"object\",\"properties\":{\"id$$\":{}}}").validateFields();
        SchemaParser.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}").validateFields();
    }

    @Test
    void avroRefusesInvalidFieldNamesAlways() {
        assertThatThrownBy(() -> SchemaParser.parse(SchemaType.AVRO,
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"1bad\",\"type\":\"int\"}]}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("1bad");
    }

    @Test
    void topLevelFields() {
        assertThat(SchemaParser.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}")
                .hasTopLevelField("a")).isTrue();
        assertThat(SchemaParser.parse(SchemaType.JSON, "{\"properties\":{\"a\":{}}}").hasTopLevelField("b")).isFalse();
        assertThat(SchemaParser.parse(SchemaType.PROTOBUF, "syntax = \"proto3\"; message M { int32 a = 1; }").hasTopLevelField("a"))
                .isTrue();
    }

    @Test
    void formattedTexts() throws Exception {
        ParsedSchema avro = SchemaParser.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"c\",\"type\":\"C\"}]}",
                List.of(new SchemaReference("C", "c", 1)), Map.of("C", "{\"type\":\"record\",\"name\":\"C\",\"fields\":[]}"));
        assertThat(avro.formatted(null)).isEqualTo("{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"c\",\"type\":\"C\"}]}");
        assertThat(avro.formatted("resolved")).isEqualTo("{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"c\","
                + "\"type\":{\"type\":\"record\",\"name\":\"C\",\"fields\":[]}}]}");
        assertThat(avro.formatted("no-such-format")).isEqualTo(avro.canonicalString());
        ParsedSchema proto = SchemaParser.parse(SchemaType.PROTOBUF, "syntax = \"proto3\";\npackage p;\n"
                + "message M { int32 a = 1; N n = 2; map<string, N> byName = 3; message N { E e = 1; } enum E { X = 0; } }\n");
        DescriptorProtos.FileDescriptorProto file = DescriptorProtos.FileDescriptorProto.parseFrom(
                Base64.getDecoder().decode(proto.formatted("serialized")));
        assertThat(file.getPackage()).isEqualTo("p");
        assertThat(file.getMessageType(0).getName()).isEqualTo("M");
        assertThat(file.getMessageType(0).getField(0).getName()).isEqualTo("a");
        // Type names fully qualified, as protoc writes them (readers such as @bufbuild/protobuf need it).
        assertThat(file.getMessageType(0).getField(1).getTypeName()).isEqualTo(".p.M.N");
        assertThat(file.getMessageType(0).getField(1).getType()).isEqualTo(DescriptorProtos.FieldDescriptorProto.Type.TYPE_MESSAGE);
        assertThat(file.getMessageType(0).getNestedType(0).getField(0).getType())
                .isEqualTo(DescriptorProtos.FieldDescriptorProto.Type.TYPE_ENUM);
        assertThat(file.getMessageType(0).getField(2).getTypeName()).isEqualTo(".p.M.ByNameEntry");
        assertThat(file.getMessageType(0).getNestedType(0).getField(0).getTypeName()).isEqualTo(".p.M.E");
    }

    @Test
    void serializedProtobufHasEveryFieldTypeResolved() throws Exception {
        // Found by interop/formats.mjs: Confluent's JavaScript ProtobufDeserializer read message fields whose type was
        // left unset as doubles and failed on every masked order ("premature EOF").
        ParsedSchema orders = SchemaParser.parse(SchemaType.PROTOBUF, java.nio.file.Files.readString(java.nio.file.Path.of("../schemas/orders.proto")));
        DescriptorProtos.FileDescriptorProto file = DescriptorProtos.FileDescriptorProto.parseFrom(
                Base64.getDecoder().decode(orders.formatted("serialized")));
        DescriptorProtos.DescriptorProto order = file.getMessageType(0);
        assertThat(order.getFieldList()).extracting(f -> f.getName() + " " + f.getType() + " " + f.getTypeName()).containsExactly(
                "order_id TYPE_STRING ", "placed_at TYPE_MESSAGE .google.protobuf.Timestamp", "buyer TYPE_MESSAGE .io.jitmask.sample.Buyer",
                "items TYPE_MESSAGE .io.jitmask.sample.LineItem", "payment TYPE_MESSAGE .io.jitmask.sample.Payment",
                "status TYPE_ENUM .io.jitmask.sample.Order.Status", "notes TYPE_MESSAGE .io.jitmask.sample.Order.NotesEntry",
                "coupon TYPE_MESSAGE .google.protobuf.StringValue", "ship_to TYPE_MESSAGE .io.jitmask.sample.Address",
                "pickup_store TYPE_STRING ");
    }
}
