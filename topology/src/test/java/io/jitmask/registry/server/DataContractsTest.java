package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataContractsTest {
    static ObjectNode json(String text) {
        try {
            return (ObjectNode) SchemaStore.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void metadataMergesAsConfluentTagsAndPropertiesByKeySensitiveUnited() {
        ObjectNode under = json("{\"properties\":{\"tier\":\"1\",\"owner\":\"a\"},\"tags\":{\"R.h\":[\"X\"],\"R.f\":[\"PII\"]},"
                + "\"sensitive\":[\"tier\"]}");
        ObjectNode over = json("{\"properties\":{\"owner\":\"b\"},\"tags\":{\"R.f\":[\"EMAIL\"],\"R.g\":[\"PCI\"]},\"sensitive\":[\"owner\"]}");
        // Confluent's Metadata.mergeMetadata: a path's tags replaced (not united), properties by name, sensitive united;
        // everything sorted as its SortedMap/SortedSet fields write it.
        assertThat(DataContracts.mergeMetadata(under, over).toString()).isEqualTo("{\"tags\":{\"R.f\":[\"EMAIL\"],\"R.g\":[\"PCI\"],"
                + "\"R.h\":[\"X\"]},\"properties\":{\"owner\":\"b\",\"tier\":\"1\"},\"sensitive\":[\"owner\",\"tier\"]}");
        assertThat(DataContracts.mergeMetadata(null, over)).isSameAs(over);
        assertThat(DataContracts.mergeMetadata(under, null)).isSameAs(under);
    }

    @Test
    void metadataIsKeptInConfluentsSortedFormSoOrderDoesNotMakeAnotherSchema() {
        assertThat(DataContracts.metadata(json("{\"sensitive\":[\"b\",\"a\",\"a\"],\"properties\":{\"z\":\"1\",\"a\":\"2\"},"
                + "\"tags\":{\"R.z\":[\"Y\",\"X\",\"X\"],\"R.a\":[\"B\"],\"R.e\":[]}}")).toString())
                .isEqualTo("{\"tags\":{\"R.a\":[\"B\"],\"R.z\":[\"X\",\"Y\"]},\"properties\":{\"a\":\"2\",\"z\":\"1\"},"
                        + "\"sensitive\":[\"a\",\"b\"]}");
        assertThat(DataContracts.metadata(json("{\"properties\":{},\"tags\":{\"R.e\":[]}}"))).as("empty is none").isNull();
    }

    @Test
    void confluentVersionIsIgnoredWhenOnlyOneSideHasIt() {
        ObjectNode plain = json("{\"properties\":{\"owner\":\"a\"}}");
        ObjectNode v2 = DataContracts.withConfluentVersion(plain, 2);
        assertThat(v2.toString()).isEqualTo("{\"properties\":{\"confluent:version\":\"2\",\"owner\":\"a\"}}");
        assertThat(DataContracts.sameIgnoringVersion(plain, v2, 2)).as("stored has it, request not").isTrue();
        assertThat(DataContracts.sameIgnoringVersion(v2, plain, 2)).as("request names the stored version").isTrue();
        assertThat(DataContracts.sameIgnoringVersion(v2, plain, 3)).as("request names another version").isFalse();
        assertThat(DataContracts.sameIgnoringVersion(v2, DataContracts.withConfluentVersion(plain, 1), 1)).isFalse();
        assertThat(DataContracts.sameIgnoringVersion(null, DataContracts.withConfluentVersion(null, 1), 1)).isTrue();
    }

    @Test
    void ruleSetsMergeListByListWithLaterRulesReplacingSameNames() {
        ObjectNode under = json("{\"domainRules\":[{\"name\":\"a\",\"expr\":\"1\"},{\"name\":\"b\"}]}");
        ObjectNode over = json("{\"domainRules\":[{\"name\":\"a\",\"expr\":\"2\"}],\"migrationRules\":[{\"name\":\"m\"}]}");
        assertThat(DataContracts.mergeRuleSets(under, over)).isEqualTo(json(
                "{\"migrationRules\":[{\"name\":\"m\"}],\"domainRules\":[{\"name\":\"b\"},{\"name\":\"a\",\"expr\":\"2\"}]}"));
        // Confluent's RuleSet.enableAt: the newer setting wins, an absent one keeps the older.
        under.put("enableAt", "CLIENT");
        assertThat(DataContracts.mergeRuleSets(under, over).path("enableAt").asText()).isEqualTo("CLIENT");
        over.put("enableAt", "SERVER");
        assertThat(DataContracts.mergeRuleSets(under, over).path("enableAt").asText()).isEqualTo("SERVER");
    }

    @Test
    void rulesAreCheckedAsConfluentChecksThem() {
        assertThat(DataContracts.ruleSet(json("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":\"CEL\"}]}")))
                .isNotNull();
        assertThat(DataContracts.ruleSet(json("{\"domainRules\":[]}"))).as("empty is none").isNull();
        // Confluent's Rule defaults kind to TRANSFORM and mode to WRITEREAD.
        assertThat(DataContracts.ruleSet(json("{\"encodingRules\":[{\"name\":\"r\",\"type\":\"ENCRYPT\"}]}")).toString())
                .isEqualTo("{\"encodingRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\",\"type\":\"ENCRYPT\","
                        + "\"disabled\":false}]}");
        assertRuleSetError("{\"domainRules\":[{\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":\"CEL\"}]}", "Missing rule name");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"\",\"type\":\"CEL\"}]}", "Empty rule name");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"1r\",\"type\":\"CEL\"}]}", "Illegal initial character in rule name: 1r");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"r.s\",\"type\":\"CEL\"}]}", "Illegal character in rule name: r.s");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\"}]}", "Missing rule type");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"r\",\"mode\":\"WRITE\",\"type\":\"CEL\",\"onFailure\":\"ERROR,NONE\"}]}",
                "Multiple actions only valid with WRITEREAD and UPDOWN");
        assertRuleSetError("{\"migrationRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"type\":\"JSONATA\"}]}",
                "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"UPGRADE\",\"type\":\"CEL\"}]}",
                "Domain rules can only be WRITE, READ, WRITEREAD");
        assertRuleSetError("{\"encodingRules\":[{\"name\":\"r\",\"mode\":\"UPDOWN\",\"type\":\"ENCRYPT\"}]}",
                "Encoding rules can only be WRITE, READ, WRITEREAD");
        assertRuleSetError("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":\"CEL\"},"
                + "{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"READ\",\"type\":\"CEL\"}]}", "Found rule with duplicate name 'r'");
    }

    static void assertRuleSetError(String ruleSet, String reason) {
        assertThatThrownBy(() -> DataContracts.ruleSet(json(ruleSet))).isInstanceOfSatisfying(RegistryError.class, e -> {
            assertThat(e.code).isEqualTo(42210);
            assertThat(e.getMessage()).as("Confluent's RuleException message, as is").isEqualTo(reason);
        });
    }

    @Test
    void storeWritesContractsAndReferencesInConfluentRecordsAndReplaysThem() {
        SchemaStore store = new SchemaStore();
        SchemaStore.Registration address = store.register("address", SchemaParser.parse(SchemaType.JSON, "{\"type\":\"string\"}"),
                null, null, null, null);
        store.apply(address.change().key(), address.change().value());
        List<SchemaReference> refs = List.of(new SchemaReference("address.json", "address", 1));
        SchemaStore.Registration customer = store.register("customer",
                SchemaParser.parse(SchemaType.JSON, "{\"$ref\":\"address.json\"}", refs, store.resolve(refs)),
                json("{\"properties\":{\"owner\":\"crm\"}}"), null, null, null);
        assertThat(customer.change().value()).isEqualTo("{\"subject\":\"customer\",\"version\":1,\"id\":2,\"schemaType\":\"JSON\","
                + "\"references\":[{\"name\":\"address.json\",\"subject\":\"address\",\"version\":1}],"
                + "\"metadata\":{\"properties\":{\"owner\":\"crm\"}},\"schema\":\"{\\\"$ref\\\":\\\"address.json\\\"}\",\"deleted\":false}");
        store.apply(customer.change().key(), customer.change().value());
        assertThat(store.referencedBy("address", 1)).containsExactly(2);

        SchemaStore replayed = new SchemaStore();
        replayed.apply(address.change().key(), address.change().value());
        replayed.apply(customer.change().key(), customer.change().value());
        assertThat(replayed.all("customer")).isEqualTo(store.all("customer"));
        assertThat(replayed.parsed(replayed.byId(2)).resolvedReferences()).containsEntry("address.json", "{\"type\":\"string\"}");
    }
}
