package io.jitmask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.schema.InvalidSchemaException;
import io.jitmask.schema.SchemaReference;
import io.jitmask.schema.SchemaType;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API; works with Confluent's registry, Karapace,
 * Redpanda, Apicurio's ccompat API and jitmask's embedded registry.
 *
 * <p>Ids are immutable, so schemas by id and ids by (subject, schema) are cached forever. Connection failures and
 * 5xx answers are retried with exponential backoff and then reported as {@link RegistryUnavailableException}, which
 * the pipeline treats as transient; 404s are {@link SchemaNotFoundException}, which it treats as permanent.
 * Basic auth comes from the URL's user info ({@code http://user:secret@host:8081}) and is never printed.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final int DEFAULT_ATTEMPTS = 3;
    static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String printableBase;
    private final String authorization;
    private final HttpClient http;
    private final int attempts;
    private final Duration firstBackoff;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Integer, StoredSchema> typedById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, StoredSchema> storedById = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(String baseUrl) {
        this(baseUrl, null, DEFAULT_ATTEMPTS, DEFAULT_FIRST_BACKOFF);
    }

    /**
     * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, as Confluent's {@code basic.auth.user.info};
     *     null to use the URL's user info, if any
     */
    public HttpSchemaRegistryClient(String baseUrl, String basicAuthUserInfo) {
        this(baseUrl, basicAuthUserInfo, DEFAULT_ATTEMPTS, DEFAULT_FIRST_BACKOFF);
    }

    public HttpSchemaRegistryClient(String baseUrl, int attempts, Duration firstBackoff) {
        this(baseUrl, null, attempts, firstBackoff);
    }

    /**
     * @param attempts calls per request before a connection failure or 5xx becomes {@link RegistryUnavailableException}
     * @param firstBackoff pause after the first failure; doubled after each further one, up to {@link #MAX_BACKOFF}
     */
    public HttpSchemaRegistryClient(String baseUrl, String basicAuthUserInfo, int attempts, Duration firstBackoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        URI uri;
        try {
            uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        } catch (IllegalArgumentException e) {
            // The URL may hold a password: do not echo it.
            throw new IllegalArgumentException("schema registry URL is not a valid URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL must look like http://host:port");
        }
        String userInfo = basicAuthUserInfo != null ? basicAuthUserInfo
                : uri.getRawUserInfo() == null ? null : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
        this.authorization = userInfo == null || userInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        try {
            this.base = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("schema registry URL must look like http://host:port");
        }
        this.printableBase = base.toString();
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The registry's URL without credentials, as it appears in error messages. */
    public String url() {
        return printableBase;
    }

    @Override
    public int register(String subject, Schema schema) {
        return register(subject, schema, null);
    }

    @Override
    public int register(String subject, Schema schema, JsonNode metadata) {
        // Without metadata, the same key idOf caches under.
        String cacheKey = subject + "\u0000" + schema + (metadata == null ? "" : "\u0000" + metadata);
        Integer cached = idsBySubjectSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        if (metadata != null) {
            body.set("metadata", metadata);
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body.toString());
        int id = answer.path("id").asInt();
        idsBySubjectSchema.put(cacheKey, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The id and version a registration got. */
    public record Registration(int id, int version) {
    }

    /**
     * Registers a schema of any type with its references and data contract. The version comes from the answer
     * (Confluent 7.4+); registries that answer only the id are asked for it by a lookup.
     */
    public Registration registerVersion(String subject, StoredSchema schema) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body(schema).toString());
        int id = answer.path("id").asInt();
        int version = answer.path("version").asInt(0);
        if (version == 0) {
            version = call("POST", "/subjects/" + encode(subject), body(schema).toString()).path("version").asInt();
        }
        return new Registration(id, version);
    }

    @Override
    public int register(String subject, StoredSchema schema) {
        return registerVersion(subject, schema).id();
    }

    /** The schema with this id, of any type, with its references and data contract (cached: ids are immutable). */
    @Override
    public StoredSchema storedSchema(int id) {
        StoredSchema cached = storedById.get(id);
        if (cached != null) {
            return cached;
        }
        StoredSchema stored = stored(call("GET", "/schemas/ids/" + id, null));
        storedById.putIfAbsent(id, stored);
        return stored;
    }

    @Override
    public Optional<JsonNode> metadataOf(int id) {
        return Optional.ofNullable(storedSchema(id).metadata());
    }

    /** The subject's config ({@code compatibilityLevel}, {@code normalize}, {@code defaultMetadata}, ...), or the global one. */
    public JsonNode config(String subject) {
        return call("GET", subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true", null);
    }

    /** Updates the subject's (or the global) config with Confluent's config request fields. */
    public JsonNode updateConfig(String subject, JsonNode update) {
        return call("PUT", subject == null ? "/config" : "/config/" + encode(subject), update.toString());
    }

    private static ObjectNode body(StoredSchema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schemaType", schema.type().name());
        if (!schema.references().isEmpty()) {
            ArrayNode refs = body.putArray("references");
            schema.references().forEach(r -> refs.addObject().put("name", r.name()).put("subject", r.subject())
                    .put("version", r.version()));
        }
        if (schema.metadata() != null) {
            body.set("metadata", schema.metadata());
        }
        if (schema.ruleSet() != null) {
            body.set("ruleSet", schema.ruleSet());
        }
        return body.put("schema", schema.schema());
    }

    private static StoredSchema stored(JsonNode answer) {
        SchemaType type;
        try {
            type = SchemaType.of(answer.path("schemaType").asText(null));
        } catch (RuntimeException e) {
            throw new RegistryException(42201, "the registry answered an unknown schema type");
        }
        List<SchemaReference> refs = new ArrayList<>();
        answer.path("references").forEach(r -> refs.add(new SchemaReference(r.path("name").asText(),
                r.path("subject").asText(), r.path("version").asInt())));
        JsonNode metadata = answer.path("metadata");
        JsonNode ruleSet = answer.path("ruleSet");
        return new StoredSchema(type, answer.path("schema").asText(), refs,
                metadata.isObject() && !metadata.isEmpty() ? metadata : null, ruleSet.isObject() && !ruleSet.isEmpty() ? ruleSet : null);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        storedById.putIfAbsent(id, stored(answer));
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new RegistryException(42201, "schema " + id + " is of type " + type + ", not AVRO");
        }
        Schema schema = parse(answer.path("schema").asText(), "schema " + id);
        schemasById.putIfAbsent(id, schema);
        return schemasById.get(id);
    }

    /** {@link #storedSchema} with the texts of every schema it references, as the masking path parses it. */
    @Override
    public StoredSchema typedSchemaById(int id) {
        StoredSchema cached = typedById.get(id);
        if (cached != null) {
            return cached;
        }
        StoredSchema stored = storedSchema(id);
        java.util.LinkedHashMap<String, String> resolved = new java.util.LinkedHashMap<>();
        resolve(stored.references(), resolved, 0);
        StoredSchema typed = new StoredSchema(stored.type(), stored.schema(), stored.references(), resolved);
        typedById.putIfAbsent(id, typed);
        return typed;
    }

    @Override
    public int registerTyped(String subject, StoredSchema schema) {
        String cacheKey = subject + "\u0000" + schema;
        Integer cached = idsBySubjectSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        // The texts it imports stay here (the references are sent); its data contract, if any, goes with it.
        int id = register(subject, new StoredSchema(schema.type(), schema.schema(), schema.references(), schema.metadata(),
                schema.ruleSet()));
        idsBySubjectSchema.put(cacheKey, id);
        return id;
    }

    private static List<SchemaReference> references(JsonNode refs) {
        List<SchemaReference> out = new ArrayList<>();
        refs.forEach(r -> out.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(), r.path("version").asInt())));
        return out;
    }

    /** The texts of every referenced schema, dependencies first (a reference's own references before it). */
    private void resolve(List<SchemaReference> references, Map<String, String> resolved, int depth) {
        if (depth > 32) {
            throw new RegistryException(42201, "schema references nest deeper than 32 levels");
        }
        for (SchemaReference reference : references) {
            if (resolved.containsKey(reference.name())) {
                continue;
            }
            JsonNode version = call("GET", "/subjects/" + encode(reference.subject()) + "/versions/" + reference.version(), null);
            resolve(references(version.path("references")), resolved, depth + 1);
            resolved.put(reference.name(), version.path("schema").asText());
        }
    }

    @Override
    public int idOf(String subject, Schema schema) {
        String cacheKey = subject + "\u0000" + schema;
        Integer cached = idsBySubjectSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
        int id = answer.path("id").asInt();
        idsBySubjectSchema.put(cacheKey, id);
        return id;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public int latestId(String subject) {
        return call("GET", "/subjects/" + encode(subject) + "/versions/latest", null).path("id").asInt();
    }

    @Override
    public List<String> subjectsOf(int id) {
        List<String> out = new ArrayList<>();
        call("GET", "/schemas/ids/" + id + "/subjects?deleted=true", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public List<RegisteredSchema> history(String subject) {
        List<RegisteredSchema> out = historyIds(subject);
        for (RegisteredSchema version : out) {
            if (version.schema() == null) {
                throw new RegistryException(42201, "schema " + version.id() + " from the registry is not a valid Avro schema");
            }
        }
        return out;
    }

    @Override
    public List<RegisteredSchema> historyIds(String subject) {
        List<RegisteredSchema> out = new ArrayList<>();
        for (JsonNode n : call("GET", "/subjects/" + encode(subject) + "/versions?deleted=true", null)) {
            try {
                JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/" + n.asInt() + "?deleted=true", null);
                String type = answer.path("schemaType").asText(SchemaType.AVRO.name());
                out.add(SchemaType.AVRO.name().equals(type) ? registered(answer)
                        : new RegisteredSchema(subject, answer.path("version").asInt(), answer.path("id").asInt(), null));
            } catch (SchemaNotFoundException e) {
                // permanently deleted between the two calls: gone, like the versions deleted before
            }
        }
        return out;
    }

    /** Soft-deletes a subject (or permanently, after a soft delete); returns the versions deleted. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> out = new ArrayList<>();
        call("DELETE", "/subjects/" + encode(subject) + (permanent ? "?permanent=true" : ""), null)
                .forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** Whether the schema could be registered under the subject, by the subject's compatibility level. */
    public boolean isCompatible(String subject, Schema schema) {
        return call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                .path("is_compatible").asBoolean();
    }

    private RegisteredSchema registered(JsonNode answer) {
        int id = answer.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id, i -> parse(answer.path("schema").asText(), "schema " + i));
        return new RegisteredSchema(answer.path("subject").asText(), answer.path("version").asInt(), id, schema);
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().setValidateDefaults(false).parse(text);
        } catch (RuntimeException e) {
            throw new RegistryException(42201, what + " from the registry is not a valid Avro schema");
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(printableBase + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        Duration backoff = firstBackoff;
        String failure = null;
        IOException cause = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 300) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() < 500) {
                    throw refusal(method, path, response);
                }
                failure = "answered HTTP " + response.statusCode();
                cause = null;
            } catch (IOException e) {
                failure = "unreachable (" + e.getClass().getSimpleName() + ")";
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted calling schema registry " + printableBase, e);
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("interrupted calling schema registry " + printableBase, e);
                }
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
            }
        }
        throw new RegistryUnavailableException("schema registry " + printableBase + " " + failure + " to " + method + " "
                + path + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"), cause);
    }

    private RegistryException refusal(String method, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        int code = status;
        String message = "";
        try {
            JsonNode error = JSON.readTree(response.body());
            code = error.path("error_code").asInt(status);
            message = sanitize(error.path("message").asText(""));
        } catch (IOException | RuntimeException e) {
            // not JSON: keep the HTTP status
        }
        String text = "schema registry " + printableBase + " refused " + method + " " + path + ": error " + code
                + (message.isEmpty() ? "" : " (" + message + ")");
        if (status == 404 && code >= 40400 && code <= 40499) {
            return new SchemaNotFoundException(code, text);
        }
        return new RegistryException(code, text);
    }

    /**
     * Keeps the registry's own words but not schema text: Confluent quotes the whole schema in 42201 and 409 messages
     * ({@code Invalid schema {... schema={...}}}, {@code details: [{oldSchema: '...'}]}); everything from the first
     * brace or bracket on is dropped.
     */
    static String sanitize(String message) {
        return InvalidSchemaException.withoutSchemaText(message, MAX_MESSAGE_CHARS);
    }
}
