package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.schema.InvalidSchemaException;
import io.jitmask.schema.ParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's state, rebuilt from and kept in step with the {@code _schemas} records in Confluent's own format,
 * so the topic could be read by Confluent's registry too:
 * <ul>
 *   <li>{@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} to {@code {"subject","version","id",
 *       "schemaType" (not for AVRO),"references","metadata","ruleSet","schema","deleted"}};</li>
 *   <li>{@code {"keytype":"CONFIG","subject":..,"magic":0}} to the config ({@code compatibilityLevel},
 *       {@code normalize}, {@code defaultMetadata}, ...; {@code subject} null for the global one);</li>
 *   <li>{@code {"keytype":"MODE","subject":..,"magic":0}} to {@code {"mode":..}};</li>
 *   <li>{@code {"keytype":"CONTEXT","tenant":"default","context":..,"magic":0}} to {@code {"tenant","context"}}: a
 *       context (written when its first schema is registered, tombstoned when it is deleted).</li>
 * </ul>
 * Schema ids are numbered per context, as Confluent: the context of a subject {@code :.ctx:name} is {@code .ctx},
 * of any other subject the default context {@code .}; each context has its own ids, from 1.
 * Not thread-safe: the server serialises access.
 */
final class SchemaStore {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
            "FULL", "FULL_TRANSITIVE");
    static final String DEFAULT_LEVEL = "BACKWARD";
    static final String DEFAULT_MODE = "READWRITE";

    /** One version of a subject; {@code schema} is the canonical text, metadata and ruleSet null when absent. */
    record Version(String subject, int version, int id, SchemaType type, String schema, List<SchemaReference> references,
                   ObjectNode metadata, ObjectNode ruleSet, boolean deleted) {
        Version {
            references = List.copyOf(references);
        }

        /** Confluent 8's GUID of this schema and contract (see {@link SchemaGuid}). */
        String guid() {
            return SchemaGuid.of(schema, references, metadata, ruleSet);
        }

        /** What makes two registrations the same schema (and the same id): all but subject, version, deleted. */
        String contentKey() {
            return contentKey(type, schema, references, metadata, ruleSet);
        }

        static String contentKey(SchemaType type, String schema, List<SchemaReference> references, JsonNode metadata,
                                 JsonNode ruleSet) {
            return type + "\u0000" + schema + "\u0000" + references + "\u0000" + metadata + "\u0000" + ruleSet;
        }
    }

    /** A record to append to {@code _schemas}: key and value JSON (null value = tombstone). */
    record Change(String key, String value) {
    }

    /** One context's schema ids: what each names, which id a content has, the parsed schemas, the highest id. */
    private static final class IdSpace {
        final Map<Integer, Version> byId = new HashMap<>();
        final Map<String, Integer> byContent = new HashMap<>();
        final Map<Integer, ParsedSchema> parsed = new HashMap<>();
        int maxId;
    }

    private final Map<String, IdSpace> idSpaces = new HashMap<>();
    private final Set<String> contexts = new java.util.TreeSet<>();
    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, ObjectNode> subjectConfigs = new HashMap<>();
    private ObjectNode globalConfig = JSON.createObjectNode();
    private final Map<String, String> subjectModes = new HashMap<>();
    private String globalMode = DEFAULT_MODE;

    /** Applies one record of {@code _schemas} (at start-up, and after each of our own writes). */
    void apply(String key, String value) {
        JsonNode k;
        try {
            k = JSON.readTree(key);
        } catch (Exception e) {
            return;
        }
        String type = k.path("keytype").asText();
        String subject = k.path("subject").isNull() || k.path("subject").isMissingNode() ? null : k.path("subject").asText();
        switch (type) {
            case "SCHEMA" -> applySchema(subject, k.path("version").asInt(), value);
            case "CONFIG" -> {
                ObjectNode config = value == null ? null : configOf(read(value));
                if (subject == null) {
                    globalConfig = config == null ? JSON.createObjectNode() : config;
                } else if (config == null) {
                    subjectConfigs.remove(subject);
                } else {
                    subjectConfigs.put(subject, config);
                }
            }
            case "MODE" -> {
                String mode = value == null ? null : read(value).path("mode").asText(null);
                if (subject == null) {
                    globalMode = mode == null ? DEFAULT_MODE : mode;
                } else if (mode == null) {
                    subjectModes.remove(subject);
                } else {
                    subjectModes.put(subject, mode);
                }
            }
            case "CONTEXT" -> {
                String context = k.path("context").asText("");
                if (value == null) {
                    contexts.remove(context);
                } else if (!context.isEmpty()) {
                    contexts.add(context);
                }
            }
            default -> {
                // NOOP, DELETE_SUBJECT, CLEAR_SUBJECT and others Confluent may write: nothing to keep.
            }
        }
    }

    private static ObjectNode configOf(JsonNode value) {
        ObjectNode config = value.isObject() ? ((ObjectNode) value).deepCopy() : JSON.createObjectNode();
        config.remove("subject");
        return config;
    }

    private void applySchema(String subject, int version, String value) {
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
        SchemaType type;
        try {
            type = SchemaType.of(v.path("schemaType").asText(null));
        } catch (InvalidSchemaException e) {
            return; // a type this registry does not know: skipped, as Confluent skips unknown providers
        }
        Version parsed = new Version(subject, version, id, type, v.path("schema").asText(), references(v.path("references")),
                storedMetadata(v.get("metadata")), storedRuleSet(v.get("ruleSet")), v.path("deleted").asBoolean(false));
        IdSpace space = space(contextOf(subject));
        space.byId.putIfAbsent(id, parsed);
        space.byContent.putIfAbsent(parsed.contentKey(), id);
        space.maxId = Math.max(space.maxId, id);
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, parsed);
    }

    /**
     * A contract read from {@code _schemas} in Confluent's form (records written by Confluent or by an earlier
     * jitmask may hold another order), so comparisons, ids and answers are the same as for a new registration.
     */
    private static ObjectNode storedMetadata(JsonNode node) {
        return object(node) == null ? null : DataContracts.canonicalMetadata(node);
    }

    private static ObjectNode storedRuleSet(JsonNode node) {
        try {
            return DataContracts.ruleSet(object(node));
        } catch (RegistryError e) {
            return object(node); // kept as written: a rule Confluent's checks now refuse still reads back
        }
    }

    static ObjectNode object(JsonNode node) {
        return node != null && node.isObject() && !node.isEmpty() ? (ObjectNode) node : null;
    }

    static List<SchemaReference> references(JsonNode array) {
        List<SchemaReference> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode r : array) {
                if (!r.path("name").isTextual() || !r.path("subject").isTextual() || !r.path("version").canConvertToInt()) {
                    throw RegistryError.invalidSchema("a reference needs a name, a subject and a version");
                }
                out.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(), r.path("version").asInt()));
            }
        }
        return out;
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    // ---- subjects and versions ----

    /** Subjects with a live version; with {@code includeDeleted} also soft-deleted ones; with {@code deletedOnly} only those. */
    List<String> subjects(boolean includeDeleted, boolean deletedOnly, String prefix) {
        List<String> out = new ArrayList<>();
        subjects.forEach((subject, versions) -> {
            if (prefix != null && !subject.startsWith(prefix)) {
                return;
            }
            boolean live = versions.values().stream().anyMatch(v -> !v.deleted());
            if (deletedOnly ? !live : live || includeDeleted) {
                out.add(subject);
            }
        });
        return out;
    }

    List<String> subjects(boolean includeDeleted) {
        return subjects(includeDeleted, false, null);
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

    /** The subject's live versions, none when it does not exist or is soft-deleted. */
    List<Version> liveOrEmpty(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? List.of() : versions.values().stream().filter(v -> !v.deleted()).toList();
    }

    /** The versions, in every context, whose schema and contract have this GUID. */
    List<Version> byGuid(String guid) {
        return everyVersion().stream().filter(v -> v.guid().equals(guid)).toList();
    }

    /** Every version of every subject, subjects in order, versions ascending. */
    List<Version> everyVersion() {
        List<Version> out = new ArrayList<>();
        subjects.values().forEach(vs -> out.addAll(vs.values()));
        return out;
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

    /** The newest version whose metadata has every given property (Confluent's latest-with-metadata). */
    Version latestWithMetadata(String subject, Map<String, String> properties, boolean includeDeleted) {
        List<Version> candidates = includeDeleted ? all(subject) : live(subject);
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Version v = candidates.get(i);
            JsonNode props = v.metadata() == null ? JSON.createObjectNode() : v.metadata().path("properties");
            if (properties.entrySet().stream().allMatch(p -> p.getValue().equals(props.path(p.getKey()).asText(null)))) {
                return v;
            }
        }
        throw RegistryError.schemaNotFound();
    }

    // ---- ids ----

    private IdSpace space(String context) {
        return idSpaces.computeIfAbsent(context, c -> new IdSpace());
    }

    /** The context of a subject: {@code .ctx} for {@code :.ctx:name}, the default {@code .} otherwise. */
    static String contextOf(String subject) {
        if (subject != null && subject.startsWith(":.")) {
            int end = subject.indexOf(':', 2);
            if (end > 0) {
                return subject.substring(1, end);
            }
        }
        return ".";
    }

    /** The contexts: the default one, every one recorded in {@code _schemas} and every one a subject lives in. */
    java.util.SortedSet<String> contexts() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>(contexts);
        out.add(".");
        subjects.keySet().forEach(s -> out.add(contextOf(s)));
        return out;
    }

    /** Whether {@code _schemas} already records the context (the default one needs no record). */
    boolean hasContextRecord(String context) {
        return ".".equals(context) || contexts.contains(context);
    }

    /** Whether any subject of the context has a version, soft-deleted ones included. */
    boolean contextHasSubjects(String context) {
        return subjects.keySet().stream().anyMatch(s -> contextOf(s).equals(context));
    }

    Version byId(int id) {
        return byId(".", id);
    }

    /** The schema with that id in that context. */
    Version byId(String context, int id) {
        IdSpace space = idSpaces.get(context);
        Version v = space == null ? null : space.byId.get(id);
        if (v == null) {
            throw new RegistryError(404, 40403, "Schema " + id + " not found");
        }
        return v;
    }

    String schemaById(int id) {
        return byId(id).schema();
    }

    List<Version> versionsOfId(int id) {
        return versionsOfId(id, false);
    }

    List<Version> versionsOfId(int id, boolean includeDeleted) {
        return versionsOfId(".", id, includeDeleted);
    }

    /** The versions, in that context, that use the id. */
    List<Version> versionsOfId(String context, int id, boolean includeDeleted) {
        byId(context, id);
        List<Version> out = new ArrayList<>();
        subjects.forEach((subject, vs) -> {
            if (contextOf(subject).equals(context)) {
                vs.values().stream().filter(v -> v.id() == id && (includeDeleted || !v.deleted())).forEach(out::add);
            }
        });
        return out;
    }

    /** Ids of the live versions that reference {@code subject} at {@code version}. */
    List<Integer> referencedBy(String subject, int version) {
        return referencedBy(subject, version, false);
    }

    /** Ids of the versions (soft-deleted ones too when asked, as Confluent's {@code ?deleted=}) that reference it. */
    List<Integer> referencedBy(String subject, int version, boolean includeDeleted) {
        return referrers(subject, version, includeDeleted).stream().map(Version::id).distinct().sorted().toList();
    }

    /** The subjects with a version (soft-deleted ones too when asked) that references {@code subject} at {@code version}. */
    java.util.Set<String> referencingSubjects(String subject, int version, boolean includeDeleted) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        referrers(subject, version, includeDeleted).forEach(v -> out.add(v.subject()));
        return out;
    }

    private List<Version> referrers(String subject, int version, boolean includeDeleted) {
        return everyVersion().stream().filter(v -> includeDeleted || !v.deleted())
                .filter(v -> v.references().stream().anyMatch(r -> r.subject().equals(subject) && r.version() == version))
                .toList();
    }

    int nextId() {
        return maxId(".") + 1;
    }

    int maxId() {
        return maxId(".");
    }

    /** The highest id given so far in the context. */
    int maxId(String context) {
        IdSpace space = idSpaces.get(context);
        return space == null ? 0 : space.maxId;
    }

    /** The version's text as {@code ?format=} asks (null: as stored), per {@link ParsedSchema#formatted}. */
    String text(Version v, String format) {
        return format == null || format.isEmpty() ? v.schema() : parsed(v).formatted(format);
    }

    Integer idOfContent(String contentKey) {
        return space(".").byContent.get(contentKey);
    }

    int idOf(Change change) {
        return read(change.value()).path("id").asInt();
    }

    // ---- parsing with references ----

    /**
     * Every schema {@code references} imports, directly or not, by reference name and dependencies first, as
     * {@link SchemaParser} wants them. A reference to a missing subject or version is an invalid schema.
     */
    Map<String, String> resolve(List<SchemaReference> references) {
        Map<String, String> out = new LinkedHashMap<>();
        resolveInto(references, out, 0);
        return out;
    }

    private void resolveInto(List<SchemaReference> references, Map<String, String> out, int depth) {
        if (depth > 32) {
            throw RegistryError.invalidSchema("references nest deeper than 32 levels");
        }
        for (SchemaReference ref : references) {
            if (out.containsKey(ref.name())) {
                continue;
            }
            Version target;
            try {
                target = ref.version() == -1 ? version(ref.subject(), "latest") : version(ref.subject(), String.valueOf(ref.version()), true);
            } catch (RegistryError e) {
                throw RegistryError.invalidSchema("reference '" + ref.name() + "' to subject '" + ref.subject()
                        + "' version " + ref.version() + " does not exist");
            }
            resolveInto(target.references(), out, depth + 1);
            out.put(ref.name(), target.schema());
        }
    }

    /** Parses a stored version (cached by id: a version's content never changes). */
    ParsedSchema parsed(Version v) {
        IdSpace space = space(contextOf(v.subject()));
        ParsedSchema cached = space.parsed.get(v.id());
        if (cached == null) {
            cached = SchemaParser.parse(v.type(), v.schema(), v.references(), resolve(v.references()));
            space.parsed.put(v.id(), cached);
        }
        return cached;
    }

    // ---- config and mode ----

    ObjectNode subjectConfig(String subject) {
        return subjectConfigs.get(subject);
    }

    ObjectNode globalConfig() {
        return populated(globalConfig);
    }

    /** The global config as stored (none: null), without the default level filled in. */
    ObjectNode storedGlobalConfig() {
        return globalConfig.isEmpty() ? null : globalConfig.deepCopy();
    }

    /** A config as Confluent serves it: the server's default level (BACKWARD) when it sets none. */
    static ObjectNode populated(ObjectNode config) {
        ObjectNode out = config == null ? JSON.createObjectNode() : config.deepCopy();
        if (!out.has("compatibilityLevel")) {
            out.put("compatibilityLevel", DEFAULT_LEVEL);
        }
        return out;
    }

    /**
     * The config in scope of a subject as Confluent's {@code getConfigInScope}: the first that exists of the
     * subject's, its context's ({@code :.ctx:}) and the global one, whole (not merged field by field), with the
     * server's default level when it sets none.
     */
    ObjectNode effectiveConfig(String subject) {
        ObjectNode own = subject == null ? null : subjectConfigs.get(subject);
        String context = contextOf(subject);
        if (own == null && !".".equals(context)) {
            own = subjectConfigs.get(":" + context + ":");
        }
        return populated(own != null ? own : globalConfig);
    }

    String level(String subject) {
        return effectiveConfig(subject).path("compatibilityLevel").asText(DEFAULT_LEVEL);
    }

    String subjectLevel(String subject) {
        ObjectNode own = subjectConfigs.get(subject);
        return own == null ? null : own.path("compatibilityLevel").asText(null);
    }

    String globalLevel() {
        return globalConfig().path("compatibilityLevel").asText();
    }

    String subjectMode(String subject) {
        return subjectModes.get(subject);
    }

    String globalMode() {
        return globalMode;
    }

    /** The subject's mode, else its context's ({@code :.ctx:}), else the global one. */
    String mode(String subject) {
        String context = contextOf(subject);
        String fallback = ".".equals(context) ? globalMode : subjectModes.getOrDefault(":" + context + ":", globalMode);
        return subjectModes.getOrDefault(subject, fallback);
    }

    // ---- compatibility ----

    /** Whether {@code schema} may follow the subject's live versions under its compatibility level. */
    boolean compatible(String subject, Schema schema, List<Version> against) {
        return incompatibilities(subject, avro(schema), against).isEmpty();
    }

    List<String> incompatibilities(String subject, Schema schema, List<Version> against) {
        return incompatibilities(subject, avro(schema), against);
    }

    /**
     * Why {@code schema} may not follow {@code against} (oldest first) under the subject's level; empty when it may.
     * The list is Confluent's: the reserved-field problems ({@code validateFields}), then the differences found
     * against the first version that fails (non-transitive levels check the newest only, transitive ones from the
     * newest back; with a {@code compatibilityGroup}, only versions whose metadata property of that name equals the
     * new schema's), each worded as Confluent words it, then {@code {oldSchemaVersion: N}}, and last
     * {@code {validateFields: 'false', compatibility: 'BACKWARD'}}. Confluent also lists {@code {oldSchema: '...'}}:
     * left out here, as schema text is never quoted in an error (defaults can hold values).
     */
    List<String> incompatibilities(String subject, ParsedSchema schema, ObjectNode metadata, List<Version> against) {
        String level = level(subject);
        ObjectNode config = effectiveConfig(subject);
        boolean validateFields = config.path("validateFields").asBoolean(false);
        List<String> problems = new ArrayList<>(validateFields
                ? reservedFieldProblems(schema, metadata, against.isEmpty() ? null : against.get(against.size() - 1))
                : List.of());
        problems.addAll(levelIncompatibilities(level, config, schema, metadata, against));
        if (!problems.isEmpty()) {
            problems.add("{validateFields: '" + validateFields + "', compatibility: '" + level + "'}");
        }
        return problems;
    }

    /**
     * Confluent's reserved-field rules, checked when {@code validateFields} is on: the metadata property
     * {@code confluent:reserved} (comma-separated field names) may not lose a name the previous version reserved,
     * and the schema may not have a top-level field of a reserved name. Messages are Confluent's.
     */
    private List<String> reservedFieldProblems(ParsedSchema schema, ObjectNode metadata, Version previous) {
        List<String> problems = new ArrayList<>();
        Set<String> reserved = reservedFields(metadata);
        if (previous != null) {
            for (String field : reservedFields(previous.metadata())) {
                if (!reserved.contains(field)) {
                    problems.add("The new schema has reserved field " + field
                            + " removed from its metadata which is present in the old schema's metadata.");
                }
            }
        }
        for (String field : reserved) {
            if (schema.hasTopLevelField(field)) {
                problems.add("The new schema has field that conflicts with the reserved field " + field + ".");
            }
        }
        return problems;
    }

    static Set<String> reservedFields(JsonNode metadata) {
        String value = property(metadata, "confluent:reserved");
        Set<String> out = new java.util.TreeSet<>();
        if (value != null) {
            for (String field : value.split(",")) {
                if (!field.trim().isEmpty()) {
                    out.add(field.trim());
                }
            }
        }
        return out;
    }

    private List<String> levelIncompatibilities(String level, ObjectNode config, ParsedSchema schema,
                                                ObjectNode metadata, List<Version> against) {
        String group = config.path("compatibilityGroup").asText(null);
        List<Version> relevant = against;
        if (group != null && !group.isEmpty()) {
            String value = property(metadata, group);
            relevant = against.stream().filter(v -> Objects.equals(property(v.metadata(), group), value)).toList();
        }
        if ("NONE".equals(level) || relevant.isEmpty()) {
            return List.of();
        }
        List<Version> checked = level.endsWith("_TRANSITIVE") ? relevant : List.of(relevant.get(relevant.size() - 1));
        String direction = level.replace("_TRANSITIVE", "");
        // An unknown policy (Confluent 8.3 knows STRICT and LENIENT; LOGICAL comes later) is checked as STRICT.
        String policy = config.path("compatibilityPolicy").asText(null);
        for (int i = checked.size() - 1; i >= 0; i--) {
            Version existing = checked.get(i);
            ParsedSchema old = parsed(existing);
            List<String> problems = new ArrayList<>();
            if (old.type() != schema.type()) {
                problems.add("Incompatible because of different schema type");
            } else {
                if (!"BACKWARD".equals(direction)) {
                    // FORWARD: consumers on the old schema read data written with the new one.
                    List<String> forward = old.backwardIncompatibilities(schema, policy, "old", "new");
                    problems.addAll(forward);
                    if ("FORWARD".equals(direction) && !forward.isEmpty()) {
                        problems.add("{oldSchemaVersion: " + existing.version() + "}");
                    }
                }
                if (!"FORWARD".equals(direction)) {
                    // BACKWARD: consumers on the new schema read data written with the old one.
                    List<String> backward = schema.backwardIncompatibilities(old, policy, "new", "old");
                    problems.addAll(backward);
                    if (!backward.isEmpty()) {
                        problems.add("{oldSchemaVersion: " + existing.version() + "}");
                    }
                }
            }
            if (!problems.isEmpty()) {
                return problems; // as Confluent's validator: the first version that fails is the answer
            }
        }
        return List.of();
    }

    List<String> incompatibilities(String subject, ParsedSchema schema, List<Version> against) {
        return incompatibilities(subject, schema, null, against);
    }

    private static String property(JsonNode metadata, String name) {
        return metadata == null ? null : metadata.path("properties").path(name).asText(null);
    }

    // ---- registering ----

    /** The live version of the subject holding this exact schema, if any (Avro, no references, no contract). */
    Version lookup(String subject, Schema schema) {
        return lookup(subject, schema, false);
    }

    Version lookup(String subject, Schema schema, boolean includeDeleted) {
        return lookup(subject, avro(schema), null, null, includeDeleted);
    }

    /**
     * The version of the subject holding this schema, as Confluent's lookup: the newest version with the same type,
     * canonical text, references, rule set and metadata (a {@code confluent:version} on one side only is ignored,
     * see {@link DataContracts#sameIgnoringVersion}); if none, the request's metadata and rule set are completed as
     * a registration would complete them (the latest live version's when the request has none, under the config's
     * defaults and overrides) and looked up again. Soft-deleted versions only when asked.
     */
    Version lookup(String subject, ParsedSchema schema, ObjectNode metadata, ObjectNode ruleSet, boolean includeDeleted) {
        List<Version> candidates = includeDeleted ? all(subject) : live(subject);
        Version found = newestHolding(candidates, schema, metadata, ruleSet);
        List<Version> live = liveOrEmpty(subject);
        if (found == null && !live.isEmpty()) {
            Version latest = live.get(live.size() - 1);
            ObjectNode config = effectiveConfig(subject);
            ObjectNode completedMetadata = completedMetadata(config, metadata, latest);
            ObjectNode completedRules = completedRuleSet(config, ruleSet, latest);
            if (!Objects.equals(completedMetadata, metadata) || !Objects.equals(completedRules, ruleSet)) {
                found = newestHolding(candidates, schema, completedMetadata, completedRules);
            }
        }
        if (found == null) {
            throw RegistryError.schemaNotFound();
        }
        return found;
    }

    private Version newestHolding(List<Version> candidates, ParsedSchema schema, ObjectNode metadata, ObjectNode ruleSet) {
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Version v = candidates.get(i);
            if (holds(v, schema, metadata, ruleSet)) {
                return v;
            }
        }
        return null;
    }

    /** The same schema and rule set, and metadata equal up to a one-sided {@code confluent:version}. */
    private boolean holds(Version v, ParsedSchema schema, ObjectNode metadata, ObjectNode ruleSet) {
        return sameSchema(v, schema) && Objects.equals(v.ruleSet(), ruleSet)
                && DataContracts.sameIgnoringVersion(metadata, v.metadata(), v.version());
    }

    /** The request's metadata, else the previous version's, under the config's default and over its override. */
    private static ObjectNode completedMetadata(ObjectNode config, ObjectNode requested, Version previous) {
        return DataContracts.mergeMetadata(
                DataContracts.mergeMetadata(object(config.get("defaultMetadata")),
                        requested != null ? requested : previous == null ? null : previous.metadata()),
                object(config.get("overrideMetadata")));
    }

    private static ObjectNode completedRuleSet(ObjectNode config, ObjectNode requested, Version previous) {
        return DataContracts.mergeRuleSets(
                DataContracts.mergeRuleSets(object(config.get("defaultRuleSet")),
                        requested != null ? requested : previous == null ? null : previous.ruleSet()),
                object(config.get("overrideRuleSet")));
    }

    /**
     * Whether a stored version holds this schema: same type and references, and the same text as stored or as this
     * registry prints the stored text now (versions written before a printer change still match). A normalised
     * request matches what was stored normalised, as Confluent (stored texts are not normalised on lookup).
     */
    boolean sameSchema(Version v, ParsedSchema schema) {
        if (v.type() != schema.type()) {
            return false;
        }
        String text = schema.canonicalString();
        if (v.schema().equals(text) && v.references().equals(schema.references())) {
            return true;
        }
        ParsedSchema stored;
        try {
            stored = parsed(v);
        } catch (RuntimeException e) {
            return false; // a stored text that no longer parses matches nothing
        }
        return stored.canonicalString().equals(text) && v.references().equals(schema.references());
    }

    /** The record that registers an Avro schema under the subject, or null when it is already there. */
    Change register(String subject, Schema schema) {
        Registration r = register(subject, avro(schema), null, null, null, null);
        return r.change();
    }

    /** The outcome of a registration: the version (new or existing) and the record to write (null when existing). */
    record Registration(Version version, Change change) {
    }

    /**
     * Registers {@code schema} with its data contract: a request without metadata (rule set) keeps the previous
     * version's, then the config's {@code defaultMetadata} goes under it and {@code overrideMetadata} over it (same
     * for rule sets), as Confluent 7.4+. A live version with the same schema, references, metadata and rules is
     * returned as is; otherwise the compatibility check runs and a new version is made (a new id unless the same
     * content already has one). {@code importedId}/{@code importedVersion} are honoured in IMPORT mode.
     */
    Registration register(String subject, ParsedSchema schema, ObjectNode requestMetadata, ObjectNode requestRuleSet,
                          Integer importedId, Integer importedVersion) {
        return register(subject, schema, requestMetadata, requestRuleSet, importedId, importedVersion, null);
    }

    /**
     * As above; {@code requestedVersion} is the {@code version} of a registration outside IMPORT mode (null when
     * the request has none). As Confluent, the new version's number goes into the metadata's
     * {@code confluent:version} when the request names a version or the merged metadata already has that property
     * (so it always tells the version a schema was registered as), and a named version other than the next one is
     * refused (42201, "Version is not one more than previous version").
     */
    Registration register(String subject, ParsedSchema schema, ObjectNode requestMetadata, ObjectNode requestRuleSet,
                          Integer importedId, Integer importedVersion, Integer requestedVersion) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        List<Version> live = new ArrayList<>();
        if (versions != null) {
            versions.values().stream().filter(v -> !v.deleted()).forEach(live::add);
        }
        Version previous = live.isEmpty() ? null : live.get(live.size() - 1);
        int next = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        ObjectNode config = effectiveConfig(subject);
        ObjectNode metadata = completedMetadata(config, requestMetadata, previous);
        ObjectNode ruleSet = completedRuleSet(config, requestRuleSet, previous);
        boolean importing = importedId != null;
        if (!importing && (requestedVersion != null || DataContracts.confluentVersion(metadata) != null)) {
            metadata = DataContracts.withConfluentVersion(metadata, next);
        }
        String content = Version.contentKey(schema.type(), schema.canonicalString(), schema.references(), metadata, ruleSet);
        if (requestedVersion == null || requestedVersion == -1) {
            for (int i = live.size() - 1; i >= 0; i--) {
                Version v = live.get(i);
                if (holds(v, schema, metadata, ruleSet) && (importedId == null || importedId == v.id())) {
                    return new Registration(v, null);
                }
            }
        }
        if (!importing && requestedVersion != null && requestedVersion != -1 && requestedVersion != next) {
            throw RegistryError.invalidSchemaPlain("Version is not one more than previous version");
        }
        if (importedId == null) {
            List<String> problems = incompatibilities(subject, schema, metadata, live);
            if (!problems.isEmpty()) {
                throw RegistryError.incompatible(subject, problems);
            }
        }
        IdSpace space = space(contextOf(subject));
        Integer known = space.byContent.get(content);
        int id;
        if (importedId != null) {
            Version holder = space.byId.get(importedId);
            if (holder != null && !holder.contentKey().equals(content)) {
                String context = contextOf(subject);
                throw new RegistryError(422, 42205, "Overwrite new schema with id " + importedId + " in context "
                        + (".".equals(context) ? "" : ":" + context + ":") + " is not permitted.");
            }
            id = importedId;
        } else {
            id = known == null ? space.maxId + 1 : known;
        }
        int version;
        if (importedVersion != null) {
            if (versions != null && versions.containsKey(importedVersion)) {
                throw new RegistryError(422, 42202, "Version " + importedVersion + " already exists in subject '" + subject + "'");
            }
            version = importedVersion;
        } else {
            version = next;
        }
        Version made = new Version(subject, version, id, schema.type(), schema.canonicalString(), schema.references(),
                metadata, ruleSet, false);
        return new Registration(made, schemaRecord(made, false));
    }

    private static ParsedSchema avro(Schema schema) {
        return SchemaParser.parse(SchemaType.AVRO, schema.toString());
    }

    // ---- records ----

    static Change schemaRecord(String subject, int version, int id, String schema, boolean deleted) {
        return schemaRecord(new Version(subject, version, id, SchemaType.AVRO, schema, List.of(), null, null, deleted), deleted);
    }

    static Change schemaRecord(Version v, boolean deleted) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version())
                .put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id());
        putContent(v, value, false);
        value.put("deleted", deleted);
        return new Change(key.toString(), value.toString());
    }

    /**
     * The schema's fields in Confluent's order and NON_EMPTY style: {@code schemaType} (for AVRO only when
     * {@code avroTypeToo}: Confluent leaves it out of records and reads), {@code references}, {@code metadata},
     * {@code ruleSet}, {@code schema}.
     */
    static ObjectNode putContent(Version v, ObjectNode out, boolean avroTypeToo) {
        if (avroTypeToo || v.type() != SchemaType.AVRO) {
            out.put("schemaType", v.type().name());
        }
        if (!v.references().isEmpty()) {
            out.set("references", referencesJson(v.references()));
        }
        if (v.metadata() != null) {
            out.set("metadata", v.metadata());
        }
        if (v.ruleSet() != null) {
            out.set("ruleSet", v.ruleSet());
        }
        return out.put("schema", v.schema());
    }

    static ArrayNode referencesJson(List<SchemaReference> references) {
        ArrayNode out = JSON.createArrayNode();
        references.forEach(r -> out.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
        return out;
    }

    static Change schemaTombstone(String subject, int version) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        return new Change(key.toString(), null);
    }

    private static ObjectNode keyOf(String keytype, String subject) {
        ObjectNode key = JSON.createObjectNode().put("keytype", keytype);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return key;
    }

    static Change configRecord(String subject, String level) {
        return configValueRecord(subject, level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level));
    }

    /** A whole config value (Confluent's ConfigValue fields); null deletes it. */
    static Change configValueRecord(String subject, ObjectNode config) {
        return new Change(keyOf("CONFIG", subject).toString(), config == null ? null : config.toString());
    }

    /** Confluent's context record: written when a context gets its first schema, tombstoned when deleted. */
    static Change contextRecord(String context, boolean exists) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONTEXT").put("tenant", "default").put("context", context)
                .put("magic", 0);
        return new Change(key.toString(), exists
                ? JSON.createObjectNode().put("tenant", "default").put("context", context).toString() : null);
    }

    static Change modeRecord(String subject, String mode) {
        return new Change(keyOf("MODE", subject).toString(), mode == null ? null : JSON.createObjectNode().put("mode", mode).toString());
    }
}
