package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/**
 * Exact masked Protobuf per technique and field type: every value equals what the same technique gives the same
 * value of the matching Avro type, and the masked message parses with the same descriptor.
 */
class ProtobufMaskPlannerTest {
    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              EMAIL: {technique: {type: email}}
              PII: {technique: {type: hmac, prefix: "tok_"}}
              PHONE: {technique: {type: phone, keepLast: 2}}
              SECRET: {technique: {type: redact}}
              GONE: {technique: {type: nullify}}
              AMOUNT: {technique: {type: bucket, size: 100}}
              DATE: {technique: {type: generalizeDate, to: year}}
              UNUSED: {}
            datasets:
              orders:
                fields:
                  card: {technique: {type: ff1, keepLast: 4, luhn: true}}
                  name: {technique: {type: partial, keepLast: 2}}
                  ship_to.street: {tags: [PII]}
            """);
    static final ProtobufMaskPlanner PLANNER = new ProtobufMaskPlanner(new PolicyFieldClassifier(POLICY), TechniquesTest.KEYSET);

    static final String PROTO = """
            syntax = "proto3";
            package t;
            import "confluent/meta.proto";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/wrappers.proto";

            message Everything {
              string id = 1;
              string email = 2 [(confluent.field_meta) = {tags: ["EMAIL"]}];
              int32 small = 3 [(confluent.field_meta) = {tags: ["PII"]}];
              int64 big = 4 [(confluent.field_meta) = {tags: ["PII"]}];
              sint64 signed_amount = 5 [(confluent.field_meta) = {tags: ["AMOUNT"]}];
              double ratio = 6 [(confluent.field_meta) = {tags: ["SECRET"]}];
              float weight = 7 [(confluent.field_meta) = {tags: ["AMOUNT"]}];
              bool flag = 8 [(confluent.field_meta) = {tags: ["SECRET"]}];
              bytes blob = 9 [(confluent.field_meta) = {tags: ["PII"]}];
              Color color = 10 [(confluent.field_meta) = {tags: ["SECRET"]}];
              google.protobuf.Timestamp born = 11 [(confluent.field_meta) = {tags: ["DATE"]}];
              google.protobuf.StringValue nick = 12 [(confluent.field_meta) = {tags: ["PII"]}];
              optional string phone = 13 [(confluent.field_meta) = {tags: ["PHONE"]}];
              optional string gone = 14 [(confluent.field_meta) = {tags: ["GONE"]}];
              repeated string aliases = 15 [(confluent.field_meta) = {tags: ["PII"]}];
              map<string, string> by_name = 16 [(confluent.field_meta) = {tags: ["PII"]}];
              map<int64, Person> by_id = 17;
              Person owner = 18;
              repeated Person friends = 19;
              oneof contact {
                Address ship_to = 20;
                string card = 21;
              }
              Person secret_person = 22 [(confluent.field_meta) = {tags: ["SECRET"]}];
              string name = 23;
              google.protobuf.Int64Value count = 24;
            }
            enum Color { RED = 0; GREEN = 1; BLUE = 2; }
            message Person {
              string name = 1 [(confluent.field_meta) = {tags: ["PII"]}];
              string team = 2;
              repeated int32 scores = 3;
            }
            message Address {
              string street = 1;
              string city = 2;
            }
            """;
    static final Map<Descriptors.FileDescriptor, Map<String, Set<String>>> PARSED = new java.util.HashMap<>();
    static final Descriptors.Descriptor EVERYTHING = parse(PROTO, "Everything");
    static final Descriptors.FileDescriptor FILE = EVERYTHING.getFile();
    static final Descriptors.Descriptor PERSON = FILE.findMessageTypeByName("Person");
    static final Descriptors.Descriptor ADDRESS = FILE.findMessageTypeByName("Address");

    static Object avro(String type, Map<String, Object> options, Schema schema, Object value) {
        return TechniquesTest.mask(type, options, schema, value);
    }

    static String tok(String value) {
        return avro("hmac", Map.of("prefix", "tok_"), Schema.create(Schema.Type.STRING), value).toString();
    }

    static Descriptors.FieldDescriptor f(Descriptors.Descriptor type, String name) {
        return type.findFieldByName(name);
    }

    static Message person(String name, String team) {
        return DynamicMessage.newBuilder(PERSON).setField(f(PERSON, "name"), name).setField(f(PERSON, "team"), team)
                .addRepeatedField(f(PERSON, "scores"), 7).build();
    }

    static Message mapEntry(Descriptors.FieldDescriptor map, Object key, Object value) {
        Descriptors.Descriptor entry = map.getMessageType();
        return DynamicMessage.newBuilder(entry).setField(entry.findFieldByNumber(1), key).setField(entry.findFieldByNumber(2), value).build();
    }

    static Message everything() {
        Descriptors.Descriptor ts = com.google.protobuf.Timestamp.getDescriptor();
        return DynamicMessage.newBuilder(EVERYTHING)
                .setField(f(EVERYTHING, "id"), "E-1")
                .setField(f(EVERYTHING, "email"), "Ada@Example.org")
                .setField(f(EVERYTHING, "small"), 4711)
                .setField(f(EVERYTHING, "big"), 1234567890123L)
                .setField(f(EVERYTHING, "signed_amount"), -1234L)
                .setField(f(EVERYTHING, "ratio"), 0.25)
                .setField(f(EVERYTHING, "weight"), 72.5f)
                .setField(f(EVERYTHING, "flag"), true)
                .setField(f(EVERYTHING, "blob"), ByteString.copyFromUtf8("secret bytes"))
                .setField(f(EVERYTHING, "color"), FILE.findEnumTypeByName("Color").findValueByName("BLUE"))
                .setField(f(EVERYTHING, "born"), com.google.protobuf.Timestamp.newBuilder().setSeconds(648_000_000L).setNanos(123_456_789).build())
                .setField(f(EVERYTHING, "nick"), com.google.protobuf.StringValue.of("ada"))
                .setField(f(EVERYTHING, "phone"), "+41 44 668 18 00")
                .setField(f(EVERYTHING, "gone"), "bye")
                .addRepeatedField(f(EVERYTHING, "aliases"), "A.L.")
                .addRepeatedField(f(EVERYTHING, "aliases"), "Countess")
                .addRepeatedField(f(EVERYTHING, "by_name"), mapEntry(f(EVERYTHING, "by_name"), "ada", "lovelace"))
                .addRepeatedField(f(EVERYTHING, "by_id"), mapEntry(f(EVERYTHING, "by_id"), 42L, person("Grace", "navy")))
                .setField(f(EVERYTHING, "owner"), person("Linus", "kernel"))
                .addRepeatedField(f(EVERYTHING, "friends"), person("Ken", "unix"))
                .setField(f(EVERYTHING, "ship_to"), DynamicMessage.newBuilder(ADDRESS).setField(f(ADDRESS, "street"), "1 Main St")
                        .setField(f(ADDRESS, "city"), "Zurich").build())
                .setField(f(EVERYTHING, "secret_person"), person("Barbara", "clu"))
                .setField(f(EVERYTHING, "name"), "Ada Lovelace")
                .setField(f(EVERYTHING, "count"), com.google.protobuf.Int64Value.of(99))
                .build();
    }

    @Test
    void everyTechniqueGivesTheAvroResultAndKeepsTheFieldType() throws Exception {
        Message in = everything();
        Message out = PLANNER.plan("orders", 1, EVERYTHING, tags(EVERYTHING), Set.of()).apply(in);

        assertThat(out.getField(f(EVERYTHING, "id"))).isEqualTo("E-1");
        assertThat(out.getField(f(EVERYTHING, "email"))).isEqualTo(avro("email", Map.of(), Schema.create(Schema.Type.STRING), "Ada@Example.org").toString());
        assertThat(out.getField(f(EVERYTHING, "small"))).isEqualTo(avro("hmac", Map.of("prefix", "tok_"), Schema.create(Schema.Type.INT), 4711));
        assertThat(out.getField(f(EVERYTHING, "big"))).isEqualTo(avro("hmac", Map.of("prefix", "tok_"), Schema.create(Schema.Type.LONG), 1234567890123L));
        assertThat(out.getField(f(EVERYTHING, "signed_amount"))).isEqualTo(-1300L);
        assertThat(out.getField(f(EVERYTHING, "ratio"))).isEqualTo(0.0);
        assertThat(out.getField(f(EVERYTHING, "weight"))).isEqualTo(0.0f);
        assertThat(out.hasField(f(EVERYTHING, "flag"))).isFalse(); // redacted to false, proto3's default
        assertThat(out.getField(f(EVERYTHING, "blob"))).isEqualTo(ByteString.copyFrom(((ByteBuffer) avro("hmac", Map.of("prefix", "tok_"),
                Schema.create(Schema.Type.BYTES), ByteBuffer.wrap("secret bytes".getBytes()))).duplicate()));
        assertThat(((Descriptors.EnumValueDescriptor) out.getField(f(EVERYTHING, "color"))).getName()).isEqualTo("RED");
        Message born = (Message) out.getField(f(EVERYTHING, "born"));
        long expectedMicros = (Long) avro("generalizeDate", Map.of("to", "year"),
                LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)), 648_000_000_123_456L);
        assertThat(born).isEqualTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(expectedMicros / 1_000_000).build());
        assertThat(born.getField(born.getDescriptorForType().findFieldByName("seconds"))).isEqualTo(631_152_000L); // 1990-01-01
        assertThat(((Message) out.getField(f(EVERYTHING, "nick"))).getField(com.google.protobuf.StringValue.getDescriptor().findFieldByName("value")))
                .isEqualTo(tok("ada"));
        assertThat(out.getField(f(EVERYTHING, "phone"))).isEqualTo("+41 ** *** ** 00");
        assertThat(out.hasField(f(EVERYTHING, "gone"))).isFalse();
        assertThat(out.getField(f(EVERYTHING, "aliases"))).isEqualTo(List.of(tok("A.L."), tok("Countess")));
        Message byName = (Message) out.getRepeatedField(f(EVERYTHING, "by_name"), 0);
        assertThat(byName.getField(byName.getDescriptorForType().findFieldByNumber(1)))
                .isEqualTo(Techniques.mapKeyMasker(TechniquesTest.KEYSET).mask("ada", null).toString());
        assertThat(byName.getField(byName.getDescriptorForType().findFieldByNumber(2))).isEqualTo(tok("lovelace"));
        Message byId = (Message) out.getRepeatedField(f(EVERYTHING, "by_id"), 0);
        assertThat(byId.getField(byId.getDescriptorForType().findFieldByNumber(1))).isEqualTo(42L); // not sensitive: key kept
        assertThat(((Message) byId.getField(byId.getDescriptorForType().findFieldByNumber(2))).getField(f(PERSON, "name"))).isEqualTo(tok("Grace"));
        assertThat(out.getField(f(EVERYTHING, "owner"))).isEqualTo(DynamicMessage.newBuilder(PERSON).setField(f(PERSON, "name"), tok("Linus"))
                .setField(f(PERSON, "team"), "kernel").addRepeatedField(f(PERSON, "scores"), 7).build());
        assertThat(((Message) out.getRepeatedField(f(EVERYTHING, "friends"), 0)).getField(f(PERSON, "name"))).isEqualTo(tok("Ken"));
        Message shipTo = (Message) out.getField(f(EVERYTHING, "ship_to"));
        assertThat(shipTo.getField(f(ADDRESS, "street"))).isEqualTo(tok("1 Main St"));
        assertThat(shipTo.getField(f(ADDRESS, "city"))).isEqualTo("Zurich");
        assertThat(out.getField(f(EVERYTHING, "secret_person"))).isEqualTo(DynamicMessage.newBuilder(PERSON)
                .setField(f(PERSON, "name"), "REDACTED").setField(f(PERSON, "team"), "REDACTED").addRepeatedField(f(PERSON, "scores"), 0).build());
        assertThat(out.getField(f(EVERYTHING, "name"))).isEqualTo("**********ce");
        assertThat(out.getField(f(EVERYTHING, "count"))).isEqualTo(in.getField(f(EVERYTHING, "count")));
        // same descriptor: the masked bytes parse back to the same message
        assertThat(DynamicMessage.parseFrom(EVERYTHING, out.toByteArray())).isEqualTo(out);
        // the input is untouched
        assertThat(in).isEqualTo(everything());
    }

    @Test
    void oneofMemberAndClearPaths() {
        Message card = DynamicMessage.newBuilder(EVERYTHING).setField(f(EVERYTHING, "card"), "4111 1111 1111 1111")
                .setField(f(EVERYTHING, "email"), "ada@example.org").build();
        Message masked = PLANNER.plan("orders", 1, EVERYTHING, tags(EVERYTHING), Set.of()).apply(card);
        assertThat(masked.getField(f(EVERYTHING, "card"))).isEqualTo(avro("ff1", Map.of("keepLast", 4, "luhn", true),
                Schema.create(Schema.Type.STRING), "4111 1111 1111 1111").toString());
        assertThat(masked.hasField(f(EVERYTHING, "ship_to"))).isFalse();
        Message clear = PLANNER.plan("orders", 1, EVERYTHING, tags(EVERYTHING), Set.of("card", "owner")).apply(
                card.toBuilder().setField(f(EVERYTHING, "owner"), person("Linus", "kernel")).build());
        assertThat(clear.getField(f(EVERYTHING, "card"))).isEqualTo("4111 1111 1111 1111");
        assertThat(((Message) clear.getField(f(EVERYTHING, "owner"))).getField(f(PERSON, "name"))).isEqualTo("Linus");
        assertThat(clear.getField(f(EVERYTHING, "email"))).isNotEqualTo("ada@example.org");
    }

    @Test
    void techniquesThatDoNotFitFailToCompile() {
        Descriptors.Descriptor bad = parse("""
                syntax = "proto3";
                import "confluent/meta.proto";
                message Bad { string s = 1 [(confluent.field_meta) = {tags: ["GONE"]}]; }
                """, "Bad");
        assertThatThrownBy(() -> PLANNER.plan("orders", 2, bad, tags(bad), Set.of()))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessage("orders: field 's': technique 'nullify' needs a field with presence (optional, oneof member or message), but the field is string");
        Descriptors.Descriptor unknownTag = parse("""
                syntax = "proto3";
                import "confluent/meta.proto";
                message U { bool b = 1 [(confluent.field_meta) = {tags: ["NOPE"]}]; }
                """, "U");
        assertThatThrownBy(() -> PLANNER.plan("orders", 3, unknownTag, tags(unknownTag), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("orders: field 'b' is tagged NOPE, a tag the policy does not define");
        Descriptors.Descriptor emailOnBool = parse("""
                syntax = "proto3";
                import "confluent/meta.proto";
                message E { bool b = 1 [(confluent.field_meta) = {tags: ["EMAIL"]}]; }
                """, "E");
        assertThatThrownBy(() -> PLANNER.plan("orders", 4, emailOnBool, tags(emailOnBool), Set.of()))
                .isInstanceOf(MaskingConfigException.class).hasMessageStartingWith("orders: field 'b'");
    }

    @Test
    void recursiveTypesPassWithoutSensitiveFieldsAndFailWithThem() {
        String tree = """
                syntax = "proto3";
                import "confluent/meta.proto";
                message Node { string label = 1 %s; repeated Node children = 2; }
                """;
        Descriptors.Descriptor plain = parse(tree.formatted(""), "Node");
        Message node = DynamicMessage.newBuilder(plain).setField(plain.findFieldByName("label"), "a").build();
        assertThat(PLANNER.plan("orders", 5, plain, tags(plain), Set.of()).apply(node)).isSameAs(node);
        Descriptors.Descriptor tagged = parse(tree.formatted("[(confluent.field_meta) = {tags: [\"PII\"]}]"), "Node");
        assertThatThrownBy(() -> PLANNER.plan("orders", 6, tagged, tags(tagged), Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("orders: field 'children': recursive message type Node holds sensitive fields and cannot be masked by a compiled plan");
    }

    @Test
    void sensitiveFieldsListsTaggedAndRuledPaths() {
        assertThat(PLANNER.sensitiveFields("orders", EVERYTHING, tags(EVERYTHING)).keySet()).containsExactlyInAnyOrder(
                "email", "small", "big", "signed_amount", "ratio", "weight", "flag", "blob", "color", "born", "nick", "phone",
                "gone", "aliases", "by_name", "by_id.name", "owner.name", "friends.name", "ship_to.street", "card",
                "secret_person", "name");
    }

    /** The inline tags of the schema a message type belongs to, as the registry's parser reports them. */
    static Map<String, Set<String>> tags(Descriptors.Descriptor type) {
        return PARSED.get(type.getFile());
    }

    static Descriptors.Descriptor parse(String proto, String message) {
        ProtobufParsedSchema parsed = (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF, proto);
        PARSED.put(parsed.fileDescriptor(), parsed.inlineTags());
        return parsed.fileDescriptor().findMessageTypeByName(message);
    }
}
