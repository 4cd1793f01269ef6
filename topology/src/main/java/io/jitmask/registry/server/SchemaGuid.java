package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.schema.SchemaReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Confluent 8's schema GUID: the MD5 of the schema's text, references, metadata and rule set, fed in the order of
 * Confluent's {@code Schema.updateHash} (and {@code SchemaReference}, {@code Metadata}, {@code RuleSet}, {@code Rule}),
 * read as a UUID. The same schema and contract have the same GUID in every context and registry, as in Confluent's,
 * so a client that frames records with GUIDs (Confluent's header schema-id serializers) finds the schema here too.
 */
final class SchemaGuid {
    private SchemaGuid() {
    }

    static String of(String schema, List<SchemaReference> references, JsonNode metadata, JsonNode ruleSet) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(md, schema);
        for (SchemaReference r : references) {
            update(md, r.name());
            update(md, r.subject());
            md.update(ByteBuffer.allocate(4).putInt(r.version()).array());
        }
        if (metadata != null) {
            md.update((byte) 1); // as Confluent: to tell an empty contract from none
            TreeMap<String, TreeSet<String>> tags = new TreeMap<>();
            metadata.path("tags").fields().forEachRemaining(e -> e.getValue().forEach(t ->
                    tags.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(t.asText())));
            tags.forEach((path, names) -> {
                update(md, path);
                names.forEach(n -> update(md, n));
            });
            sortedPairs(md, metadata.path("properties"));
            TreeSet<String> sensitive = new TreeSet<>();
            metadata.path("sensitive").forEach(s -> sensitive.add(s.asText()));
            sensitive.forEach(s -> update(md, s));
        }
        if (ruleSet != null) {
            md.update((byte) 1);
            for (String list : DataContracts.RULE_LISTS) {
                ruleSet.path(list).forEach(rule -> rule(md, rule));
            }
            if (ruleSet.hasNonNull("enableAt")) {
                update(md, ruleSet.get("enableAt").asText());
            }
        }
        ByteBuffer digest = ByteBuffer.wrap(md.digest());
        return new UUID(digest.getLong(), digest.getLong()).toString();
    }

    /** A rule in Confluent's {@code Rule.updateHash} order: absent fields add nothing, {@code disabled} one byte. */
    private static void rule(MessageDigest md, JsonNode rule) {
        for (String field : List.of("name", "doc", "kind", "mode", "type")) {
            if (rule.hasNonNull(field)) {
                update(md, rule.get(field).asText());
            }
        }
        TreeSet<String> tags = new TreeSet<>();
        rule.path("tags").forEach(t -> tags.add(t.asText()));
        tags.forEach(t -> update(md, t));
        sortedPairs(md, rule.path("params"));
        for (String field : List.of("expr", "onSuccess", "onFailure")) {
            if (rule.hasNonNull(field)) {
                update(md, rule.get(field).asText());
            }
        }
        if (rule.path("disabled").asBoolean(false)) {
            md.update((byte) 1);
        }
    }

    private static void sortedPairs(MessageDigest md, JsonNode map) {
        TreeMap<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        sorted.forEach((k, v) -> {
            update(md, k);
            update(md, v);
        });
    }

    private static void update(MessageDigest md, String text) {
        md.update(text.getBytes(StandardCharsets.UTF_8));
    }
}
