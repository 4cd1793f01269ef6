package io.jitmask.classify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a new schema version changes about a dataset's classification, for the {@code SCHEMA_CHANGED} audit event:
 * field paths added and removed, tags added and removed per path, and the paths that stay sensitive although the
 * new version no longer tags them (kept by the dataset's classification history). Paths and tag names only.
 */
public record ClassificationDiff(
        @JsonProperty("fieldsAdded") List<String> fieldsAdded,
        @JsonProperty("fieldsRemoved") List<String> fieldsRemoved,
        @JsonProperty("tagsAdded") Map<String, List<String>> tagsAdded,
        @JsonProperty("tagsRemoved") Map<String, List<String>> tagsRemoved,
        @JsonProperty("keptSensitive") List<String> keptSensitive) {

    /**
     * @param previous the fields of the version before (empty for a subject's first version)
     * @param current the fields of the new version
     * @param keptByHistory whether a path of the new version is sensitive by the dataset's history alone
     */
    public static ClassificationDiff between(Map<String, AvroFields.Field> previous, Map<String, AvroFields.Field> current,
                                             Predicate<String> keptByHistory) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Map<String, List<String>> tagsAdded = new LinkedHashMap<>();
        Map<String, List<String>> tagsRemoved = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (AvroFields.Field field : current.values()) {
            AvroFields.Field before = previous.get(field.path());
            if (before == null) {
                added.add(field.path());
            }
            List<String> was = before == null ? List.of() : before.tags();
            List<String> gained = field.tags().stream().filter(t -> !was.contains(t)).toList();
            List<String> lost = was.stream().filter(t -> !field.tags().contains(t)).toList();
            if (!gained.isEmpty()) {
                tagsAdded.put(field.path(), gained);
            }
            if (!lost.isEmpty()) {
                tagsRemoved.put(field.path(), lost);
            }
            if (field.tags().isEmpty() && keptByHistory.test(field.path())) {
                kept.add(field.path());
            }
        }
        for (String path : previous.keySet()) {
            if (!current.containsKey(path)) {
                removed.add(path);
            }
        }
        // Schema order throughout, so the event reads like the schema and is the same on every instance.
        return new ClassificationDiff(List.copyOf(added), List.copyOf(removed), java.util.Collections.unmodifiableMap(tagsAdded),
                java.util.Collections.unmodifiableMap(tagsRemoved), List.copyOf(kept));
    }
}
