package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.schema.InvalidSchemaException;
import io.jitmask.schema.ParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Confluent Schema Registry's REST API over a {@link SchemaStore}: each request is routed, checked and answered
 * with Confluent's shapes, status codes and error codes. Every change goes through {@code writer}, which stores it
 * in {@code _schemas} before it is applied. Not thread-safe: the server serialises requests.
 */
final class RegistryApi {
    static final Set<String> MODES = Set.of("READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT");
    static final int SCHEMA_SEARCH_LIMIT = 1000;
    /** The fields of Confluent's config update request besides {@code compatibility}, stored as they are. */
    private static final List<String> CONFIG_FIELDS = List.of("alias", "aliasForDeks", "normalize", "validateFields",
            "validateNewSchemas", "validateRules", "compatibilityGroup", "compatibilityPolicy", "defaultMetadata",
            "overrideMetadata", "defaultRuleSet", "overrideRuleSet");

    private final SchemaStore store;
    private final Consumer<SchemaStore.Change> writer;

    RegistryApi(SchemaStore store, Consumer<SchemaStore.Change> writer) {
        this.store = store;
        this.writer = writer;
    }

    /** Query parameters; a name may repeat ({@code key=a&key=b}). */
    record Query(Map<String, List<String>> values) {
        static Query parse(String raw) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    out.computeIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), k -> new ArrayList<>())
                            .add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
            return new Query(out);
        }

        String get(String name) {
            List<String> v = values.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        boolean flag(String name) {
            return "true".equalsIgnoreCase(get(name));
        }

        int integer(String name, int otherwise) {
            try {
                String v = get(name);
                return v == null ? otherwise : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }
    }

    /** The answer of a request that has none (Confluent's 204 No Content). */
    static final Object NO_CONTENT = new Object();

    Object route(String method, String rawPath, Query query, String body) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        List<String> p = Arrays.stream(path.split("/")).skip(1).map(RegistryApi::decode).toList();
        if (p.size() >= 3 && p.get(0).equals("contexts")) {
            ContextPath.Rewritten r = ContextPath.rewrite(p.get(1), p.subList(2, p.size()), query.values());
            return dispatch(method, r.path(), new Query(r.query()), body);
        }
        if (p.size() == 2 && p.get(0).equals("contexts") && method.equals("DELETE")) {
            return deleteContext(p.get(1));
        }
        return dispatch(method, p, query, body);
    }

    private Object dispatch(String method, List<String> p, Query query, String body) {
        int n = p.size();
        String first = n > 0 ? p.get(0) : "";
        switch (method) {
            case "GET" -> {
                if (n == 0) {
                    return json();
                }
                switch (first) {
                    case "schemas" -> {
                        if (n == 1) {
                            return schemas(query);
                        }
                        if (n == 2 && p.get(1).equals("types")) {
                            return List.of("JSON", "PROTOBUF", "AVRO");
                        }
                        if (n >= 3 && p.get(1).equals("ids")) {
                            return schemaById(id(p.get(2)), n == 4 ? p.get(3) : null, n, query);
                        }
                        if (n >= 3 && n <= 4 && p.get(1).equals("guids")) {
                            return schemaByGuid(p.get(2), n == 4 ? p.get(3) : null, query);
                        }
                    }
                    case "subjects" -> {
                        if (n == 1) {
                            return page(store.subjects(query.flag("deleted"), query.flag("deletedOnly"), query.get("subjectPrefix")), query);
                        }
                        String subject = p.get(1);
                        if (n == 3 && p.get(2).equals("versions")) {
                            return versions(subject, query);
                        }
                        if (n == 3 && p.get(2).equals("metadata")) {
                            return versionJson(store.latestWithMetadata(subject, properties(query), query.flag("deleted")), true,
                                    query.get("format"));
                        }
                        if (n >= 4 && n <= 5 && p.get(2).equals("versions")) {
                            SchemaStore.Version v = store.version(subject, p.get(3), query.flag("deleted"));
                            if (n == 4) {
                                return versionJson(v, true, query.get("format"));
                            }
                            if (p.get(4).equals("schema")) {
                                return store.text(v, query.get("format"));
                            }
                            if (p.get(4).equals("referencedby")) {
                                return page(store.referencedBy(subject, v.version(), query.flag("deleted")), query);
                            }
                        }
                    }
                    case "config" -> {
                        if (n == 1) {
                            return store.globalConfig();
                        }
                        if (n == 2) {
                            return subjectConfig(p.get(1), query.flag("defaultToGlobal"));
                        }
                    }
                    case "mode" -> {
                        if (n == 1) {
                            return json().put("mode", store.globalMode());
                        }
                        if (n == 2) {
                            String mode = store.subjectMode(p.get(1));
                            if (mode == null) {
                                if (!query.flag("defaultToGlobal")) {
                                    throw new RegistryError(404, 40409, "Subject '" + p.get(1)
                                            + "' does not have subject-level mode configured");
                                }
                                mode = store.globalMode();
                            }
                            return json().put("mode", mode);
                        }
                    }
                    case "contexts" -> {
                        if (n == 1) {
                            return contexts(query);
                        }
                    }
                    default -> {
                    }
                }
            }
            case "POST" -> {
                if (first.equals("subjects") && n == 3 && p.get(2).equals("versions")) {
                    return register(p.get(1), body, query);
                }
                if (first.equals("subjects") && n == 2) {
                    return lookup(p.get(1), body, query);
                }
                if (first.equals("compatibility") && n >= 4 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    return compatibility(p.get(2), n == 5 ? p.get(4) : null, body, query);
                }
            }
            case "PUT" -> {
                if (first.equals("config") && n <= 2) {
                    return updateConfig(n == 1 ? null : p.get(1), body);
                }
                if (first.equals("mode") && n <= 2) {
                    return updateMode(n == 1 ? null : p.get(1), body, query.flag("force"));
                }
            }
            case "DELETE" -> {
                if (first.equals("config") && n <= 2) {
                    return deleteConfig(n == 1 ? null : p.get(1));
                }
                if (first.equals("mode") && n <= 2) {
                    return deleteMode(n == 1 ? null : p.get(1));
                }
                if (first.equals("subjects") && n == 2) {
                    return deleteSubject(p.get(1), query.flag("permanent"));
                }
                if (first.equals("subjects") && n == 4 && p.get(2).equals("versions")) {
                    return deleteVersion(p.get(1), p.get(3), query.flag("permanent"));
                }
            }
            default -> {
            }
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found");
    }

    private static ObjectNode json() {
        return SchemaStore.JSON.createObjectNode();
    }

    // ---- reads ----

    /**
     * {@code /schemas/ids/{id}}: {@code ?format=} as for versions, {@code ?fetchMaxId=true} adds {@code maxId} (the
     * highest id given so far, as Confluent's clients use to size caches).
     */
    private Object schemaById(int id, String tail, int parts, Query query) {
        String context = contextOfId(id, query.get("subject"));
        SchemaStore.Version v = store.byId(context, id);
        String format = query.get("format");
        if (parts == 3) {
            ObjectNode out = SchemaStore.putContent(v, json(), false).put("schema", store.text(v, format)).put("guid", v.guid());
            if (query.flag("fetchMaxId")) {
                out.put("maxId", store.maxId(context));
            }
            return out;
        }
        return switch (tail) {
            case "schema" -> store.text(v, format);
            case "subjects" -> page(store.versionsOfId(context, id, query.flag("deleted")).stream()
                    .map(SchemaStore.Version::subject).distinct().toList(), query);
            case "versions" -> {
                ArrayNode out = SchemaStore.JSON.createArrayNode();
                page(store.versionsOfId(context, id, query.flag("deleted")), query).forEach(x -> out.addObject()
                        .put("subject", x.subject()).put("version", x.version()));
                yield out;
            }
            default -> throw new RegistryError(404, 404, "HTTP 404 Not Found");
        };
    }

    /**
     * Confluent 8's {@code /schemas/guids/{guid}} (the schema, as by id) and {@code /schemas/guids/{guid}/ids} (every
     * context's id of it); 40403 "Schema {guid} not found" when no version has that GUID.
     */
    private Object schemaByGuid(String guid, String tail, Query query) {
        List<SchemaStore.Version> holders = store.byGuid(guid);
        if (holders.isEmpty()) {
            throw new RegistryError(404, 40403, "Schema " + guid + " not found");
        }
        if (tail == null) {
            SchemaStore.Version v = holders.get(0);
            return SchemaStore.putContent(v, json(), false).put("schema", store.text(v, query.get("format"))).put("guid", guid);
        }
        if (!tail.equals("ids")) {
            throw new RegistryError(404, 404, "HTTP 404 Not Found");
        }
        java.util.TreeMap<String, java.util.TreeSet<Integer>> ids = new java.util.TreeMap<>();
        holders.forEach(v -> ids.computeIfAbsent(contextOf(v.subject()), c -> new java.util.TreeSet<>()).add(v.id()));
        ArrayNode out = SchemaStore.JSON.createArrayNode();
        ids.forEach((context, numbers) -> numbers.forEach(id -> out.addObject().put("context", context).put("id", id)));
        return out;
    }

    /**
     * The context whose ids an id lookup reads, as Confluent: the context of a qualified {@code ?subject=}
     * ({@code :.ctx:name} or {@code :.ctx:}); for an unqualified one, the default context if that subject uses the
     * id there, else the first context where {@code :.ctx:subject} does; the default context otherwise.
     */
    private String contextOfId(int id, String subject) {
        if (subject == null || subject.isEmpty() || !subject.startsWith(":.")) {
            if (subject != null && !subject.isEmpty() && !usesId(".", subject, id)) {
                for (String context : store.contexts()) {
                    if (!".".equals(context) && usesId(context, ":" + context + ":" + subject, id)) {
                        return context;
                    }
                }
            }
            return ".";
        }
        return contextOf(subject);
    }

    private boolean usesId(String context, String subject, int id) {
        try {
            return store.versionsOfId(context, id, true).stream().anyMatch(v -> v.subject().equals(subject));
        } catch (RegistryError e) {
            return false;
        }
    }

    /**
     * {@code DELETE /contexts/{ctx}}: only an empty context (no subject, soft-deleted ones included) is deleted, with
     * Confluent's 42211 otherwise; the default context is never deleted.
     */
    private Object deleteContext(String given) {
        String context = ContextPath.context(given);
        if (".".equals(context) ? !store.subjects(true).isEmpty() : store.contextHasSubjects(context)) {
            throw new RegistryError(422, 42211, "The specified context '" + ContextPath.qualifier(context)
                    + "' is not empty.");
        }
        if (!".".equals(context) && store.hasContextRecord(context)) {
            writer.accept(SchemaStore.contextRecord(context, false));
        }
        return NO_CONTENT;
    }

    /**
     * The default context {@code .}, every context recorded in {@code _schemas} and every context a qualified
     * subject ({@code :.ctx:name}) lives in, sorted, with Confluent's {@code contextPrefix}, {@code offset} and
     * {@code limit}.
     */
    private List<String> contexts(Query query) {
        java.util.SortedSet<String> contexts = store.contexts();
        String prefix = query.get("contextPrefix");
        int limit = query.integer("limit", -1);
        return contexts.stream().filter(c -> prefix == null || c.startsWith(prefix))
                .skip(Math.max(0, query.integer("offset", 0))).limit(limit < 0 ? Long.MAX_VALUE : limit).toList();
    }

    static String contextOf(String subject) {
        return SchemaStore.contextOf(subject);
    }

    private ArrayNode schemas(Query query) {
        String prefix = query.get("subjectPrefix");
        boolean deleted = query.flag("deleted");
        boolean latestOnly = query.flag("latestOnly");
        String ruleType = query.get("ruleType");
        int offset = Math.max(0, query.integer("offset", 0));
        // Confluent's schema.search.default.limit and .max.limit (1000 each): a limit outside 1..1000 is 1000.
        int asked = query.integer("limit", -1);
        int limit = asked > 0 && asked <= SCHEMA_SEARCH_LIMIT ? asked : SCHEMA_SEARCH_LIMIT;
        List<SchemaStore.Version> selected = new ArrayList<>();
        for (SchemaStore.Version v : store.everyVersion()) {
            if (prefix != null && !v.subject().startsWith(prefix) || v.deleted() && !deleted) {
                continue;
            }
            // Versions come subject by subject, oldest first: with latestOnly a subject's later one replaces it.
            if (latestOnly && !selected.isEmpty() && selected.get(selected.size() - 1).subject().equals(v.subject())) {
                selected.remove(selected.size() - 1);
            }
            selected.add(v);
        }
        if (ruleType != null && !ruleType.isEmpty()) {
            // Confluent's ruleType filter: schemas with a rule of that type in any of their lists.
            selected.removeIf(v -> v.ruleSet() == null || DataContracts.RULE_LISTS.stream().noneMatch(list ->
                    java.util.stream.StreamSupport.stream(v.ruleSet().path(list).spliterator(), false)
                            .anyMatch(r -> ruleType.equals(r.path("type").asText(null)))));
        }
        ArrayNode out = SchemaStore.JSON.createArrayNode();
        selected.stream().skip(offset).limit(limit).forEach(v -> out.add(versionJson(v, false)));
        return out;
    }

    /**
     * A subject's versions as Confluent 8 lists them: live ones; {@code deleted} adds soft-deleted ones,
     * {@code deletedOnly} only those, {@code deletedAsNegative} all with soft-deleted ones negated; paged.
     */
    private List<Integer> versions(String subject, Query query) {
        List<SchemaStore.Version> all = query.flag("deleted") || query.flag("deletedOnly") || query.flag("deletedAsNegative")
                ? store.all(subject) : store.live(subject);
        List<Integer> out;
        if (query.flag("deletedAsNegative")) {
            out = all.stream().map(v -> v.deleted() ? -v.version() : v.version()).toList();
        } else if (query.flag("deletedOnly")) {
            out = all.stream().filter(SchemaStore.Version::deleted).map(SchemaStore.Version::version).toList();
        } else {
            out = all.stream().map(SchemaStore.Version::version).toList();
        }
        return page(out, query);
    }

    /** Confluent's {@code offset} and {@code limit} (-1, the default, for no limit) on a listing. */
    static <T> List<T> page(List<T> items, Query query) {
        int limit = query.integer("limit", -1);
        return items.stream().skip(Math.max(0, query.integer("offset", 0))).limit(limit < 0 ? Long.MAX_VALUE : limit).toList();
    }

    private static Map<String, String> properties(Query query) {
        List<String> keys = query.all("key");
        List<String> values = query.all("value");
        if (keys.size() != values.size()) {
            throw new RegistryError(422, 422, "every key needs a value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), values.get(i));
        }
        return out;
    }

    /** A version as Confluent serves it: schemaType omitted for AVRO, references/metadata/ruleSet when present. */
    private ObjectNode versionJson(SchemaStore.Version v, boolean markDeleted, String format) {
        ObjectNode out = versionJson(v, markDeleted);
        return format == null ? out : out.put("schema", store.text(v, format));
    }

    static ObjectNode versionJson(SchemaStore.Version v, boolean markDeleted) {
        ObjectNode out = json().put("subject", v.subject()).put("version", v.version()).put("id", v.id()).put("guid", v.guid());
        SchemaStore.putContent(v, out, false);
        if (markDeleted && v.deleted()) {
            out.put("deleted", true);
        }
        return out;
    }


    // ---- registering, looking up, checking ----

    /** A register/lookup/compatibility request body, parsed and checked. */
    private record Request(ParsedSchema schema, ObjectNode metadata, ObjectNode ruleSet, Integer id, Integer version) {
    }

    /**
     * Parses the body; then, unless the subject is in IMPORT mode (Confluent skips both there), checks fields when
     * the config in scope has {@code validateFields: true} and normalises when {@code ?normalize=true} or the
     * config has {@code normalize: true}.
     */
    private Request request(String subject, String body, Query query) {
        return request(subject, body, query, null);
    }

    /**
     * As above; {@code previous}, when not null, stands in for an empty {@code schema} (its type, text and
     * references), as Confluent's registration does to give the latest schema new metadata or rules.
     */
    private Request request(String subject, String body, Query query, SchemaStore.Version previous) {
        Request r = request(body, previous);
        if ("IMPORT".equals(store.mode(subject))) {
            return r;
        }
        ObjectNode config = store.effectiveConfig(subject);
        ParsedSchema schema = r.schema();
        try {
            if (config.path("validateFields").asBoolean(false)) {
                schema.validateFields();
            }
            if (query.flag("normalize") || config.path("normalize").asBoolean(false)) {
                schema = schema.normalize();
            }
        } catch (InvalidSchemaException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
        return new Request(schema, r.metadata(), r.ruleSet(), r.id(), r.version());
    }

    private Request request(String body, SchemaStore.Version previous) {
        JsonNode request = body(body);
        JsonNode text = request.get("schema");
        if (text != null && !text.isNull() && !text.isTextual()) {
            throw new RegistryError(422, 42201, "Invalid schema: the request has no 'schema' string");
        }
        ObjectNode metadata = DataContracts.metadata(request.get("metadata"));
        ObjectNode ruleSet = DataContracts.ruleSet(request.get("ruleSet"));
        Integer id = request.hasNonNull("id") && request.get("id").asInt() > 0 ? request.get("id").asInt() : null;
        // Confluent's version: 0 or absent is none, -1 asks for the latest, others name the version to register.
        Integer version = request.hasNonNull("version") && request.get("version").asInt() != 0 ? request.get("version").asInt() : null;
        if (text == null || text.isNull() || text.asText().isBlank()) {
            if (previous == null) {
                throw RegistryError.invalidSchemaPlain("Empty schema");
            }
            return new Request(store.parsed(previous), metadata, ruleSet, id, version);
        }
        SchemaType type;
        try {
            type = SchemaType.of(request.path("schemaType").asText(null));
        } catch (InvalidSchemaException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
        List<SchemaReference> references = SchemaStore.references(request.get("references"));
        ParsedSchema schema;
        try {
            schema = SchemaParser.parse(type, text.asText(), references, store.resolve(references));
        } catch (InvalidSchemaException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
        return new Request(schema, metadata, ruleSet, id, version);
    }

    /**
     * Registers as Confluent 8: READONLY refuses (42205); outside IMPORT an {@code id} is taken only when the same
     * schema already has it under the subject, else "not in import mode" (42205); IMPORT needs an {@code id}
     * ("not in read-write mode", 42205) and refuses one another schema holds (42205, "Overwrite new schema with
     * id ..."). An empty {@code schema} registers the latest version's schema with the request's metadata and rules
     * ("Empty schema", 42201, when there is none).
     */
    private ObjectNode register(String subject, String body, Query query) {
        checkSubject(subject);
        String mode = store.mode(subject);
        if (mode.startsWith("READONLY")) {
            throw RegistryError.readOnly(subject);
        }
        boolean importing = "IMPORT".equals(mode);
        List<SchemaStore.Version> live = store.liveOrEmpty(subject);
        Request r = request(subject, body, query, importing || live.isEmpty() ? null : live.get(live.size() - 1));
        if (!importing && r.id() != null) {
            SchemaStore.Version existing;
            try {
                existing = store.lookup(subject, r.schema(), r.metadata(), r.ruleSet(), false);
            } catch (RegistryError e) {
                existing = null;
            }
            if (existing == null || existing.id() != r.id()) {
                throw RegistryError.notPermitted(subject, "is not in import mode");
            }
            return registered(existing, query.get("format"));
        }
        if (importing && r.id() == null) {
            throw RegistryError.notPermitted(subject, "is not in read-write mode");
        }
        SchemaStore.Registration registration = store.register(subject, r.schema(), r.metadata(), r.ruleSet(),
                importing ? r.id() : null, importing && r.version() != null && r.version() > 0 ? r.version() : null,
                importing ? null : r.version());
        String context = contextOf(subject);
        if (registration.change() != null && !store.hasContextRecord(context)) {
            writer.accept(SchemaStore.contextRecord(context, true)); // as Confluent, before the context's first schema
        }
        if (registration.change() != null) {
            writer.accept(registration.change());
        }
        return registered(registration.version(), query.get("format"));
    }

    /** Current Confluent clients read all of these from a registration's answer (older ones only the id). */
    private ObjectNode registered(SchemaStore.Version v, String format) {
        ObjectNode out = SchemaStore.putContent(v, json().put("id", v.id()).put("version", v.version()).put("guid", v.guid()), true);
        // Confluent 8: ?format= renders the answer's schema (as for reads), not the stored one.
        return format == null || format.isEmpty() ? out : out.put("schema", store.text(v, format));
    }

    private ObjectNode lookup(String subject, String body, Query query) {
        JsonNode text = body(body).get("schema");
        if (text == null || text.isNull() || text.isTextual() && text.asText().isBlank()) {
            store.all(subject); // 40401 for an unknown subject, as Confluent; an empty schema matches nothing
            throw RegistryError.schemaNotFound();
        }
        Request r = request(subject, body, query);
        return versionJson(store.lookup(subject, r.schema(), r.metadata(), r.ruleSet(), query.flag("deleted")), false,
                query.get("format"));
    }

    private ObjectNode compatibility(String subject, String version, String body, Query query) {
        Request r = request(subject, body, query);
        List<SchemaStore.Version> against;
        if (version == null) {
            against = store.liveOrEmpty(subject);
        } else if ("latest".equals(version) || "-1".equals(version)) {
            // As Confluent: "latest" of a subject with no live version is compatible with anything.
            List<SchemaStore.Version> live = store.liveOrEmpty(subject);
            against = live.isEmpty() ? List.of() : List.of(live.get(live.size() - 1));
        } else {
            against = List.of(store.version(subject, version));
        }
        ObjectNode metadata = r.metadata() != null ? r.metadata() : against.isEmpty() ? null : against.get(against.size() - 1).metadata();
        List<String> problems = store.incompatibilities(subject, r.schema(), metadata, against);
        ObjectNode answer = json().put("is_compatible", problems.isEmpty());
        if (query.flag("verbose")) {
            problems.forEach(answer.putArray("messages")::add);
        }
        return answer;
    }

    private static void checkSubject(String subject) {
        if (subject.isEmpty() || subject.chars().anyMatch(Character::isISOControl) || subject.equals("__GLOBAL")
                || subject.equals("__EMPTY")) {
            throw RegistryError.invalidSubject(subject);
        }
    }

    // ---- config and mode ----

    /** Confluent's GET /config/{subject}: its own config, or with {@code defaultToGlobal} the one in scope; level filled in. */
    private ObjectNode subjectConfig(String subject, boolean defaultToGlobal) {
        ObjectNode own = store.subjectConfig(subject);
        if (own == null) {
            if (!defaultToGlobal) {
                throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            return store.effectiveConfig(subject);
        }
        return SchemaStore.populated(own);
    }

    /**
     * Merges the update into the stored config as Confluent 8's {@code ConfigValue.update}: fields not sent stay, a
     * field sent as null is cleared; answers the whole config as Confluent's {@code ConfigUpdateRequest}
     * ({@code compatibility} for the level).
     */
    private ObjectNode updateConfig(String subject, String body) {
        if (subject != null) {
            checkSubject(subject);
        }
        checkWritable(subject);
        JsonNode update = body(body);
        ObjectNode stored = subject == null ? store.storedGlobalConfig() : store.subjectConfig(subject);
        ObjectNode config = stored == null ? json() : stored.deepCopy();
        if (update.has("compatibility")) {
            if (update.get("compatibility").isNull()) {
                config.remove("compatibilityLevel");
            } else {
                String level = update.get("compatibility").asText("").toUpperCase(Locale.ROOT);
                if (!SchemaStore.LEVELS.contains(level)) {
                    throw RegistryError.invalidCompatibility(level);
                }
                config.put("compatibilityLevel", level);
            }
        }
        for (String field : CONFIG_FIELDS) {
            JsonNode value = update.get(field);
            if (value == null) {
                continue;
            }
            JsonNode checked = value.isNull() ? null : switch (field) {
                case "defaultMetadata", "overrideMetadata" -> DataContracts.metadata(value);
                case "defaultRuleSet", "overrideRuleSet" -> DataContracts.ruleSet(value);
                case "normalize", "validateFields", "validateRules", "validateNewSchemas" -> {
                    if (!value.isBoolean()) {
                        throw new RegistryError(422, 422, field + " must be true or false");
                    }
                    yield value;
                }
                default -> {
                    if (!value.isTextual()) {
                        throw new RegistryError(422, 422, field + " must be a string");
                    }
                    yield value;
                }
            };
            if (checked == null) {
                config.remove(field);
            } else {
                config.set(field, checked);
            }
        }
        writer.accept(SchemaStore.configValueRecord(subject, config));
        ObjectNode answer = json();
        config.fields().forEachRemaining(e -> answer.set("compatibilityLevel".equals(e.getKey()) ? "compatibility" : e.getKey(),
                e.getValue()));
        return answer;
    }

    private ObjectNode deleteConfig(String subject) {
        if (subject == null) {
            checkWritable(null);
            ObjectNode previous = store.globalConfig();
            writer.accept(SchemaStore.configValueRecord(null, null));
            return previous;
        }
        ObjectNode previous = store.subjectConfig(subject);
        if (previous == null) {
            throw RegistryError.subjectNotFound(subject);
        }
        checkWritable(subject);
        writer.accept(SchemaStore.configValueRecord(subject, null));
        return SchemaStore.populated(previous);
    }

    private ObjectNode updateMode(String subject, String body, boolean force) {
        if (subject != null) {
            checkSubject(subject);
        }
        String mode = body(body).path("mode").asText("").toUpperCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw RegistryError.invalidMode(mode);
        }
        if ("IMPORT".equals(mode) && !force) {
            boolean hasSchemas = subject == null ? !store.subjects(false).isEmpty() : !store.liveOrEmpty(subject).isEmpty();
            if (hasSchemas) {
                throw new RegistryError(422, 42205, "Cannot import since found existing subjects");
            }
        }
        writer.accept(SchemaStore.modeRecord(subject, mode));
        return json().put("mode", mode);
    }

    private ObjectNode deleteMode(String subject) {
        if (subject == null) {
            String previous = store.globalMode();
            writer.accept(SchemaStore.modeRecord(null, null));
            return json().put("mode", previous);
        }
        String previous = store.subjectMode(subject);
        if (previous == null) {
            throw RegistryError.subjectNotFound(subject);
        }
        writer.accept(SchemaStore.modeRecord(subject, null));
        return json().put("mode", previous);
    }

    // ---- deleting ----

    private void checkWritable(String subject) {
        if (store.mode(subject).startsWith("READONLY")) {
            throw RegistryError.readOnly(subject);
        }
    }

    /**
     * Confluent's reference guard: a version other versions reference is not deleted (42206); a permanent delete
     * counts soft-deleted referrers too (they could be restored), a soft delete only live ones.
     */
    private void checkNotReferenced(SchemaStore.Version v, boolean permanent) {
        if (!store.referencedBy(v.subject(), v.version(), permanent).isEmpty()) {
            throw RegistryError.referenceExists(v.subject(), v.version());
        }
    }

    /** For a whole subject, as Confluent: only references from other subjects keep a version. */
    private void checkNotReferencedByOthers(SchemaStore.Version v, boolean permanent) {
        java.util.Set<String> referrers = store.referencingSubjects(v.subject(), v.version(), permanent);
        referrers.remove(v.subject());
        if (!referrers.isEmpty()) {
            throw RegistryError.referenceExists(v.subject(), v.version());
        }
    }

    private List<Integer> deleteSubject(String subject, boolean permanent) {
        checkWritable(subject);
        if (permanent) {
            List<SchemaStore.Version> all = store.all(subject);
            for (SchemaStore.Version v : all) {
                checkNotReferencedByOthers(v, true);
                if (!v.deleted()) {
                    throw new RegistryError(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
                }
            }
            all.forEach(v -> writer.accept(SchemaStore.schemaTombstone(subject, v.version())));
            return all.stream().map(SchemaStore.Version::version).toList();
        }
        List<SchemaStore.Version> live = store.liveOrEmpty(subject);
        if (live.isEmpty()) {
            store.all(subject);
            throw new RegistryError(404, 40404, "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
        }
        live.forEach(v -> checkNotReferencedByOthers(v, false));
        live.forEach(v -> writer.accept(SchemaStore.schemaRecord(v, true)));
        return live.stream().map(SchemaStore.Version::version).toList();
    }

    private int deleteVersion(String subject, String version, boolean permanent) {
        checkWritable(subject);
        if (permanent) {
            int number = "latest".equals(version) || "-1".equals(version)
                    ? store.version(subject, "latest", true).version() : SchemaStore.parseVersion(version);
            SchemaStore.Version v = store.all(subject).stream().filter(x -> x.version() == number).findFirst()
                    .orElseThrow(() -> RegistryError.versionNotFound(number));
            checkNotReferenced(v, true); // before the soft-delete check, as Confluent
            if (!v.deleted()) {
                throw new RegistryError(404, 40407, "Subject '" + subject + "' Version " + number
                        + " was not deleted first before being permanently deleted");
            }
            writer.accept(SchemaStore.schemaTombstone(subject, number));
            return number;
        }
        if (!"latest".equals(version) && !"-1".equals(version)) {
            int number = SchemaStore.parseVersion(version);
            boolean softDeleted = store.all(subject).stream().anyMatch(x -> x.version() == number && x.deleted());
            if (softDeleted) {
                throw new RegistryError(404, 40406, "Subject '" + subject + "' Version " + number
                        + " was soft deleted.Set permanent=true to delete permanently");
            }
        }
        SchemaStore.Version v = store.version(subject, version);
        checkNotReferenced(v, false);
        writer.accept(SchemaStore.schemaRecord(v, true));
        return v.version();
    }

    // ---- parsing ----

    private static JsonNode body(String body) {
        try {
            JsonNode node = SchemaStore.JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            if (node == null || !node.isObject()) {
                throw new RegistryError(422, 422, "Unrecognized request body: expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryError(400, 400, "Malformed JSON in the request body");
        }
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, 40403, "Schema " + text + " not found");
        }
    }

    static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
