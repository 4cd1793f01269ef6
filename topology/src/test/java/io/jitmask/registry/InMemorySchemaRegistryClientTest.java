package io.jitmask.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
    static final Schema AVRO = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");

    @Test
    void keepsMetadataAndSchemasOfEveryTypeAsTheRegistryDoes() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        ObjectNode metadata = new ObjectMapper().createObjectNode();
        metadata.putObject("properties").put("owner", "crm");
        int plain = registry.register("raw.t-value", AVRO);
        int withMetadata = registry.register("raw.t-value", AVRO, metadata);
        assertThat(withMetadata).as("same text, other metadata: another id").isNotEqualTo(plain);
        assertThat(registry.metadataOf(withMetadata)).contains(metadata);
        assertThat(registry.metadataOf(plain)).isEmpty();
        assertThat(registry.storedSchema(withMetadata)).isEqualTo(new StoredSchema(SchemaType.AVRO, AVRO.toString(), List.of(), metadata, null));

        StoredSchema proto = new StoredSchema(SchemaType.PROTOBUF, "syntax = \"proto3\"; message M { string a = 1; }",
                List.of(new SchemaReference("x.proto", "x", 1)), metadata, null);
        int id = registry.register("raw.p-value", proto);
        assertThat(registry.register("raw.p-value", proto)).isEqualTo(id);
        assertThat(registry.storedSchema(id)).isEqualTo(proto);
        assertThat(registry.register("raw.t-value", StoredSchema.of(SchemaType.AVRO, AVRO.toString()))).isEqualTo(plain);
    }
}
