package io.jitmask.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A JSON Schema and the schemas it references, as the graph of {@link JsonSchemaNode}s the compatibility diff
 * walks: each node typed once (so a recursive {@code $ref} meets the same node again), {@code $ref}s resolved as
 * local JSON pointers or to a referenced schema (by its reference name, then a pointer into it).
 */
final class JsonSchemaDocument {
    private final JsonNode root;
    private final boolean modern;
    private final Map<String, String> referencedTexts;
    private final Map<String, JsonSchemaDocument> referenced;
    private final Map<JsonNode, JsonSchemaNode> loaded = new IdentityHashMap<>();

    private JsonSchemaDocument(JsonNode root, Map<String, String> referencedTexts,
                               Map<String, JsonSchemaDocument> referenced) {
        this.root = root;
        this.referencedTexts = referencedTexts;
        this.referenced = referenced;
        String declared = root.path("$schema").asText("");
        this.modern = declared.contains("2019-09") || declared.contains("2020-12");
    }

    static JsonSchemaDocument of(JsonParsedSchema schema) {
        return new JsonSchemaDocument(schema.jsonNode(), schema.resolvedReferences(), new HashMap<>());
    }

    /** Whether the document is draft 2019-09 or 2020-12 (read as Confluent translates those drafts). */
    boolean modern() {
        return modern;
    }

    JsonSchemaNode root() {
        return load(root);
    }

    JsonSchemaNode load(JsonNode json) {
        JsonSchemaNode node = loaded.get(json);
        if (node == null) {
            node = JsonSchemaNode.of(json, this);
            loaded.put(json, node);
        }
        return node;
    }

    /** The node a {@code $ref} names, or null when it names nothing this document or its references hold. */
    JsonSchemaNode resolve(String ref) {
        int hash = ref.indexOf('#');
        String name = hash < 0 ? ref : ref.substring(0, hash);
        String pointer = hash < 0 ? "" : ref.substring(hash + 1);
        JsonSchemaDocument target = this;
        if (!name.isEmpty()) {
            target = referenced.get(name);
            if (target == null) {
                String text = referencedTexts.get(name);
                if (text == null) {
                    return null;
                }
                try {
                    target = new JsonSchemaDocument(JsonParsedSchema.JSON.readTree(text), referencedTexts, referenced);
                } catch (JsonProcessingException e) {
                    return null;
                }
                referenced.put(name, target);
            }
        }
        JsonNode node = pointer.isEmpty() ? target.root : target.root.at(pointer);
        return node.isMissingNode() ? null : target.load(node);
    }
}
