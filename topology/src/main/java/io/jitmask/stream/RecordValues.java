package io.jitmask.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.mask.FormatMasking;
import io.jitmask.mask.JsonSchemaDocument;
import io.jitmask.mask.MaskEngine;
import io.jitmask.registry.RegistryException;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.registry.StoredSchema;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.MalformedRecordException;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.serde.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The one place the masking path dispatches on a record's format: decodes a raw value (Avro, JSON Schema or Protobuf
 * in the Confluent wire format, by the type the registry gives its schema id; plain JSON when the policy declares
 * the dataset so), and encodes a masked copy of it with the masked subject's schema id.
 *
 * <p>Not thread-safe (it caches per schema id and owns an {@link AvroCodec}): one per stream task.
 */
public final class RecordValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decoded raw value. */
    public sealed interface Value permits AvroValue, JsonValue, ProtobufValue {
    }

    public record AvroValue(AvroCodec.Decoded decoded) implements Value {
    }

    /** A JSON value; {@code schemaId} is -1 and {@code schema}, {@code parsed} null for plain JSON. */
    public record JsonValue(int schemaId, StoredSchema schema, JsonSchemaDocument document, JsonParsedSchema parsed, JsonNode tree)
            implements Value {
    }

    public record ProtobufValue(StoredSchema schema, java.util.Map<String, Set<String>> inlineTags, ProtobufCodec.Decoded decoded)
            implements Value {
    }

    /** A writer schema of a non-Avro type, parsed once per id. */
    private record Writer(StoredSchema schema, JsonSchemaDocument json, JsonParsedSchema jsonSchema, ProtoSchemas.Parsed proto) {
    }

    private final MaskEngine engine;
    private final FormatMasking formats;
    private final SchemaRegistryClient registry;
    private final MaskedSchemaIds maskedIds;
    private final AvroCodec avro;
    private final BiFunction<Integer, StoredSchema, ProtoSchemas.Parsed> protoParser;
    /** Per schema id: null for Avro (decoded by the Avro codec), else the parsed writer schema. */
    private final Map<Integer, Writer> writers = new HashMap<>();
    /** Datasets and schema ids of framed keys (any format) found under {@code raw.<dataset>-key}. */
    private final java.util.Set<Map.Entry<String, Integer>> keyIds = new java.util.HashSet<>();

    public RecordValues(MaskEngine engine, SchemaRegistryClient registry, MaskedSchemaIds maskedIds) {
        this(engine, registry, maskedIds, ProtoSchemas::parse);
    }

    RecordValues(MaskEngine engine, SchemaRegistryClient registry, MaskedSchemaIds maskedIds,
                 BiFunction<Integer, StoredSchema, ProtoSchemas.Parsed> protoParser) {
        this.engine = engine;
        this.formats = engine.formats();
        this.registry = registry;
        this.maskedIds = maskedIds;
        this.avro = new AvroCodec(registry);
        this.protoParser = protoParser;
    }

    /**
     * @throws MalformedRecordException bad framing, or bytes that are not a value of the writer schema (permanent)
     * @throws io.jitmask.registry.SchemaNotFoundException unknown schema id (permanent)
     * @throws io.jitmask.registry.RegistryUnavailableException registry unreachable (transient)
     */
    public Value decode(String dataset, byte[] bytes) {
        if (formats.isPlainJson(dataset)) {
            return new JsonValue(-1, null, null, null, JsonCodec.readPlain(bytes));
        }
        int id = WireFormat.schemaId(bytes);
        Writer writer = writers.containsKey(id) ? writers.get(id) : writer(id);
        if (writer == null) {
            return new AvroValue(avro.decode(bytes));
        }
        return decodeTyped(writer, id, bytes);
    }

    /**
     * A framed record key written with JSON Schema or Protobuf, decoded; null when its writer schema is Avro (Avro
     * keys keep their own plan, {@link MaskEngine#keyPlan}). Its schema id, whatever the format, must be registered
     * under {@code raw.<dataset>-key}, else {@link io.jitmask.classify.SchemaNotForDatasetException}: a key written
     * with another dataset's (or a value's) schema is not masked by a plan made for something else.
     *
     * @throws MalformedRecordException bad framing, or bytes that are not a value of the writer schema (permanent)
     */
    public Value decodeTypedKey(String dataset, byte[] bytes) {
        int id = WireFormat.schemaId(bytes);
        Writer writer = writers.containsKey(id) ? writers.get(id) : writer(id);
        if (!keyIds.contains(Map.entry(dataset, id))) {
            String subject = io.jitmask.config.Topics.raw(dataset) + "-key";
            if (!registry.subjectsOf(id).contains(subject)) {
                throw new io.jitmask.classify.SchemaNotForDatasetException(dataset + ": record key schema id " + id
                        + " is not registered under subject " + subject);
            }
            keyIds.add(Map.entry(dataset, id));
        }
        return writer == null ? null : decodeTyped(writer, id, bytes);
    }

    /** A masked copy of a key decoded by {@link #decodeTypedKey}, encoded with the {@code masked.<dataset>-key} id. */
    public byte[] maskKey(String dataset, Value key) {
        return maskTyped(dataset, key, Set.of(), true);
    }

    private Value decodeTyped(Writer writer, int id, byte[] bytes) {
        if (writer.json() != null) {
            JsonNode tree = JsonCodec.readFramed(bytes, id);
            if (formats.jsonValidation() == io.jitmask.mask.JsonValidation.FULL) {
                // The framed text itself (already parsed strictly above): no second serialisation of the tree.
                rawFollowsSchema(id, writer.jsonSchema(), new String(bytes, WireFormat.HEADER_SIZE,
                        bytes.length - WireFormat.HEADER_SIZE, java.nio.charset.StandardCharsets.UTF_8));
            }
            return new JsonValue(id, writer.schema(), writer.json(), writer.jsonSchema(), tree);
        }
        return new ProtobufValue(writer.schema(), writer.proto().inlineTags(), ProtobufCodec.decode(bytes, id, writer.proto().file()));
    }

    /** A masked copy of the value, every sensitive field masked except {@code clearPaths}, encoded for its topic. */
    public byte[] mask(String dataset, Value value, Set<String> clearPaths) {
        if (value instanceof AvroValue a) {
            AvroCodec.Decoded d = a.decoded();
            int maskedId = maskedIds.valueId(dataset, d.schemaId(), d.schema());
            return avro.encode(maskedId, d.schema(), engine.valuePlan(dataset, d.schemaId(), d.schema(), clearPaths).apply(d.datum()));
        }
        return maskTyped(dataset, value, clearPaths, false);
    }

    /** Masks a JSON or Protobuf value or key: the same plans (the dataset's classification) for both. */
    private byte[] maskTyped(String dataset, Value value, Set<String> clearPaths, boolean isKey) {
        if (value instanceof JsonValue j) {
            io.jitmask.mask.JsonMaskPlanner.Masked result = formats.json().plan(dataset, j.schemaId(), j.document(), clearPaths).mask(j.tree());
            JsonNode masked = result.value();
            if (j.schema() == null) {
                return JsonCodec.writePlain(masked);
            }
            if (!result.proven()) {
                followsSchema(dataset, j, masked, result.validate());
            }
            return JsonCodec.writeFramed(maskedIds.typedId(dataset, j.schemaId(), j.schema(), isKey), masked);
        }
        ProtobufValue p = (ProtobufValue) value;
        ProtobufCodec.Decoded d = p.decoded();
        com.google.protobuf.Message masked = formats.protobuf().plan(dataset, d.schemaId(), d.type(), p.inlineTags(), clearPaths).apply(d.message());
        return ProtobufCodec.encode(maskedIds.typedId(dataset, d.schemaId(), p.schema(), isKey), d.indexes(), masked);
    }

    /**
     * Sensitive field paths of a dataset's current schema, whatever its format, with their tags (what a request may
     * ask for): the latest version under {@code raw.<dataset>-value}; for plain JSON, the policy's path rules.
     */
    public static Map<String, Set<String>> sensitiveFields(MaskEngine engine, SchemaRegistryClient registry, String dataset) {
        FormatMasking formats = engine.formats();
        if (formats.isPlainJson(dataset)) {
            return formats.pathRuleFields(dataset);
        }
        int id = registry.latestId(io.jitmask.config.Topics.raw(dataset) + "-value");
        StoredSchema schema = registry.typedSchemaById(id);
        return switch (schema.type()) {
            case JSON -> formats.json().sensitiveFields(dataset, jsonDocument(id, schema));
            case PROTOBUF -> {
                ProtoSchemas.Parsed parsed = ProtoSchemas.parse(id, schema);
                yield formats.protobuf().sensitiveFields(dataset, parsed.file().getMessageTypes().get(0), parsed.inlineTags());
            }
            default -> engine.sensitiveFields(dataset, registry.schemaById(id));
        };
    }

    /** The writer schema id of a value; -1 for plain JSON. */
    public static int schemaId(Value value) {
        if (value instanceof AvroValue a) {
            return a.decoded().schemaId();
        }
        if (value instanceof JsonValue j) {
            return j.schemaId();
        }
        return ((ProtobufValue) value).decoded().schemaId();
    }

    /**
     * Refuses a JSON Schema or Protobuf writer schema that is not registered under the dataset's subject
     * ({@code raw.<dataset>-value}, or one of the policy's {@code subjects}), as the Avro admission does.
     */
    public String checkSubject(String dataset, int schemaId) {
        List<String> allowed = new ArrayList<>(formats.subjects(dataset));
        allowed.add(io.jitmask.config.Topics.raw(dataset) + "-value");
        List<String> holding = registry.subjectsOf(schemaId);
        return allowed.stream().filter(holding::contains).findFirst()
                .orElseThrow(() -> new io.jitmask.classify.SchemaNotForDatasetException(dataset + ": schema id " + schemaId
                        + " is not registered under subject " + String.join(" or ", allowed)));
    }

    /**
     * The field paths and tags of another version ({@code schemaId}) of a JSON Schema or Protobuf value's subject,
     * named as the masking planners name them; for Protobuf, of the message type the value was written with (the
     * first message of that version when it has no type of that name).
     */
    public Map<String, io.jitmask.classify.AvroFields.Field> fieldsOf(String dataset, Value value, int schemaId) {
        Writer writer = writers.containsKey(schemaId) ? writers.get(schemaId) : writer(schemaId);
        if (writer == null || (writer.json() == null) != (value instanceof ProtobufValue)) {
            throw new io.jitmask.classify.ClassificationUnavailableException(dataset + ": schema id " + schemaId
                    + " in the subject's history is not of the record's schema type");
        }
        if (writer.json() != null) {
            return io.jitmask.mask.SchemaFieldPaths.of(dataset, writer.json());
        }
        String type = ((ProtobufValue) value).decoded().type().getFullName();
        List<com.google.protobuf.Descriptors.Descriptor> messages = writer.proto().file().getMessageTypes();
        com.google.protobuf.Descriptors.Descriptor message = find(messages, type);
        if (message == null && !messages.isEmpty()) {
            message = messages.get(0);
        }
        return message == null ? Map.of() : io.jitmask.mask.SchemaFieldPaths.of(dataset, message, writer.proto().inlineTags());
    }

    private static com.google.protobuf.Descriptors.Descriptor find(List<com.google.protobuf.Descriptors.Descriptor> types, String fullName) {
        for (com.google.protobuf.Descriptors.Descriptor type : types) {
            com.google.protobuf.Descriptors.Descriptor found = type.getFullName().equals(fullName) ? type : find(type.getNestedTypes(), fullName);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private Writer writer(int id) {
        StoredSchema schema = registry.typedSchemaById(id);
        Writer writer = switch (schema.type()) {
            case AVRO -> null;
            case JSON -> new Writer(schema, jsonDocument(id, schema), jsonSchema(id, schema), null);
            case PROTOBUF -> new Writer(schema, null, null, formats.protobufSchema(id, () -> protoParser.apply(id, schema)));
            default -> throw new RegistryException(42201, "schema id " + id + " has type " + schema.type()
                    + ", which jitmask cannot mask");
        };
        writers.put(id, writer);
        return writer;
    }

    /**
     * Fails closed on bad input ({@code jitmask.formats.json.validation=full}): a raw JSON Schema value (or key) that
     * does not follow its writer schema is not masked at all but dead-lettered, naming the keywords and locations (never
     * values). Validated once per decoded record, not per masked copy; a plan that proves its masked copy valid then
     * needs no second validation after masking (its proof assumes a valid raw record, which this establishes), and one
     * that cannot has only the top-level properties it names validated again where the schema's top level judges its
     * properties one by one ({@link io.jitmask.mask.JsonMaskPlanner.Masked#validate}).
     */
    private static void rawFollowsSchema(int id, JsonParsedSchema schema, String text) {
        List<String> violations = schema.violations(text);
        if (!violations.isEmpty()) {
            throw new MalformedRecordException("the value does not follow its writer's JSON Schema id " + id + " ("
                    + String.join(", ", violations) + "); the producer must write values the schema accepts");
        }
    }

    /**
     * Fails closed when a masked JSON value no longer follows its schema: a technique's output can break a
     * {@code pattern}, {@code maxLength}, {@code enum} or {@code format} of the masked field (an hmac token in a field
     * with an email pattern). Such a record is dead-lettered naming the keywords and locations (never values), so
     * nothing reaches masked.* or a grant topic that the schema's own readers would refuse; the fix is a technique
     * that keeps the constraint (e.g. {@code generalizeDate} for {@code format: date}, {@code redact} with a fitting
     * {@code value}, {@code nullify} where null is allowed). Called only for a record its plan did not prove valid;
     * {@code properties} non-null: the plan proved all but these top-level properties, whose values alone are validated.
     * Null (the whole record again, although in {@code full} mode the raw record was just validated whole) where the
     * schema's top level judges more than each property alone: a {@code oneOf}, {@code if}, {@code dependencies},
     * {@code patternProperties} or an {@code enum}/{@code const} of objects at the top, a {@code $ref} at the top or
     * anywhere not into the document's own definitions, registry references, or an undeclared property to check
     * against {@code additionalProperties} ({@code LocalKeywords.nonLocalProperties}). There a
     * masked value can break a keyword no property's own schema holds (a {@code oneOf} branch the raw record did not
     * match may now match too), so no narrower check is proven to refuse every invalid masked record.
     */
    private static void followsSchema(String dataset, JsonValue value, JsonNode masked, Set<String> properties) {
        List<String> violations;
        if (properties == null) {
            violations = value.parsed().violations(masked.toString());
        } else {
            // The plan proved the rest: only the top-level properties holding an unproven or non-local rewritten value.
            violations = new ArrayList<>();
            for (String property : properties) {
                violations.addAll(value.parsed().propertyViolations(property, masked.get(property).toString()));
            }
        }
        if (!violations.isEmpty()) {
            throw new io.jitmask.mask.MaskingException(dataset + ": the masked value does not follow JSON Schema id "
                    + value.schemaId() + " (" + String.join(", ", violations) + "); choose techniques that keep those constraints");
        }
    }

    private static JsonParsedSchema jsonSchema(int id, StoredSchema schema) {
        List<io.jitmask.schema.SchemaReference> references = schema.references();
        try {
            return (JsonParsedSchema) io.jitmask.schema.SchemaParser.parse(io.jitmask.schema.SchemaType.JSON, schema.schema(),
                    references, schema.resolved());
        } catch (io.jitmask.schema.InvalidSchemaException e) {
            throw new RegistryException(42201, "JSON Schema with id " + id + " from the registry: " + e.getMessage());
        }
    }

    private static JsonSchemaDocument jsonDocument(int id, StoredSchema schema) {
        try {
            Map<String, JsonNode> references = new LinkedHashMap<>();
            for (Map.Entry<String, String> ref : schema.resolved().entrySet()) {
                references.put(ref.getKey(), JSON.readTree(ref.getValue()));
            }
            return new JsonSchemaDocument(JSON.readTree(schema.schema()), references);
        } catch (IOException e) {
            throw new RegistryException(42201, "JSON Schema with id " + id + " from the registry is not valid JSON");
        }
    }
}
