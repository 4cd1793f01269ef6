package io.jitmask.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classification of every dataset: each field path that was ever sensitive, with its tags. It only grows
 * (monotonic); only a policy declassification, applied where it is read, releases a path.
 *
 * <p>One book per application instance, shared by its stream threads, the global store updater of
 * {@code jit.classification} and the mask engine. Entries arrive two ways: derived here from a subject's version
 * history (local, written to {@code jit.classification} in the same transaction as the record that needed them),
 * and read back from the topic (durable, from every instance). Masking uses the union of both, so an entry counts
 * from the moment any instance derived it; {@link #isDurable} tells the writer what still has to be written.
 *
 * <p>Topic records are idempotent and never merged on the topic: one key per (dataset, path, tag) and per
 * (dataset, path) technique, so two instances writing at once can only write the same records, and compaction
 * cannot drop a tag. Schema versions already announced by a {@code SCHEMA_CHANGED} event are kept the same way.
 */
public final class ClassificationBook {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELD = "field/";
    private static final String VERSION = "version/";

    private final Map<String, Map<String, ClassifiedField>> fields = new ConcurrentHashMap<>();
    private final Set<String> durable = ConcurrentHashMap.newKeySet();
    private final AtomicLong generation = new AtomicLong();

    /** One record of {@code jit.classification}. */
    public record Entry(String key, byte[] value) {
    }

    /** Changes whenever a path or tag is added; plans compiled under an older generation are stale. */
    public long generation() {
        return generation.get();
    }

    /** The sensitive paths of a dataset, by path (a snapshot). */
    public Map<String, ClassifiedField> fields(String dataset) {
        Map<String, ClassifiedField> of = fields.get(dataset);
        return of == null ? Map.of() : Map.copyOf(of);
    }

    public ClassifiedField field(String dataset, String path) {
        Map<String, ClassifiedField> of = fields.get(dataset);
        return of == null ? null : of.get(path);
    }

    /** Adds a field (or more tags of it); returns whether anything was new. */
    public boolean merge(ClassifiedField field) {
        boolean[] grew = {false};
        fields.computeIfAbsent(field.dataset(), d -> new ConcurrentHashMap<>()).compute(field.path(), (p, old) -> {
            if (old != null && old.covers(field)) {
                return old;
            }
            grew[0] = true;
            return old == null ? field : old.merge(field);
        });
        if (grew[0]) {
            generation.incrementAndGet();
        }
        return grew[0];
    }

    /** The topic records that store a field: one per tag, one for its technique. */
    public static List<Entry> entriesOf(ClassifiedField field) {
        List<Entry> out = new java.util.ArrayList<>();
        String base = FIELD + field.dataset() + "/" + field.path() + "/";
        for (String tag : field.tags()) {
            out.add(new Entry(base + "tag/" + tag, json(new ClassifiedField(field.dataset(), field.path(), List.of(tag), null))));
        }
        if (field.technique() != null) {
            out.add(new Entry(base + "technique", json(new ClassifiedField(field.dataset(), field.path(), List.of(), field.technique()))));
        }
        return out;
    }

    /** The record marking a schema version as announced (its SCHEMA_CHANGED event written). */
    public static Entry versionEntry(String dataset, String subject, int version, int schemaId) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("dataset", dataset);
        value.put("subject", subject);
        value.put("version", version);
        value.put("id", schemaId);
        return new Entry(versionKey(subject, version), json(value));
    }

    static String versionKey(String subject, int version) {
        return VERSION + subject + "/" + version;
    }

    public boolean isDurable(String key) {
        return durable.contains(key);
    }

    public boolean versionAnnounced(String subject, int version) {
        return durable.contains(versionKey(subject, version));
    }

    /** A record read back from {@code jit.classification}. Tombstones are ignored: nothing is ever forgotten. */
    public void applyDurable(String key, byte[] value) {
        if (key == null || value == null) {
            return;
        }
        if (key.startsWith(FIELD)) {
            try {
                merge(JSON.readValue(value, ClassifiedField.class));
            } catch (IOException e) {
                // A record jitmask did not write: ignore it rather than stop the global thread; it adds nothing.
                return;
            }
        }
        durable.add(key);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write classification record", e);
        }
    }
}
