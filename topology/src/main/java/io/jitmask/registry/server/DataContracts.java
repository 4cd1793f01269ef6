package io.jitmask.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Confluent's data contracts: a schema's {@code metadata} ({@code tags} by path, {@code properties},
 * {@code sensitive}) and {@code ruleSet} ({@code migrationRules}, {@code domainRules}, {@code encodingRules}),
 * checked as Confluent checks them and merged as Confluent merges the config's defaults and overrides.
 */
final class DataContracts {
    static final List<String> RULE_LISTS = List.of("migrationRules", "domainRules", "encodingRules");
    private static final Set<String> KINDS = Set.of("TRANSFORM", "CONDITION");
    private static final Set<String> MIGRATION_MODES = Set.of("UPGRADE", "DOWNGRADE", "UPDOWN");
    private static final Set<String> DOMAIN_MODES = Set.of("WRITE", "READ", "WRITEREAD");
    /** Confluent's rule names: a letter or underscore, then letters, digits, underscores or hyphens. */
    private static final Pattern RULE_NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_\\-]*");

    private DataContracts() {
    }

    /** Checks the shape of a metadata object; 42201 (invalid schema) naming the field when it is wrong. */
    static ObjectNode metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw RegistryError.invalidSchema("metadata must be an object");
        }
        JsonNode tags = node.get("tags");
        if (tags != null && !tags.isNull()) {
            if (!tags.isObject()) {
                throw RegistryError.invalidSchema("metadata.tags must map paths to lists of tags");
            }
            tags.fields().forEachRemaining(e -> {
                if (!e.getValue().isArray()) {
                    throw RegistryError.invalidSchema("metadata.tags['" + e.getKey() + "'] must be a list of tags");
                }
            });
        }
        JsonNode properties = node.get("properties");
        if (properties != null && !properties.isNull()) {
            if (!properties.isObject()) {
                throw RegistryError.invalidSchema("metadata.properties must be an object of strings");
            }
            properties.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw RegistryError.invalidSchema("metadata.properties['" + e.getKey() + "'] must be a string");
                }
            });
        }
        JsonNode sensitive = node.get("sensitive");
        if (sensitive != null && !sensitive.isNull() && !sensitive.isArray()) {
            throw RegistryError.invalidSchema("metadata.sensitive must be a list of property names");
        }
        return canonicalMetadata(node);
    }

    /**
     * Confluent's form of a metadata object: {@code tags} (paths sorted, each path's tags sorted and distinct),
     * {@code properties} (sorted by name), {@code sensitive} (sorted, distinct), empty parts dropped so that an
     * empty metadata is no metadata (its {@code Metadata} keeps sorted maps and sets and is written NON_EMPTY). So
     * the same contract written in another order is the same schema, with the same id, and reads back the same.
     */
    static ObjectNode canonicalMetadata(JsonNode node) {
        ObjectNode out = SchemaStore.JSON.createObjectNode();
        java.util.TreeMap<String, java.util.TreeSet<String>> tags = new java.util.TreeMap<>();
        node.path("tags").fields().forEachRemaining(e -> {
            java.util.TreeSet<String> names = tags.computeIfAbsent(e.getKey(), k -> new java.util.TreeSet<>());
            e.getValue().forEach(t -> names.add(t.asText()));
        });
        tags.values().removeIf(Set::isEmpty);
        if (!tags.isEmpty()) {
            ObjectNode t = out.putObject("tags");
            tags.forEach((path, names) -> names.forEach(t.withArray(path)::add));
        }
        java.util.TreeMap<String, String> properties = new java.util.TreeMap<>();
        node.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        if (!properties.isEmpty()) {
            ObjectNode p = out.putObject("properties");
            properties.forEach(p::put);
        }
        java.util.TreeSet<String> sensitive = new java.util.TreeSet<>();
        node.path("sensitive").forEach(v -> sensitive.add(v.asText()));
        if (!sensitive.isEmpty()) {
            ArrayNode a = out.putArray("sensitive");
            sensitive.forEach(a::add);
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * A rule set checked as Confluent's {@code RuleSet.validate} (42210 with its message) and in Confluent's form:
     * each rule as its {@code Rule} is written ({@code name}, {@code doc}, {@code kind} (TRANSFORM when absent),
     * {@code mode} (WRITEREAD when absent), {@code type}, {@code tags} sorted, {@code params} sorted, {@code expr},
     * {@code onSuccess}, {@code onFailure}, {@code disabled}; unknown fields dropped), then {@code enableAt}.
     */
    static ObjectNode ruleSet(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw RegistryError.invalidRuleSet("ruleSet must be an object");
        }
        ObjectNode out = SchemaStore.JSON.createObjectNode();
        Set<String> names = new HashSet<>();
        for (String list : RULE_LISTS) {
            JsonNode rules = node.get(list);
            if (rules == null || rules.isNull()) {
                continue;
            }
            if (!rules.isArray()) {
                throw RegistryError.invalidRuleSet(list + " must be a list of rules");
            }
            ArrayNode kept = SchemaStore.JSON.createArrayNode();
            for (JsonNode rule : rules) {
                kept.add(validateRule(list, canonicalRule(rule), names));
            }
            if (!kept.isEmpty()) {
                out.set(list, kept);
            }
        }
        JsonNode enableAt = node.get("enableAt");
        if (enableAt != null && enableAt.isTextual()) {
            out.set("enableAt", enableAt);
        }
        return out.isEmpty() ? null : out;
    }

    private static ObjectNode canonicalRule(JsonNode rule) {
        if (!rule.isObject()) {
            throw RegistryError.invalidRuleSet("a rule must be an object");
        }
        ObjectNode out = SchemaStore.JSON.createObjectNode();
        for (String field : List.of("name", "doc")) {
            if (rule.hasNonNull(field)) {
                out.put(field, rule.get(field).asText());
            }
        }
        String kind = rule.hasNonNull("kind") ? rule.get("kind").asText() : "TRANSFORM";
        if (!KINDS.contains(kind)) {
            throw RegistryError.invalidRuleSet("Invalid rule kind " + kind);
        }
        String mode = rule.hasNonNull("mode") ? rule.get("mode").asText() : "WRITEREAD";
        if (!MIGRATION_MODES.contains(mode) && !DOMAIN_MODES.contains(mode)) {
            throw RegistryError.invalidRuleSet("Invalid rule mode " + mode);
        }
        out.put("kind", kind).put("mode", mode);
        if (rule.hasNonNull("type")) {
            out.put("type", rule.get("type").asText());
        }
        java.util.TreeSet<String> tags = new java.util.TreeSet<>();
        rule.path("tags").forEach(t -> tags.add(t.asText()));
        if (!tags.isEmpty()) {
            ArrayNode t = out.putArray("tags");
            tags.forEach(t::add);
        }
        java.util.TreeMap<String, String> params = new java.util.TreeMap<>();
        rule.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        if (!params.isEmpty()) {
            ObjectNode p = out.putObject("params");
            params.forEach(p::put);
        }
        for (String field : List.of("expr", "onSuccess", "onFailure")) {
            if (rule.hasNonNull(field)) {
                out.put(field, rule.get(field).asText());
            }
        }
        return out.put("disabled", rule.path("disabled").asBoolean(false));
    }

    /** Confluent's checks of one rule, in its order and words. */
    private static ObjectNode validateRule(String list, ObjectNode rule, Set<String> names) {
        String name = rule.path("name").asText(null);
        if (name != null && !names.add(name)) {
            throw RegistryError.invalidRuleSet("Found rule with duplicate name '" + name + "'");
        }
        if (name == null) {
            throw RegistryError.invalidRuleSet("Missing rule name");
        }
        if (name.isEmpty()) {
            throw RegistryError.invalidRuleSet("Empty rule name");
        }
        if (name.length() > 256) {
            throw RegistryError.invalidRuleSet("Rule name too long");
        }
        if (!(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            throw RegistryError.invalidRuleSet("Illegal initial character in rule name: " + name);
        }
        if (!RULE_NAME.matcher(name).matches()) {
            throw RegistryError.invalidRuleSet("Illegal character in rule name: " + name);
        }
        if (!rule.hasNonNull("type")) {
            throw RegistryError.invalidRuleSet("Missing rule type");
        }
        String mode = rule.path("mode").asText();
        for (String action : List.of("onSuccess", "onFailure")) {
            if (!"WRITEREAD".equals(mode) && !"UPDOWN".equals(mode) && rule.path(action).asText("").indexOf(',') >= 0) {
                throw RegistryError.invalidRuleSet("Multiple actions only valid with WRITEREAD and UPDOWN");
            }
        }
        if ("migrationRules".equals(list) && !MIGRATION_MODES.contains(mode)) {
            throw RegistryError.invalidRuleSet("Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
        }
        if ("domainRules".equals(list) && !DOMAIN_MODES.contains(mode)) {
            throw RegistryError.invalidRuleSet("Domain rules can only be WRITE, READ, WRITEREAD");
        }
        if ("encodingRules".equals(list) && !DOMAIN_MODES.contains(mode)) {
            throw RegistryError.invalidRuleSet("Encoding rules can only be WRITE, READ, WRITEREAD");
        }
        return rule;
    }

    /**
     * {@code over} on top of {@code under}, as Confluent's {@code Metadata.mergeMetadata}: tags and properties
     * replaced path by path and name by name (a path's tags in {@code over} replace that path's tags in
     * {@code under}), sensitive names unioned; in Confluent's form.
     */
    static ObjectNode mergeMetadata(ObjectNode under, ObjectNode over) {
        if (under == null) {
            return over;
        }
        if (over == null) {
            return under;
        }
        ObjectNode merged = SchemaStore.JSON.createObjectNode();
        for (String part : List.of("tags", "properties")) {
            ObjectNode map = merged.putObject(part);
            under.path(part).fields().forEachRemaining(e -> map.set(e.getKey(), e.getValue()));
            over.path(part).fields().forEachRemaining(e -> map.set(e.getKey(), e.getValue()));
        }
        ArrayNode sensitive = merged.putArray("sensitive");
        under.path("sensitive").forEach(sensitive::add);
        over.path("sensitive").forEach(sensitive::add);
        return canonicalMetadata(merged);
    }

    /** Confluent's {@code confluent:version} metadata property: the version a schema was registered as. */
    static final String CONFLUENT_VERSION = "confluent:version";

    static String confluentVersion(JsonNode metadata) {
        return metadata == null ? null : metadata.path("properties").path(CONFLUENT_VERSION).asText(null);
    }

    /** The metadata with {@code confluent:version} set to {@code version} (Confluent's setConfluentVersion). */
    static ObjectNode withConfluentVersion(ObjectNode metadata, int version) {
        ObjectNode out = metadata == null ? SchemaStore.JSON.createObjectNode() : metadata.deepCopy();
        (out.get("properties") instanceof ObjectNode p ? p : out.putObject("properties"))
                .put(CONFLUENT_VERSION, String.valueOf(version));
        return canonicalMetadata(out);
    }

    static ObjectNode withoutConfluentVersion(ObjectNode metadata) {
        if (metadata == null || confluentVersion(metadata) == null) {
            return metadata;
        }
        ObjectNode out = metadata.deepCopy();
        ((ObjectNode) out.get("properties")).remove(CONFLUENT_VERSION);
        return canonicalMetadata(out);
    }

    /**
     * Whether a request's metadata names a stored version's, as Confluent's {@code canLookupIgnoringVersion}: when
     * only the stored one has {@code confluent:version} it is ignored; when only the request has it, it must be the
     * stored version's number and is then ignored; otherwise they must be equal.
     */
    static boolean sameIgnoringVersion(ObjectNode requested, ObjectNode stored, int storedVersion) {
        String asked = confluentVersion(requested);
        String kept = confluentVersion(stored);
        if (asked == null && kept != null) {
            return java.util.Objects.equals(requested, withoutConfluentVersion(stored));
        }
        if (asked != null && kept == null) {
            return asked.equals(String.valueOf(storedVersion))
                    && java.util.Objects.equals(withoutConfluentVersion(requested), stored);
        }
        return java.util.Objects.equals(requested, stored);
    }

    /** {@code over} on top of {@code under}, list by list: a rule of {@code over} replaces the one of the same name. */
    static ObjectNode mergeRuleSets(ObjectNode under, ObjectNode over) {
        if (under == null) {
            return over;
        }
        if (over == null) {
            return under;
        }
        ObjectNode out = SchemaStore.JSON.createObjectNode();
        for (String list : RULE_LISTS) {
            Map<String, JsonNode> rules = new LinkedHashMap<>();
            under.path(list).forEach(r -> rules.put(r.path("name").asText(), r));
            over.path(list).forEach(r -> {
                rules.remove(r.path("name").asText());
                rules.put(r.path("name").asText(), r);
            });
            if (!rules.isEmpty()) {
                ArrayNode merged = out.putArray(list);
                rules.values().forEach(merged::add);
            }
        }
        // Confluent's RuleSet also carries where its rules are enabled: the newer setting wins.
        JsonNode enableAt = over.hasNonNull("enableAt") ? over.get("enableAt") : under.get("enableAt");
        if (enableAt != null && !enableAt.isNull()) {
            out.set("enableAt", enableAt);
        }
        return out.isEmpty() ? null : out;
    }
}
