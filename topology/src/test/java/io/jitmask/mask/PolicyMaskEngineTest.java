package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.sample.SampleSchemas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Plans over whole schemas: nesting, collections, unions, clear paths, path rules, and failing closed. */
class PolicyMaskEngineTest {
    static final Policy POLICY = PolicyLoader.load(Path.of("../deploy/policy.yaml"));
    static final PolicyMaskEngine ENGINE = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);

    static final Schema NESTED = new Schema.Parser().parse("""
            {"type":"record","name":"Outer","fields":[
              {"name":"id","type":"string"},
              {"name":"contacts","type":{"type":"array","items":{"type":"record","name":"Contact","fields":[
                 {"name":"kind","type":"string"},
                 {"name":"value","type":"string","confluent:tags":["NATIONAL_ID"]}]}}},
              {"name":"byName","type":{"type":"map","values":"Contact"}},
              {"name":"maybe","type":["null","Contact"],"default":null},
              {"name":"notes","type":{"type":"array","items":"string"},"confluent:tags":["FREE_TEXT"]},
              {"name":"plain","type":"string"}]}""");

    static GenericRecord contact(String kind, String value) {
        GenericRecord c = new GenericData.Record(NESTED.getField("byName").schema().getValueType());
        c.put("kind", kind);
        c.put("value", value);
        return c;
    }

    static GenericRecord nested() {
        GenericRecord r = new GenericData.Record(NESTED);
        r.put("id", "X1");
        r.put("contacts", List.of(contact("ssn", "111-22-3333"), contact("passport", "P123")));
        r.put("byName", Map.of("home", contact("ssn", "999-88-7777")));
        r.put("maybe", contact("ssn", "555-44-3333"));
        r.put("notes", List.of("secret note"));
        r.put("plain", "visible");
        return r;
    }

    @Test
    void masksInsideArraysMapsAndUnionsOfRecords() {
        GenericRecord in = nested();
        GenericRecord out = (GenericRecord) ENGINE.valuePlan("things", 1, NESTED, Set.of()).apply(in);
        assertThat(GenericData.get().validate(NESTED, out)).isTrue();
        assertThat(out.get("id")).isEqualTo("X1");
        assertThat(out.get("plain")).isEqualTo("visible");
        assertThat(((List<?>) out.get("contacts")).stream().map(c -> ((GenericRecord) c).get("value").toString()))
                .containsExactly("REDACTED", "REDACTED");
        assertThat(((List<?>) out.get("contacts")).stream().map(c -> ((GenericRecord) c).get("kind").toString()))
                .containsExactly("ssn", "passport");
        assertThat(((GenericRecord) ((Map<?, ?>) out.get("byName")).get("home")).get("value")).isEqualTo("REDACTED");
        assertThat(((GenericRecord) out.get("maybe")).get("value")).isEqualTo("REDACTED");
        assertThat(out.get("notes")).isEqualTo(List.of("REDACTED"));
        assertThat(((GenericRecord) in.get("maybe")).get("value")).as("input untouched").isEqualTo("555-44-3333");
    }

    @Test
    void clearPathsLeaveExactlyThoseFieldsInClear() {
        Schema customers = SampleSchemas.of("customers");
        assertThat(ENGINE.sensitiveFields("customers", customers)).containsOnlyKeys("name", "email", "phone", "nationalId",
                "dateOfBirth", "address.street", "address.postalCode", "bio");
        assertThat(ENGINE.sensitiveFields("customers", customers).get("email")).containsExactly("PII", "EMAIL");
        GenericRecord record = io.jitmask.testing.TestCustomers.customer("C1");
        GenericRecord out = (GenericRecord) ENGINE.valuePlan("customers", 1, customers, Set.of("email", "address.street"))
                .apply(record);
        assertThat(out.get("email")).isEqualTo(record.get("email"));
        assertThat(((GenericRecord) out.get("address")).get("street")).isEqualTo("12 Canary Street");
        assertThat(((GenericRecord) out.get("address")).get("postalCode")).isNotEqualTo("99001");
        assertThat(out.get("nationalId")).isEqualTo("REDACTED");
        assertThat(ENGINE.valuePlan("customers", 1, customers, Set.of("email", "address.street")))
                .as("compiled once, reused").isSameAs(ENGINE.valuePlan("customers", 1, customers, Set.of("address.street", "email")));
    }

    @Test
    void uncoveredOrUnknownTagsFailAtCompileTime() {
        Schema unknownTag = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"iris\",\"type\":\"bytes\",\"confluent:tags\":[\"BIOMETRIC\"]}]}");
        assertThatThrownBy(() -> ENGINE.valuePlan("things", 9, unknownTag, Set.of())).isInstanceOf(UncoveredFieldException.class)
                .hasMessage("things: field 'iris' is tagged BIOMETRIC, a tag the policy does not define");
        Policy noTechnique = PolicyLoader.parse("version: 1\ntags: {PII: {sensitivity: low}}\n");
        Schema tagged = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"n\",\"type\":\"string\",\"confluent:tags\":[\"PII\"]}]}");
        assertThatThrownBy(() -> new PolicyMaskEngine(noTechnique, TechniquesTest.KEYSET).valuePlan("d", 1, tagged, Set.of()))
                .isInstanceOf(UncoveredFieldException.class)
                .hasMessage("d: field 'n' is tagged [PII] but the policy gives none of these tags a technique");
    }

    @Test
    void pathRulesAddTagsAndOverrideTechniques() {
        Policy policy = PolicyLoader.parse("""
                version: 1
                tags:
                  PII: {technique: {type: redact}}
                datasets:
                  customers:
                    fields:
                      accountManager: {tags: [PII]}
                      email: {technique: {type: email}}
                """);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, TechniquesTest.KEYSET);
        Schema customers = SampleSchemas.of("customers");
        Schema withoutUnknownTags = new Schema.Parser().parse(customers.toString().replaceAll(",\"confluent:tags\":\\[[^]]*]", ""));
        GenericRecord out = (GenericRecord) engine.valuePlan("customers", 3, withoutUnknownTags, Set.of())
                .apply(io.jitmask.testing.TestCustomers.customer("C1"));
        assertThat(out.get("accountManager")).isEqualTo("REDACTED");
        assertThat(out.get("email").toString()).matches("k1\\.[0-9a-f]{16}@example\\.com");
        assertThat(out.get("name")).isEqualTo("Ada Canary");
    }

    @Test
    void schemaEvolutionRemovedFieldsAreFineNewUncoveredTagsAreNot() {
        Schema customers = SampleSchemas.of("customers");
        Schema removed = new Schema.Parser().parse(customers.toString()
                .replace("{\"name\":\"nationalId\",\"type\":\"string\",\"confluent:tags\":[\"PII\",\"NATIONAL_ID\"]},", ""));
        assertThat(removed.getField("nationalId")).isNull();
        assertThat(ENGINE.valuePlan("customers", 2, removed, Set.of())).isNotNull();
        Schema added = new Schema.Parser().parse(customers.toString().replace("{\"name\":\"segment\"",
                "{\"name\":\"voiceprint\",\"type\":\"bytes\",\"default\":\"\",\"confluent:tags\":[\"BIOMETRIC\"]},{\"name\":\"segment\""));
        assertThatThrownBy(() -> ENGINE.valuePlan("customers", 3, added, Set.of())).isInstanceOf(UncoveredFieldException.class)
                .hasMessageContaining("voiceprint");
    }

    @Test
    void recursiveSchemasFailClosed() {
        Schema recursive = new Schema.Parser().parse("""
                {"type":"record","name":"Node","fields":[
                  {"name":"secret","type":"string","confluent:tags":["NATIONAL_ID"]},
                  {"name":"next","type":["null","Node"],"default":null}]}""");
        assertThatThrownBy(() -> ENGINE.valuePlan("graph", 1, recursive, Set.of())).isInstanceOf(UncoveredFieldException.class)
                .hasMessageContaining("recursive record type Node");
    }

    @Test
    void stringKeysAreMaskedOnlyWhereThePolicySaysSo() {
        assertThat(ENGINE.maskStringKey("customers", "C1")).isEqualTo("C1");
        assertThat(ENGINE.maskStringKey("patients", "PT1")).startsWith("pt_k1:").isNotEqualTo("PT1");
        assertThat(ENGINE.maskStringKey("patients", "PT1")).isEqualTo(ENGINE.maskStringKey("patients", "PT1"));
    }

    static final Schema UNION_OF_RECORDS = new Schema.Parser().parse("""
            [{"type":"record","name":"Person","fields":[
               {"name":"ssn","type":"string","confluent:tags":["NATIONAL_ID"]},{"name":"city","type":"string"}]},
             {"type":"record","name":"Company","fields":[
               {"name":"ssn","type":"string"},{"name":"owner","type":"string","confluent:tags":["NATIONAL_ID"]}]}]""");

    @Test
    void topLevelUnionsOfRecordsAreMaskedNotPassedThrough() {
        GenericRecord person = new GenericData.Record(UNION_OF_RECORDS.getTypes().get(0));
        person.put("ssn", "111-22-3333");
        person.put("city", "Bern");
        GenericRecord company = new GenericData.Record(UNION_OF_RECORDS.getTypes().get(1));
        company.put("ssn", "not-secret");
        company.put("owner", "999-88-7777");
        MaskPlan plan = ENGINE.valuePlan("parties", 1, UNION_OF_RECORDS, Set.of());
        GenericRecord maskedPerson = (GenericRecord) plan.apply(person);
        assertThat(maskedPerson.get("ssn")).isEqualTo("REDACTED");
        assertThat(maskedPerson.get("city")).isEqualTo("Bern");
        GenericRecord maskedCompany = (GenericRecord) plan.apply(company);
        assertThat(maskedCompany.get("ssn")).isEqualTo("not-secret");
        assertThat(maskedCompany.get("owner")).isEqualTo("REDACTED");
        assertThat(GenericData.get().validate(UNION_OF_RECORDS, maskedCompany)).isTrue();
        assertThat(ENGINE.sensitiveFields("parties", UNION_OF_RECORDS)).containsOnlyKeys("ssn", "owner");
        assertThat(ENGINE.keyPlan("parties", 1, UNION_OF_RECORDS, Set.of()).apply(person))
                .as("a record key is masked by its tags too").extracting(r -> ((GenericRecord) r).get("ssn")).isEqualTo("REDACTED");
        Schema arrayOfRecords = Schema.createArray(UNION_OF_RECORDS.getTypes().get(0));
        assertThat(ENGINE.valuePlan("parties", 2, arrayOfRecords, Set.of()).apply(List.of(person)))
                .asList().extracting(r -> ((GenericRecord) r).get("ssn")).containsExactly("REDACTED");
    }

    @Test
    void recursiveTypesWithoutSensitiveFieldsAreFine() {
        Schema doc = new Schema.Parser().parse("""
                {"type":"record","name":"Doc","fields":[
                  {"name":"secret","type":"string","confluent:tags":["NATIONAL_ID"]},
                  {"name":"tree","type":{"type":"record","name":"Tree","fields":[
                     {"name":"label","type":"string"},
                     {"name":"children","type":{"type":"array","items":"Tree"}}]}}]}""");
        GenericRecord leaf = new GenericData.Record(doc.getField("tree").schema());
        leaf.put("label", "leaf");
        leaf.put("children", List.of());
        GenericRecord tree = new GenericData.Record(doc.getField("tree").schema());
        tree.put("label", "root");
        tree.put("children", List.of(leaf));
        GenericRecord in = new GenericData.Record(doc);
        in.put("secret", "123-45-6789");
        in.put("tree", tree);
        GenericRecord out = (GenericRecord) ENGINE.valuePlan("docs", 1, doc, Set.of()).apply(in);
        assertThat(out.get("secret")).isEqualTo("REDACTED");
        assertThat(out.get("tree")).isEqualTo(tree);
    }

    @Test
    void aFailedCompilationIsCachedAndFailsTheSameWayEveryTime() {
        Schema unknownTag = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"iris\",\"type\":\"bytes\",\"confluent:tags\":[\"BIOMETRIC\"]}]}");
        PolicyMaskEngine engine = new PolicyMaskEngine(POLICY, TechniquesTest.KEYSET);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> engine.valuePlan("things", 9, unknownTag, Set.of())).isInstanceOf(UncoveredFieldException.class)
                    .hasMessage("things: field 'iris' is tagged BIOMETRIC, a tag the policy does not define");
        }
    }

    /** Every field of the sample customer, masked by the shipped policy with the test keyset: exact values. */
    @Test
    void shippedPolicyMasksTheSampleCustomerExactly() {
        Schema customers = SampleSchemas.of("customers");
        GenericRecord record = io.jitmask.testing.TestCustomers.customer("C1");
        GenericRecord out = (GenericRecord) ENGINE.valuePlan("customers", 11, customers, Set.of()).apply(record);
        GenericRecord address = (GenericRecord) out.get("address");
        // Tokens: base64url(HMAC-SHA256(HMAC-SHA256(material, "jitmask/token/v1"), UTF-8 value)), first 22 characters.
        assertThat(out.get("customerId")).isEqualTo("C1");
        assertThat(out.get("name")).isEqualTo("k1:AFiFbKIZ4vyRRMuWQzEa2N");
        assertThat(out.get("email")).as("EMAIL comes before PII in the policy").isEqualTo("tok_k1:gG2Ocvst__5Y1V57BPtQpR");
        assertThat(out.get("phone")).isEqualTo("*************67");
        assertThat(out.get("nationalId")).isEqualTo("REDACTED");
        assertThat(out.get("dateOfBirth")).isEqualTo(0);
        assertThat(address.get("street")).isEqualTo("k1:ltf4yXmMBjZbEU_sZJUhmJ");
        assertThat(address.get("city")).isEqualTo("Springfield");
        assertThat(address.get("postalCode")).isEqualTo("k1:VmgVYkGKizWAOPs-bnLyXA");
        assertThat(address.get("country")).isEqualTo("US");
        assertThat(out.get("bio")).isEqualTo("REDACTED");
        for (String clear : List.of("segment", "createdAt", "loyaltyPoints", "preferredLanguage", "marketingOptIn", "riskScore",
                "accountManager")) {
            assertThat(out.get(clear)).as(clear).isEqualTo(record.get(clear));
        }
        assertThat(GenericData.get().validate(customers, out)).isTrue();
        assertThat(record.get("name")).as("input untouched").isEqualTo("Ada Canary");
        assertThat(out).isNotSameAs(record);
    }

    @Test
    void dateShiftPerEntityMovesEveryDateOfOneEntityByTheSameKeyedOffset() {
        Policy policy = PolicyLoader.parse("""
                version: 1
                tags:
                  DOB: {technique: {type: shiftDate, maxDays: 30, entityField: customerId}}
                  PII: {technique: {type: redact}}
                  EMAIL: {sensitivity: low}
                  PHONE: {sensitivity: low}
                  NATIONAL_ID: {sensitivity: low}
                  FREE_TEXT: {technique: {type: freeText}}
                datasets:
                  customers:
                    fields:
                      createdAt: {tags: [DOB]}
                """);
        PolicyMaskEngine engine = new PolicyMaskEngine(policy, TechniquesTest.KEYSET);
        Schema customers = SampleSchemas.of("customers");
        MaskPlan plan = engine.valuePlan("customers", 1, customers, Set.of());
        // offset = floorMod(first 8 bytes of HMAC-SHA256(HMAC-SHA256(material, "jitmask/date-shift/v1"), id), 61) - 30
        for (Map.Entry<String, Integer> entity : Map.of("C1", -1, "C2", -7).entrySet()) {
            GenericRecord in = io.jitmask.testing.TestCustomers.customer(entity.getKey());
            GenericRecord out = (GenericRecord) plan.apply(in);
            assertThat((Integer) out.get("dateOfBirth") - (Integer) in.get("dateOfBirth")).isEqualTo(entity.getValue());
            assertThat((Long) out.get("createdAt") - (Long) in.get("createdAt")).isEqualTo(entity.getValue() * 86_400_000L);
            assertThat(out.get("customerId")).isEqualTo(entity.getKey());
            assertThat(out.get("bio")).isEqualTo("Call me at [PHONE]");
        }
        Policy misspelt = PolicyLoader.parse("""
                version: 1
                tags:
                  DOB: {technique: {type: shiftDate, entityField: customerID}}
                  PII: {technique: {type: redact}}
                  EMAIL: {sensitivity: low}
                  PHONE: {sensitivity: low}
                  NATIONAL_ID: {sensitivity: low}
                  FREE_TEXT: {technique: {type: freeText}}
                """);
        assertThatThrownBy(() -> new PolicyMaskEngine(misspelt, TechniquesTest.KEYSET).valuePlan("customers", 1, customers, Set.of()))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessage("customers: field 'dateOfBirth': technique 'shiftDate' option 'entityField' names 'customerID', "
                        + "which is not a top-level field of io.jitmask.sample.Customer");
    }
}
