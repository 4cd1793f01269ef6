package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * The registry's state, rebuilt from and kept in step with the {@code _schemas} records in Confluent's own format
 * (keys {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} and
 * {@code {"keytype":"CONFIG","subject":..,"magic":0}}), so the topic could be read by Confluent's registry too.
 * Not thread-safe: the server serialises access.
 */
final class SchemaStore {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
            "FULL", "FULL_TRANSITIVE");

    record Version(String subject, int version, int id, String schema, boolean deleted) {
    }

    /** A record to append to {@code _schemas}: key and value JSON (null value = tombstone). */
    record Change(String key, String value) {
    }

    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, String> subjectLevels = new HashMap<>();
    private String globalLevel = "BACKWARD";
    private int maxId;

    /** Applies one record of {@code _schemas} (at start-up, and after each of our own writes). */
    void apply(String key, String value) {
        JsonNode k;
        try {
            k = JSON.readTree(key);
        } catch (Exception e) {
            return;
        }
        String type = k.path("keytype").asText();
        if ("SCHEMA".equals(type)) {
            String subject = k.path("subject").asText();
            int version = k.path("version").asInt();
            if (value == null) {
                NavigableMap<Integer, Version> versions = subjects.get(subject);
                if (versions != null) {
                    versions.remove(version);
                    if (versions.isEmpty()) {
                        subjects.remove(subject);
                    }
                }
                return;
            }
            JsonNode v = read(value);
            int id = v.path("id").asInt();
            String schema = v.path("schema").asText();
            schemasById.putIfAbsent(id, schema);
            idsBySchema.putIfAbsent(schema, id);
            maxId = Math.max(maxId, id);
            subjects.computeIfAbsent(subject, s -> new TreeMap<>())
                    .put(version, new Version(subject, version, id, schema, v.path("deleted").asBoolean(false)));
        } else if ("CONFIG".equals(type)) {
            String subject = k.path("subject").isNull() || k.path("subject").isMissingNode() ? null : k.path("subject").asText();
            String level = value == null ? null : read(value).path("compatibilityLevel").asText(null);
            if (subject == null) {
                globalLevel = level == null ? "BACKWARD" : level;
            } else if (level == null) {
                subjectLevels.remove(subject);
            } else {
                subjectLevels.put(subject, level);
            }
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    List<String> subjects(boolean includeDeleted) {
        List<String> out = new ArrayList<>();
        subjects.forEach((subject, versions) -> {
            if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                out.add(subject);
            }
        });
        return out;
    }

    List<Version> live(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        List<Version> out = new ArrayList<>();
        if (versions != null) {
            versions.values().stream().filter(v -> !v.deleted()).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return out;
    }

    List<Version> all(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null) {
            throw RegistryError.subjectNotFound(subject);
        }
        return new ArrayList<>(versions.values());
    }

    Version version(String subject, String version) {
        return version(subject, version, false);
    }

    /** A version by number or "latest"; soft-deleted ones only when {@code includeDeleted} (Confluent's ?deleted=true). */
    Version version(String subject, String version, boolean includeDeleted) {
        List<Version> candidates = includeDeleted ? all(subject) : live(subject);
        if ("latest".equals(version) || "-1".equals(version)) {
            return candidates.get(candidates.size() - 1);
        }
        int number = parseVersion(version);
        return candidates.stream().filter(v -> v.version() == number).findFirst()
                .orElseThrow(() -> RegistryError.versionNotFound(number));
    }

    static int parseVersion(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number < 1) {
                throw RegistryError.invalidVersion(version);
            }
            return number;
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(version);
        }
    }

    String schemaById(int id) {
        String schema = schemasById.get(id);
        if (schema == null) {
            throw new RegistryError(404, 40403, "Schema " + id + " not found");
        }
        return schema;
    }

    List<Version> versionsOfId(int id) {
        schemaById(id);
        List<Version> out = new ArrayList<>();
        subjects.values().forEach(vs -> vs.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(out::add));
        return out;
    }

    /** The live version of the subject holding this exact schema, if any. */
    Version lookup(String subject, Schema schema) {
        return lookup(subject, schema, false);
    }

    /** The newest version of the subject holding this exact schema; soft-deleted ones only when asked. */
    Version lookup(String subject, Schema schema, boolean includeDeleted) {
        String text = schema.toString();
        List<Version> candidates = includeDeleted ? all(subject) : live(subject);
        Version found = null;
        for (Version v : candidates) {
            if (v.schema().equals(text)) {
                found = v;
            }
        }
        if (found == null) {
            throw RegistryError.schemaNotFound();
        }
        return found;
    }

    String level(String subject) {
        return subject != null && subjectLevels.containsKey(subject) ? subjectLevels.get(subject) : globalLevel;
    }

    String subjectLevel(String subject) {
        return subjectLevels.get(subject);
    }

    String globalLevel() {
        return globalLevel;
    }

    /** The subject's live versions, none when it does not exist or is soft-deleted. */
    List<Version> liveOrEmpty(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? List.of() : versions.values().stream().filter(v -> !v.deleted()).toList();
    }

    /** Whether {@code schema} may follow the subject's live versions under its compatibility level. */
    boolean compatible(String subject, Schema schema, List<Version> against) {
        return incompatibilities(subject, schema, against).isEmpty();
    }

    /**
     * Why {@code schema} may not follow {@code against} (oldest first) under the subject's level; empty when it may.
     * Non-transitive levels check the newest only. Messages name versions, paths and Avro's reasons, never schema text.
     */
    List<String> incompatibilities(String subject, Schema schema, List<Version> against) {
        String level = level(subject);
        if ("NONE".equals(level) || against.isEmpty()) {
            return List.of();
        }
        List<Version> checked = level.endsWith("_TRANSITIVE") ? against : List.of(against.get(against.size() - 1));
        String direction = level.replace("_TRANSITIVE", "");
        List<String> problems = new ArrayList<>();
        for (Version existing : checked) {
            Schema old = new Schema.Parser().setValidateDefaults(false).parse(existing.schema());
            if (!"FORWARD".equals(direction)) {
                // BACKWARD: consumers on the new schema read data written with the old one.
                describe(SchemaCompatibility.checkReaderWriterCompatibility(schema, old), existing, level, problems);
            }
            if (!"BACKWARD".equals(direction)) {
                // FORWARD: consumers on the old schema read data written with the new one.
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, schema), existing, level, problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility result, Version existing, String level,
                                 List<String> problems) {
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add(i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ") against version "
                    + existing.version() + " under " + level);
        }
    }

    /** The record that registers {@code schema} under the subject, or null when it is already there. */
    Change register(String subject, Schema schema) {
        String text = schema.toString();
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        List<Version> live = new ArrayList<>();
        if (versions != null) {
            versions.values().stream().filter(v -> !v.deleted()).forEach(live::add);
            if (live.stream().anyMatch(v -> v.schema().equals(text))) {
                return null;
            }
        }
        List<String> problems = incompatibilities(subject, schema, live);
        if (!problems.isEmpty()) {
            throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\", details: " + String.join("; ", problems));
        }
        Integer id = idsBySchema.get(text);
        int newId = id == null ? maxId + 1 : id;
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        return schemaRecord(subject, version, newId, text, false);
    }

    static Change schemaRecord(String subject, int version, int id, String schema, boolean deleted) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", schema).put("deleted", deleted);
        return new Change(key.toString(), value.toString());
    }

    static Change schemaTombstone(String subject, int version) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        return new Change(key.toString(), null);
    }

    static Change configRecord(String subject, String level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return new Change(key.toString(), level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level).toString());
    }

    int idOf(Change change) {
        return read(change.value()).path("id").asInt();
    }
}
