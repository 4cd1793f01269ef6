package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.classify.ClassificationBook;
import io.jitmask.classify.ClassifiedField;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Default-deny datasets: only public paths pass; what cannot be walked safely fails closed; history still counts. */
class DefaultDenyTest {
    static final Policy POLICY = PolicyLoader.parse("""
            version: 1
            tags:
              EMAIL: {technique: {type: hmac, prefix: "tok_"}}
              PII:
                technique: {type: redact}
                approval: {approvers: 1, roles: [dpo], maxDurationSeconds: 60}
            datasets:
              vault:
                mode: defaultDeny
                default: {technique: {type: redact}, tags: [PII]}
                public: [id, address, tags]
                fields:
                  email: {tags: [EMAIL]}
            """);

    static Schema schema(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"V\",\"namespace\":\"vault\",\"fields\":[" + fields + "]}");
    }

    @Test
    void onlyPublicPathsAndTheirChildrenPassEverythingElseGetsTheDefault() {
        Schema schema = schema("""
                {"name":"id","type":"string"},{"name":"email","type":"string"},{"name":"score","type":["null","int"],"default":null},
                {"name":"address","type":{"type":"record","name":"A","fields":[{"name":"city","type":"string"}]}},
                {"name":"other","type":{"type":"record","name":"O","fields":[{"name":"note","type":"string"}]}},
                {"name":"tags","type":{"type":"array","items":"string"}},{"name":"codes","type":{"type":"array","items":"string"}}""");
        PolicyMaskEngine engine = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);
        GenericRecord in = new GenericData.Record(schema);
        in.put("id", "V1");
        in.put("email", "ada@example.com");
        in.put("score", 7);
        GenericRecord address = new GenericData.Record(schema.getField("address").schema());
        address.put("city", "Bern");
        in.put("address", address);
        GenericRecord other = new GenericData.Record(schema.getField("other").schema());
        other.put("note", "secret");
        in.put("other", other);
        in.put("tags", List.of("a"));
        in.put("codes", List.of("b"));

        GenericRecord out = (GenericRecord) engine.valuePlan("vault", 1, schema, Set.of()).apply(in);
        assertThat(out.get("id")).isEqualTo("V1");
        assertThat(out.get("email").toString()).startsWith("tok_k1:");
        assertThat(out.get("score")).isEqualTo(0);
        assertThat(((GenericRecord) out.get("address")).get("city")).isEqualTo("Bern");
        assertThat(((GenericRecord) out.get("other")).get("note")).isEqualTo("REDACTED");
        assertThat(out.get("tags")).isEqualTo(List.of("a"));
        assertThat(out.get("codes")).isEqualTo(List.of("REDACTED"));
        assertThat(engine.sensitiveFields("vault", schema)).isEqualTo(Map.of("email", Set.of("EMAIL"), "score", Set.of("PII"),
                "other.note", Set.of("PII"), "codes", Set.of("PII")));
    }

    @Test
    void recordsSideBySideWithPlainValuesFailClosed() {
        PolicyMaskEngine engine = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);
        Schema mixed = schema("""
                {"name":"id","type":"string"},{"name":"either","type":["string",{"type":"record","name":"R","fields":[{"name":"x","type":"string"}]}]}""");
        assertThatThrownBy(() -> engine.valuePlan("vault", 1, mixed, Set.of())).isInstanceOf(UncoveredFieldException.class)
                .hasMessage("vault: field 'either' holds records and plain values side by side (a union or container of both):"
                        + " list it public or give it a path rule");
        Schema map = schema("""
                {"name":"id","type":"string"},{"name":"byName","type":{"type":"map","values":{"type":"record","name":"R","fields":[{"name":"x","type":"string"}]}}}""");
        assertThatThrownBy(() -> engine.valuePlan("vault", 2, map, Set.of())).isInstanceOf(UncoveredFieldException.class)
                .hasMessageStartingWith("vault: field 'byName' holds records and plain values side by side");
    }

    @Test
    void aHistoryEntryOverridesPublicAndGrowsPlansOfSchemasAlreadyCompiled() {
        ClassificationBook book = new ClassificationBook();
        PolicyMaskEngine engine = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET, book);
        Schema schema = schema("{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}");
        GenericRecord in = new GenericData.Record(schema);
        in.put("id", "V1");
        in.put("tags", List.of("a"));
        assertThat(((GenericRecord) engine.valuePlan("vault", 1, schema, Set.of()).apply(in)).get("tags")).isEqualTo(List.of("a"));
        assertThat(book.merge(new ClassifiedField("vault", "tags", List.of("PII"), null))).isTrue();
        assertThat(book.merge(new ClassifiedField("vault", "tags", List.of("PII"), null))).as("idempotent").isFalse();
        assertThat(((GenericRecord) engine.valuePlan("vault", 1, schema, Set.of()).apply(in)).get("tags")).isEqualTo(List.of("REDACTED"));
    }
}
