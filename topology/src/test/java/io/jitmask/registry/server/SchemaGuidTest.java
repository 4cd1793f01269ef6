package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.schema.SchemaReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GUID is Confluent's: the vectors of Confluent's {@code SchemaMD5RegressionTest} golden data (its Avro schema
 * with and without its references, metadata and rule set) give Confluent's GUIDs.
 */
class SchemaGuidTest {
    static final String AVRO = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"io.confluent.kafka.example\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"},{\"name\":\"ssn\",\"type\":\"string\"},{\"name\":\"user\",\"type\":\"io.confluent.kafka.example.User\"},{\"name\":\"address\",\"type\":\"io.confluent.kafka.example.Address\"}]}";
    static final List<SchemaReference> REFERENCES = List.of(
            new SchemaReference("io.confluent.kafka.example.User", "User", 1),
            new SchemaReference("io.confluent.kafka.example.Address", "Address", 2));
    static final String METADATA = "{\"tags\":{\"environment\":[\"production\",\"staging\"],\"team\":[\"data-engineering\"]},\"properties\":{\"description\":\"Person schema for user management\",\"owner\":\"data-team\",\"version\":\"1.0.0\"},\"sensitive\":[\"credit-card\",\"ssn\"]}";
    static final String RULES = "{\"migrationRules\":[{\"name\":\"upgrade-rule-1\",\"doc\":\"Upgrade rule for field changes\",\"kind\":\"TRANSFORM\",\"mode\":\"UPGRADE\",\"type\":\"FIELD_UPDATE\",\"tags\":[\"PERSON\"],\"params\":{\"field\":\"name\"},\"expr\":\"field.name = field.name.toUpperCase()\",\"onSuccess\":\"none\",\"onFailure\":\"error\",\"disabled\":false},{\"name\":\"downgrade-rule-1\",\"doc\":\"Downgrade rule for compatibility\",\"kind\":\"TRANSFORM\",\"mode\":\"DOWNGRADE\",\"type\":\"FIELD_DELETE\",\"tags\":[\"PERSON\"],\"params\":{\"field\":\"ssn\"},\"expr\":\"delete field.ssn\",\"onSuccess\":\"none\",\"onFailure\":\"error\",\"disabled\":false}],\"domainRules\":[{\"name\":\"validation-rule-1\",\"doc\":\"Validate age field\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":\"FIELD_VALIDATION\",\"tags\":[\"PERSON\"],\"params\":{\"field\":\"age\"},\"expr\":\"field.age >= 0 && field.age <= 150\",\"onSuccess\":\"none\",\"onFailure\":\"error\",\"disabled\":false},{\"name\":\"masking-rule-1\",\"doc\":\"Mask sensitive data on read\",\"kind\":\"TRANSFORM\",\"mode\":\"READ\",\"type\":\"DATA_MASKING\",\"tags\":[\"PERSON\"],\"params\":{\"field\":\"ssn\"},\"expr\":\"field.ssn = '***-**-****'\",\"onSuccess\":\"none\",\"onFailure\":\"error\",\"disabled\":false}]}";

    @Test
    void guidsAreConfluents() {
        assertThat(SchemaGuid.of(AVRO, List.of(), null, null)).isEqualTo("d629bb05-ad85-3d20-fbcb-895de3c459f7");
        assertThat(SchemaGuid.of(AVRO, REFERENCES, null, null)).isEqualTo("5c08d70e-5347-41b2-6369-199425d044eb");
        assertThat(SchemaGuid.of(AVRO, List.of(), DataContractsTest.json(METADATA), null)).isEqualTo("2034166c-90a8-1166-0ff2-f5f62c80dbe0");
        assertThat(SchemaGuid.of(AVRO, List.of(), null, DataContractsTest.json(RULES))).isEqualTo("c0708b8f-65f6-b698-bffe-45c1dfa8987c");
        assertThat(SchemaGuid.of(AVRO, REFERENCES, DataContractsTest.json(METADATA), DataContractsTest.json(RULES)))
                .isEqualTo("589556fb-ad98-e8e0-94fa-e6da3455433a");
        assertThat(SchemaGuid.of(AVRO, REFERENCES, DataContracts.metadata(DataContractsTest.json(METADATA)),
                DataContracts.ruleSet(DataContractsTest.json(RULES)))).as("in jitmask's stored form too").isEqualTo("589556fb-ad98-e8e0-94fa-e6da3455433a");
    }
}
