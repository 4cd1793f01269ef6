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
