package io.jitmask.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.audit.AuditEvent;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.testing.MaskingDriver;
import io.jitmask.serde.AvroCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever schema a producer registers, what was sensitive stays masked: tags removed, a tag moved, a field
 * renamed with an alias, nested, array, map and union paths, a schema id of another subject, a new field of a
 * default-deny dataset, a deleted earlier version and a restart between versions. Exact outputs, exact audit.
 */
class ClassificationProcessorTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHOP = "raw.shop-value";

    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              EMAIL: {technique: {type: hmac, prefix: "tok_"}}
              PII: {technique: {type: redact}}
            datasets:
              shop:
                declassified:
                  - {path: nickname, by: dana, reason: "DPO-7 nicknames are chosen to be public"}
              vault:
                mode: defaultDeny
                default: {technique: {type: redact}, tags: [PII]}
                public: [id, city]
            """);

    /** v1 of shop: every kind of path tagged. */
    static final Schema TAGGED = schema("""
            {"type":"record","name":"Customer","namespace":"shop","fields":[
              {"name":"id","type":"string"},
              {"name":"email","type":"string","confluent:tags":["PII","EMAIL"]},
              {"name":"nickname","type":"string","confluent:tags":["PII"]},
              {"name":"address","type":{"type":"record","name":"Address","fields":[
                 {"name":"street","type":"string","confluent:tags":["PII"]},
                 {"name":"city","type":"string"}]}},
              {"name":"phones","type":{"type":"array","items":{"type":"record","name":"Phone","fields":[
                 {"name":"number","type":"string","confluent:tags":["PII"]}]}}},
              {"name":"attrs","type":{"type":"map","values":{"type":"record","name":"Attr","fields":[
                 {"name":"secret","type":"string","confluent:tags":["PII"]}]}}},
              {"name":"contact","type":["null",{"type":"record","name":"Contact","fields":[
                 {"name":"handle","type":"string","confluent:tags":["PII"]}]}],"default":null}]}""");

    /** v2 of shop: the same record, every tag removed (what the issue saw a producer do). */
    static final Schema UNTAGGED = schema(TAGGED.toString().replaceAll(",\"confluent:tags\":\\[[^]]*]", ""));

    MaskingDriver app;
    InMemorySchemaRegistryClient registry;
    AvroCodec codec;

    @BeforeEach
    void setUp() {
        app = new MaskingDriver(POLICY, List.of("shop", "vault"), "classification-test", NOW);
        registry = app.registry();
        codec = new AvroCodec(registry);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    static Schema schema(String json) {
        return new Schema.Parser().parse(json);
    }

    static GenericRecord shopRecord(Schema schema, String secret) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("id", "S1");
        r.put("email", secret + "@example.com");
        r.put("nickname", "nick");
        GenericRecord address = new GenericData.Record(schema.getField("address").schema());
        address.put("street", secret + " street");
        address.put("city", "Basel");
        r.put("address", address);
        GenericRecord phone = new GenericData.Record(schema.getField("phones").schema().getElementType());
        phone.put("number", secret + "-phone");
        r.put("phones", List.of(phone));
        GenericRecord attr = new GenericData.Record(schema.getField("attrs").schema().getValueType());
        attr.put("secret", secret + "-attr");
        r.put("attrs", Map.of("k", attr));
        GenericRecord contact = new GenericData.Record(schema.getField("contact").schema().getTypes().get(1));
        contact.put("handle", secret + "-handle");
        r.put("contact", contact);
        return r;
    }

    void produce(String dataset, int schemaId, Schema schema, GenericRecord record) {
        app.produce(dataset, "S1", codec.encode(schemaId, schema, record));
    }

    List<GenericRecord> masked(String dataset) {
        return app.masked(dataset).stream().map(v -> (GenericRecord) codec.decode(v).datum()).toList();
    }

    List<JsonNode> dlq() {
        return app.dlq().stream().map(ClassificationProcessorTest::json).toList();
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sub(GenericRecord r, String field, String inner) {
        Object value = r.get(field);
        if (value instanceof List<?> list) {
            value = list.get(0);
        } else if (value instanceof Map<?, ?> map) {
            value = map.values().iterator().next();
        }
        return String.valueOf(((GenericRecord) value).get(inner));
    }

    @Test
    void tagsRemovedInANewVersionKeepEveryFieldMaskedAtEveryDepth() {
        int v1 = registry.register(SHOP, TAGGED);
        int v2 = registry.register(SHOP, UNTAGGED);

        produce("shop", v2, UNTAGGED, shopRecord(UNTAGGED, "CANARY"));

        GenericRecord out = masked("shop").get(0);
        assertThat(out.get("id")).hasToString("S1");
        assertThat(out.get("email").toString()).startsWith("tok_k1:").doesNotContain("CANARY");
        assertThat(sub(out, "address", "street")).isEqualTo("REDACTED");
        assertThat(sub(out, "address", "city")).isEqualTo("Basel");
        assertThat(sub(out, "phones", "number")).isEqualTo("REDACTED");
        assertThat(sub(out, "attrs", "secret")).isEqualTo("REDACTED");
        assertThat(sub(out, "contact", "handle")).isEqualTo("REDACTED");
        assertThat(out.get("nickname")).as("declassified by the policy: history no longer holds it").hasToString("nick");
        assertThat(dlq()).isEmpty();

        List<AuditEvent> events = app.audit();
        assertThat(events).hasSize(1);
        AuditEvent changed = events.get(0);
        assertThat(changed.type()).isEqualTo(AuditEvent.Type.SCHEMA_CHANGED);
        assertThat(changed.requestId()).isEqualTo("schema/raw.shop-value/2");
        assertThat(changed.dataset()).isEqualTo("shop");
        assertThat(changed.schema().subject()).isEqualTo(SHOP);
        assertThat(changed.schema().version()).isEqualTo(2);
        assertThat(changed.schema().id()).isEqualTo(v2);
        ClassificationDiff diff = changed.schema().changes();
        assertThat(diff.fieldsAdded()).isEmpty();
        assertThat(diff.fieldsRemoved()).isEmpty();
        assertThat(diff.tagsAdded()).isEmpty();
        assertThat(diff.tagsRemoved()).isEqualTo(Map.of("email", List.of("PII", "EMAIL"), "nickname", List.of("PII"),
                "address.street", List.of("PII"), "phones.number", List.of("PII"), "attrs.secret", List.of("PII"),
                "contact.handle", List.of("PII")));
        assertThat(diff.keptSensitive()).containsExactly("email", "address.street", "phones.number", "attrs.secret", "contact.handle");

        assertThat(app.classificationRecords()).extracting(kv -> kv.key).containsExactly(
                "field/shop/email/tag/PII", "field/shop/email/tag/EMAIL", "field/shop/nickname/tag/PII",
                "field/shop/address.street/tag/PII", "field/shop/phones.number/tag/PII", "field/shop/attrs.secret/tag/PII",
                "field/shop/contact.handle/tag/PII", "version/raw.shop-value/2");
        assertThat(v1).isNotEqualTo(v2);
    }

    @Test
    void theFirstRecordOfAVersionIsAnnouncedOnceAndAnOlderVersionIsMaskedWithWhatALaterOneTagged() {
        Schema emailTagged = schema("""
                {"type":"record","name":"C","namespace":"shop","fields":[
                  {"name":"id","type":"string"},{"name":"email","type":"string","confluent:tags":["EMAIL"]},
                  {"name":"name","type":"string"}]}""");
        Schema nameTagged = schema("""
                {"type":"record","name":"C","namespace":"shop","fields":[
                  {"name":"id","type":"string"},{"name":"email","type":"string"},
                  {"name":"name","type":"string","confluent:tags":["PII"]}]}""");
        int v1 = registry.register(SHOP, emailTagged);
        GenericRecord first = new GenericData.Record(emailTagged);
        first.put("id", "S1");
        first.put("email", "ada@example.com");
        first.put("name", "Ada");
        produce("shop", v1, emailTagged, first);
        produce("shop", v1, emailTagged, first);
        int v2 = registry.register(SHOP, nameTagged);
        GenericRecord moved = new GenericData.Record(nameTagged);
        moved.put("id", "S2");
        moved.put("email", "bob@example.com");
        moved.put("name", "Bob");
        produce("shop", v2, nameTagged, moved);
        // The tag moved: a record still written with v1 now has name masked too.
        produce("shop", v1, emailTagged, first);

        List<GenericRecord> out = masked("shop");
        assertThat(out).hasSize(4);
        assertThat(out.get(0).get("name")).hasToString("Ada");
        assertThat(out.get(0).get("email").toString()).startsWith("tok_k1:");
        assertThat(out.get(2).get("email").toString()).as("tag moved away: still masked").startsWith("tok_k1:");
        assertThat(out.get(2).get("name")).hasToString("REDACTED");
        assertThat(out.get(3).get("name")).hasToString("REDACTED");
        assertThat(out.get(3).get("email").toString()).startsWith("tok_k1:");

        List<AuditEvent> events = app.audit();
        assertThat(events).extracting(AuditEvent::requestId).containsExactly("schema/raw.shop-value/1", "schema/raw.shop-value/2");
        assertThat(events.get(0).schema().changes().fieldsAdded()).containsExactly("id", "email", "name");
        assertThat(events.get(0).schema().changes().tagsAdded()).isEqualTo(Map.of("email", List.of("EMAIL")));
        ClassificationDiff second = events.get(1).schema().changes();
        assertThat(second.tagsAdded()).isEqualTo(Map.of("name", List.of("PII")));
        assertThat(second.tagsRemoved()).isEqualTo(Map.of("email", List.of("EMAIL")));
        assertThat(second.keptSensitive()).containsExactly("email");
    }

    @Test
    void aFieldRenamedWithAnAliasKeepsItsClassificationAndTechnique() {
        Schema before = schema("""
                {"type":"record","name":"C","namespace":"shop","fields":[
                  {"name":"id","type":"string"},{"name":"email","type":"string","confluent:tags":["PII","EMAIL"]}]}""");
        Schema renamed = schema("""
                {"type":"record","name":"C","namespace":"shop","fields":[
                  {"name":"id","type":"string"},{"name":"mail","type":"string","aliases":["email"]}]}""");
        Schema aliasDropped = schema("""
                {"type":"record","name":"C","namespace":"shop","fields":[
                  {"name":"id","type":"string"},{"name":"mail","type":"string"}]}""");
        registry.register(SHOP, before);
        int v2 = registry.register(SHOP, renamed);
        int v3 = registry.register(SHOP, aliasDropped);
        GenericRecord record = new GenericData.Record(renamed);
        record.put("id", "S1");
        record.put("mail", "ada@example.com");
        produce("shop", v2, renamed, record);
        GenericRecord later = new GenericData.Record(aliasDropped);
        later.put("id", "S1");
        later.put("mail", "ada@example.com");
        produce("shop", v3, aliasDropped, later);

        List<GenericRecord> out = masked("shop");
        assertThat(out.get(0).get("mail").toString()).as("EMAIL's technique").startsWith("tok_k1:").doesNotContain("ada");
        assertThat(out.get(1).get("mail").toString()).as("the rename is remembered under the new name").isEqualTo(out.get(0).get("mail").toString());
        assertThat(app.book().field("shop", "mail").tags()).containsExactly("PII", "EMAIL");
        assertThat(app.audit().get(0).schema().changes().keptSensitive()).containsExactly("mail");
    }

    @Test
    void aSchemaIdRegisteredUnderAnotherSubjectIsDeadLettered() {
        registry.register(SHOP, TAGGED);
        int foreign = registry.register("raw.other-value", UNTAGGED);

        produce("shop", foreign, UNTAGGED, shopRecord(UNTAGGED, "CANARY"));
        produce("shop", foreign, UNTAGGED, shopRecord(UNTAGGED, "CANARY"));

        assertThat(masked("shop")).isEmpty();
        List<JsonNode> letters = dlq();
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).get("errorClass").asText()).isEqualTo(SchemaNotForDatasetException.class.getName());
        assertThat(letters.get(0).get("message").asText())
                .isEqualTo("shop: schema id " + foreign + " is not registered under subject raw.shop-value");
        assertThat(letters.get(1).get("message").asText()).isEqualTo(letters.get(0).get("message").asText());
        assertThat(letters.toString()).doesNotContain("CANARY");
        assertThat(app.audit()).isEmpty();
    }

    @Test
    void aNewFieldOfADefaultDenyDatasetIsMaskedByTheDatasetsDefault() {
        Schema v1 = schema("""
                {"type":"record","name":"V","namespace":"vault","fields":[
                  {"name":"id","type":"string"},{"name":"city","type":"string"}]}""");
        Schema v2 = schema("""
                {"type":"record","name":"V","namespace":"vault","fields":[
                  {"name":"id","type":"string"},{"name":"city","type":"string"},
                  {"name":"ssn","type":"string","default":""},{"name":"score","type":"int","default":0},
                  {"name":"extra","type":["null",{"type":"record","name":"Extra","fields":[{"name":"note","type":"string"}]}],"default":null}]}""");
        registry.register("raw.vault-value", v1);
        int id2 = registry.register("raw.vault-value", v2);
        GenericRecord record = new GenericData.Record(v2);
        record.put("id", "V1");
        record.put("city", "Bern");
        record.put("ssn", "756.1234.5678.97");
        record.put("score", 712);
        GenericRecord extra = new GenericData.Record(v2.getField("extra").schema().getTypes().get(1));
        extra.put("note", "secret note");
        record.put("extra", extra);
        produce("vault", id2, v2, record);

        GenericRecord out = masked("vault").get(0);
        assertThat(out.get("id")).hasToString("V1");
        assertThat(out.get("city")).hasToString("Bern");
        assertThat(out.get("ssn")).hasToString("REDACTED");
        assertThat(out.get("score")).isEqualTo(0);
        assertThat(sub(out, "extra", "note")).isEqualTo("REDACTED");
        AuditEvent changed = app.audit().get(0);
        assertThat(changed.schema().changes().fieldsAdded()).containsExactly("ssn", "score", "extra", "extra.note");
    }

    @Test
    void aPermanentlyDeletedVersionIsRememberedAcrossARestartThroughTheClassificationTopic() {
        int v1 = registry.register(SHOP, TAGGED);
        produce("shop", v1, TAGGED, shopRecord(TAGGED, "FIRST"));
        List<KeyValue<String, String>> written = app.classificationRecords();
        assertThat(written).extracting(kv -> kv.key).contains("field/shop/email/tag/EMAIL", "version/raw.shop-value/1");

        // Restart: a new instance whose global store is restored from jit.classification, and v1 is gone for good.
        app.restart();
        registry.deletePermanently(SHOP, 1);
        int v2 = registry.register(SHOP, UNTAGGED);
        assertThat(app.book().fields("shop")).isEmpty();
        app.replayClassification(written);
        assertThat(app.book().fields("shop")).containsOnlyKeys("email", "nickname", "address.street", "phones.number",
                "attrs.secret", "contact.handle");

        produce("shop", v2, UNTAGGED, shopRecord(UNTAGGED, "SECOND"));

        GenericRecord out = masked("shop").get(0);
        assertThat(out.get("email").toString()).startsWith("tok_k1:");
        assertThat(sub(out, "address", "street")).isEqualTo("REDACTED");
        assertThat(sub(out, "contact", "handle")).isEqualTo("REDACTED");
        assertThat(app.classificationRecords()).as("only what is new: the version marker").extracting(kv -> kv.key)
                .containsExactly("version/raw.shop-value/2");
        List<AuditEvent> events = app.audit();
        assertThat(events).extracting(AuditEvent::requestId).containsExactly("schema/raw.shop-value/2");
        assertThat(events.get(0).schema().changes().fieldsAdded()).as("v1 is gone: v2 is the subject's first version")
                .contains("email");
        assertThat(events.get(0).schema().changes().keptSensitive()).contains("email", "address.street");
    }

    @Test
    void aVersionAnnouncedBeforeARestartIsNotAnnouncedAgain() {
        int v1 = registry.register(SHOP, TAGGED);
        produce("shop", v1, TAGGED, shopRecord(TAGGED, "FIRST"));
        List<KeyValue<String, String>> written = app.classificationRecords();
        assertThat(app.audit()).hasSize(1);

        app.restart();
        app.replayClassification(written);
        produce("shop", v1, TAGGED, shopRecord(TAGGED, "AGAIN"));

        assertThat(masked("shop")).hasSize(1);
        assertThat(app.audit()).isEmpty();
        assertThat(app.classificationRecords()).isEmpty();
    }

    @Test
    void classificationRecordsHoldPathsAndTagsOnly() {
        int v1 = registry.register(SHOP, TAGGED);
        produce("shop", v1, TAGGED, shopRecord(TAGGED, "CANARY"));
        Map<String, String> records = new LinkedHashMap<>();
        app.classificationRecords().forEach(kv -> records.put(kv.key, kv.value));
        assertThat(records.get("field/shop/email/tag/EMAIL")).isEqualTo("{\"dataset\":\"shop\",\"path\":\"email\",\"tags\":[\"EMAIL\"]}");
        assertThat(records.get("version/raw.shop-value/1"))
                .isEqualTo("{\"dataset\":\"shop\",\"subject\":\"raw.shop-value\",\"version\":1,\"id\":" + v1 + "}");
        assertThat(records.toString()).doesNotContain("CANARY");
    }
}
