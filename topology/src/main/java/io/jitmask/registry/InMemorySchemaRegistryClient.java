package io.jitmask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/** Registry held in memory: for unit tests and TopologyTestDriver. Same id for the same schema text, as Confluent does. */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Integer, JsonNode> metadataById = new HashMap<>();
    private final Map<String, Integer> idsByStored = new HashMap<>();
    private final Map<Integer, StoredSchema> storedById = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>();
    private final Map<Integer, StoredSchema> typedById = new HashMap<>();
    private final Map<String, Integer> idsByTyped = new HashMap<>();
    private final java.util.Set<String> hardDeleted = new java.util.HashSet<>();
    private int nextId = 1;

    /** JSON Schema and Protobuf schemas: kept as text with their references, ids from the same sequence as Avro's. */
    @Override
    public synchronized int registerTyped(String subject, StoredSchema schema) {
        if (schema.type() == io.jitmask.schema.SchemaType.AVRO && schema.references().isEmpty()) {
            return register(subject, new Schema.Parser().parse(schema.schema()));
        }
        String canonical = schema.type() + "\u0000" + schema.schema() + "\u0000" + schema.references();
        Integer id = idsByTyped.get(canonical);
        if (id == null) {
            id = nextId++;
            idsByTyped.put(canonical, id);
            typedById.put(id, schema);
        }
        List<Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
        return id;
    }

    @Override
    public synchronized int latestId(String subject) {
        List<Integer> ids = ids(subject);
        return ids.get(ids.size() - 1);
    }

    @Override
    public synchronized List<String> subjectsOf(int id) {
        List<String> out = new ArrayList<>();
        idsBySubject.forEach((subject, ids) -> {
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) == id && !hardDeleted.contains(subject + "/" + (i + 1)) && !out.contains(subject)) {
                    out.add(subject);
                }
            }
        });
        return out;
    }

    @Override
    public synchronized StoredSchema typedSchemaById(int id) {
        StoredSchema typed = typedById.get(id);
        return typed != null ? typed : SchemaRegistryClient.super.typedSchemaById(id);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        return register(subject, schema, null);
    }

    /** As Confluent: the same text with other metadata is another schema (another id). */
    @Override
    public synchronized int register(String subject, Schema schema, JsonNode metadata) {
        String canonical = schema.toString() + (metadata == null ? "" : "\u0000" + metadata);
        Integer id = idsBySchema.get(canonical);
        if (id == null) {
            id = nextId++;
            idsBySchema.put(canonical, id);
            schemasById.put(id, schema);
            if (metadata != null) {
                metadataById.put(id, metadata.deepCopy());
            }
        }
        List<Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException(40403, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized Optional<JsonNode> metadataOf(int id) {
        return Optional.ofNullable(metadataById.get(id));
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        Integer id = idsBySchema.get(schema.toString());
        if (id == null || !idsBySubject.getOrDefault(subject, List.of()).contains(id)) {
            throw new SchemaNotFoundException(40403, "Schema not found under subject '" + subject + "'");
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> ids = ids(subject);
        return version(subject, ids.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> ids = ids(subject);
        if (version < 1 || version > ids.size()) {
            throw new SchemaNotFoundException(40402, "Version " + version + " not found for subject '" + subject + "'");
        }
        int id = ids.get(version - 1);
        return new RegisteredSchema(subject, version, id, schemasById.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        for (int v = 1; v <= ids(subject).size(); v++) {
            versions.add(v);
        }
        return versions;
    }

    @Override
    public synchronized List<RegisteredSchema> history(String subject) {
        List<RegisteredSchema> out = new ArrayList<>();
        List<Integer> ids = ids(subject);
        for (int v = 1; v <= ids.size(); v++) {
            if (!hardDeleted.contains(subject + "/" + v)) {
                out.add(new RegisteredSchema(subject, v, ids.get(v - 1), schemasById.get(ids.get(v - 1))));
            }
        }
        return out;
    }

    /** Any type, references and contract; plain Avro goes the Avro way, so both views of it agree. */
    @Override
    public synchronized int register(String subject, StoredSchema schema) {
        if (schema.type() == io.jitmask.schema.SchemaType.AVRO && schema.references().isEmpty() && schema.ruleSet() == null) {
            return register(subject, new Schema.Parser().parse(schema.schema()), schema.metadata());
        }
        Integer id = idsByStored.get(schema.toString());
        if (id == null) {
            id = nextId++;
            idsByStored.put(schema.toString(), id);
            storedById.put(id, schema);
        }
        List<Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
        return id;
    }

    @Override
    public synchronized StoredSchema storedSchema(int id) {
        StoredSchema stored = storedById.get(id);
        if (stored != null) {
            return stored;
        }
        return new StoredSchema(io.jitmask.schema.SchemaType.AVRO, schemaById(id).toString(), List.of(), metadataById.get(id), null);
    }

    /** Removes a version for good, as a permanent delete does (tests): its number is not reused. */
    public synchronized void deletePermanently(String subject, int version) {
        ids(subject);
        hardDeleted.add(subject + "/" + version);
    }

    private List<Integer> ids(String subject) {
        List<Integer> ids = idsBySubject.get(subject);
        if (ids == null) {
            throw new SchemaNotFoundException(40401, "Subject '" + subject + "' not found");
        }
        return ids;
    }
}
