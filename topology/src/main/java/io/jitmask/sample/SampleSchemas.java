package io.jitmask.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;

/** The sample datasets' schemas, shipped inside the jar from {@code schemas/}. */
public final class SampleSchemas {
    public static final List<String> DATASETS = List.of("customers", "payments", "patients");

    private SampleSchemas() {
    }

    /** The samples in other formats: JSON Schema and Protobuf, registered with their type (plain JSON needs no schema). */
    public static final java.util.Map<String, String> TYPED = java.util.Map.of(
            "tickets", "tickets.schema.json",
            "orders", "orders.proto");

    /** The registry schema of a JSON Schema or Protobuf sample dataset. */
    public static io.jitmask.registry.StoredSchema typed(String dataset) {
        String file = TYPED.get(dataset);
        if (file == null) {
            throw new IllegalArgumentException("no JSON Schema or Protobuf sample for dataset '" + dataset + "' (samples: " + TYPED.keySet() + ")");
        }
        try (InputStream in = SampleSchemas.class.getResourceAsStream("/jitmask/schemas/" + file)) {
            if (in == null) {
                throw new IllegalStateException("sample schema " + file + " is missing from the jar");
            }
            io.jitmask.schema.SchemaType type = file.endsWith(".proto") ? io.jitmask.schema.SchemaType.PROTOBUF : io.jitmask.schema.SchemaType.JSON;
            return new io.jitmask.registry.StoredSchema(type, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    List.of(), java.util.Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean has(String dataset) {
        return DATASETS.contains(dataset);
    }

    public static Schema of(String dataset) {
        if (!has(dataset)) {
            throw new IllegalArgumentException("no sample schema for dataset '" + dataset + "' (samples: " + DATASETS + ")");
        }
        try (InputStream in = SampleSchemas.class.getResourceAsStream("/jitmask/schemas/" + dataset + ".avsc")) {
            if (in == null) {
                throw new IllegalStateException("sample schema " + dataset + ".avsc is missing from the jar");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
