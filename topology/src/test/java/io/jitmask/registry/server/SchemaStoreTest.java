package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SchemaStoreTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    static final String ADD_NO_DEFAULT = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"c\",\"type\":\"int\"}]}";
    static final String DROP_A = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    // A chain where each step is FULL-compatible with the one before, but the third is incompatible with the first
    // both ways (int cannot be read as string nor string as int): only the transitive levels see it.
    static final String C1 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
    static final String C2 = V1;
    static final String C3 = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}";

    final SchemaStore store = new SchemaStore();
    final List<SchemaStore.Change> log = new ArrayList<>();

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    int register(String subject, String schema) {
        SchemaStore.Change change = store.register(subject, parse(schema));
        if (change == null) {
            return store.lookup(subject, parse(schema)).id();
        }
        apply(change);
        return store.idOf(change);
    }

    void apply(SchemaStore.Change change) {
        log.add(change);
        store.apply(change.key(), change.value());
    }

    void level(String subject, String level) {
        apply(SchemaStore.configRecord(subject, level));
    }

    @ParameterizedTest
    @CsvSource({"NONE,true,true", "BACKWARD,false,true", "FORWARD,true,false", "FULL,false,false",
        "BACKWARD_TRANSITIVE,false,true", "FORWARD_TRANSITIVE,true,false", "FULL_TRANSITIVE,false,false"})
    void checksTheNewSchemaAgainstTheLatestByLevel(String level, boolean addWithoutDefault, boolean dropField) {
        level("add", level);
        level("drop", level);
        register("add", V1);
        register("drop", V1);
        assertThat(store.compatible("add", parse(ADD_NO_DEFAULT), store.live("add"))).isEqualTo(addWithoutDefault);
        assertThat(store.compatible("drop", parse(DROP_A), store.live("drop"))).isEqualTo(dropField);
    }

    @ParameterizedTest
    @CsvSource({"NONE,true", "BACKWARD,true", "FORWARD,true", "FULL,true",
        "BACKWARD_TRANSITIVE,false", "FORWARD_TRANSITIVE,false", "FULL_TRANSITIVE,false"})
    void transitiveLevelsCheckEveryLiveVersion(String level, boolean accepted) {
        level("chain", level);
        register("chain", C1);
        register("chain", C2);
        if (accepted) {
            assertThat(register("chain", C3)).isEqualTo(3);
            assertThat(store.live("chain")).extracting(SchemaStore.Version::version).containsExactly(1, 2, 3);
        } else {
            assertThatThrownBy(() -> store.register("chain", parse(C3)))
                    .isInstanceOfSatisfying(RegistryError.class, e -> {
                        assertThat(e.status).isEqualTo(409);
                        assertThat(e.code).as("Confluent 8's code for an incompatible schema").isEqualTo(40901);
                    })
                    .hasMessageStartingWith("Schema being registered is incompatible with an earlier schema for subject \"chain\", details: [")
                    .hasMessageContaining(", {oldSchemaVersion: 1}, ")
                    .hasMessageNotContaining("{oldSchemaVersion: 2}")
                    .hasMessageEndingWith(", {validateFields: 'false', compatibility: '" + level + "'}]");
        }
    }

    @Test
    void incompatibilityNamesPathReasonAndVersionWithoutSchemaText() {
        register("s", V1);
        assertThat(store.incompatibilities("s", parse(ADD_NO_DEFAULT), store.live("s")))
                .containsExactly("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'c' at path '/fields/1'"
                        + " in the new schema has no default value and is missing in the old schema', additionalInfo:'c'}",
                        "{oldSchemaVersion: 1}", "{validateFields: 'false', compatibility: 'BACKWARD'}");
    }

    @Test
    void writesConfluentRecords() {
        SchemaStore.Change change = store.register("orders-value", parse(V1));
        assertThat(change.key()).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}");
        assertThat(change.value()).isEqualTo("{\"subject\":\"orders-value\",\"version\":1,\"id\":1,\"schema\":"
                + "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\","
                + "\"deleted\":false}");
        assertThat(SchemaStore.configRecord(null, "FULL"))
                .isEqualTo(new SchemaStore.Change("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", "{\"compatibilityLevel\":\"FULL\"}"));
        assertThat(SchemaStore.configRecord("orders-value", null))
                .isEqualTo(new SchemaStore.Change("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}", null));
        assertThat(SchemaStore.schemaTombstone("orders-value", 2))
                .isEqualTo(new SchemaStore.Change("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":2,\"magic\":1}", null));
    }

    @Test
    void idsAreGlobalAndReusedForTheSameSchemaText() {
        assertThat(register("a-value", V1)).isEqualTo(1);
        assertThat(register("a-value", V1)).as("idempotent").isEqualTo(1);
        assertThat(register("b-value", "{ \"type\" : \"record\", \"name\" : \"T\", \"fields\" : [ {\"name\":\"a\", \"type\":\"string\"} ] }"))
                .as("same schema, other whitespace, other subject").isEqualTo(1);
        assertThat(register("a-value", C1)).isEqualTo(2);
        assertThat(store.versionsOfId(1)).extracting(SchemaStore.Version::subject).containsExactly("a-value", "b-value");
        assertThat(log).hasSize(3);
    }

    @Test
    void replayingTheRecordsRebuildsTheSameState() {
        register("a-value", V1);
        register("a-value", C1);
        level("a-value", "FULL");
        level(null, "NONE");
        apply(SchemaStore.schemaRecord("a-value", 1, 1, store.schemaById(1), true));
        register("b-value", ADD_NO_DEFAULT);
        apply(SchemaStore.schemaTombstone("b-value", 1));

        SchemaStore replayed = new SchemaStore();
        log.forEach(c -> replayed.apply(c.key(), c.value()));
        assertThat(replayed.subjects(false)).containsExactly("a-value");
        assertThat(replayed.all("a-value")).isEqualTo(store.all("a-value"));
        assertThat(replayed.live("a-value")).extracting(SchemaStore.Version::version).containsExactly(2);
        assertThat(replayed.subjectLevel("a-value")).isEqualTo("FULL");
        assertThat(replayed.globalLevel()).isEqualTo("NONE");
        assertThatThrownBy(() -> replayed.all("b-value")).isInstanceOfSatisfying(RegistryError.class,
                e -> assertThat(e.code).isEqualTo(40401));
        SchemaStore.Change next = replayed.register("c-value", parse(DROP_A));
        assertThat(replayed.idOf(next)).as("ids keep counting after a replay").isEqualTo(4);
    }

    @Test
    void keepsFieldPropertiesSuchAsTags() {
        String tagged = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"email\",\"type\":\"string\","
                + "\"confluent:tags\":[\"PII\"]}]}";
        int id = register("p-value", tagged);
        assertThat(parse(store.schemaById(id)).getField("email").getObjectProp("confluent:tags")).isEqualTo(List.of("PII"));
        assertThat(register("q-value", "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"email\",\"type\":\"string\"}]}"))
                .as("a schema differing only in tags is another schema").isNotEqualTo(id);
    }

    @Test
    void versionsByNumberLatestAndDeleted() {
        register("v", V1);
        register("v", C1);
        apply(SchemaStore.schemaRecord("v", 2, 2, store.schemaById(2), true));
        assertThat(store.version("v", "latest").version()).isEqualTo(1);
        assertThat(store.version("v", "latest", true).version()).isEqualTo(2);
        assertThatThrownBy(() -> store.version("v", "2")).isInstanceOfSatisfying(RegistryError.class,
                e -> assertThat(e.code).isEqualTo(40402));
        assertThat(store.version("v", "2", true).deleted()).isTrue();
        assertThatThrownBy(() -> store.version("v", "0")).isInstanceOfSatisfying(RegistryError.class,
                e -> assertThat(e.code).isEqualTo(42202));
        assertThat(register("v", C1)).as("re-registering a soft-deleted schema makes a new version with the same id").isEqualTo(2);
        assertThat(store.live("v")).extracting(SchemaStore.Version::version).containsExactly(1, 3);
    }
}
