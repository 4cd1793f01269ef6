package io.jitmask.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.schema.JsonSchemaDifference.Type;
import io.jitmask.schema.JsonSchemaNode.Kind;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The differences between two JSON Schemas by Confluent's rules (its json-schema-provider {@code SchemaDiff}): the
 * hub every per-kind comparison recurses through, with the path it is at and the differences found. A pair of nodes
 * is compared once (memoised); a pair met again while it is being compared is a recursive cycle, assumed compatible,
 * and the whole comparison is repeated with the pairs found incompatible until nothing changes, so that assumption
 * never hides a real difference.
 */
final class JsonSchemaDiff {
    private record Pair(JsonSchemaNode original, JsonSchemaNode update) {
    }

    private final Set<Type> compatible;
    private final Map<Pair, List<JsonSchemaDifference>> memo;
    private final Set<Pair> inProgress;
    private final Map<Pair, List<JsonSchemaDifference>> seed;
    private final boolean[] optimistic;
    private final Deque<String> path = new ArrayDeque<>();
    private final List<JsonSchemaDifference> differences = new ArrayList<>();

    private JsonSchemaDiff(Set<Type> compatible, Map<Pair, List<JsonSchemaDifference>> memo, Set<Pair> inProgress,
                           Map<Pair, List<JsonSchemaDifference>> seed, boolean[] optimistic) {
        this.compatible = compatible;
        this.memo = memo;
        this.inProgress = inProgress;
        this.seed = seed;
        this.optimistic = optimistic;
    }

    /** Every difference from {@code original} to {@code update}; {@code compatible} decides which branches match. */
    static List<JsonSchemaDifference> compare(Set<Type> compatible, JsonSchemaNode original, JsonSchemaNode update) {
        Map<Pair, List<JsonSchemaDifference>> seed = Map.of();
        while (true) {
            JsonSchemaDiff diff = new JsonSchemaDiff(compatible, new HashMap<>(), new HashSet<>(), seed, new boolean[1]);
            diff.compare(original, update);
            Map<Pair, List<JsonSchemaDifference>> incompatible = new HashMap<>();
            diff.memo.forEach((pair, found) -> {
                if (found.stream().anyMatch(d -> !compatible.contains(d.type()))) {
                    incompatible.put(pair, found);
                }
            });
            if (!diff.optimistic[0] || incompatible.keySet().equals(seed.keySet())) {
                return diff.differences;
            }
            seed = incompatible;
        }
    }

    /** A comparison of a branch: same memo, same path, its own differences. */
    JsonSchemaDiff sub() {
        JsonSchemaDiff sub = new JsonSchemaDiff(compatible, memo, inProgress, seed, optimistic);
        sub.path.addAll(path);
        return sub;
    }

    List<JsonSchemaDifference> differences() {
        return differences;
    }

    boolean isCompatible() {
        return differences.stream().allMatch(d -> compatible.contains(d.type()));
    }

    void add(Type type) {
        differences.add(new JsonSchemaDifference(type, pathString()));
    }

    void add(String keyword, Type type) {
        path.addLast(keyword);
        add(type);
        path.removeLast();
    }

    void addAll(List<JsonSchemaDifference> found) {
        differences.addAll(found);
    }

    /** Runs {@code body} with {@code segment} appended to the path. */
    void at(String segment, Runnable body) {
        path.addLast(segment);
        try {
            body.run();
        } finally {
            path.removeLast();
        }
    }

    private String pathString() {
        return "#/" + String.join("/", path);
    }

    // ---- the hub ----

    void compare(JsonSchemaNode original, JsonSchemaNode update) {
        // As Confluent's JsonSchemaCancellation: an interrupted check stops (the flag cleared, so a pooled thread
        // comes back clean) and is no schema error: the registry answers it as a timed-out request.
        if (Thread.interrupted()) {
            throw new java.util.concurrent.CancellationException("the compatibility check was interrupted");
        }
        if (original == null && update == null) {
            return;
        } else if (original == null) {
            add(Type.SCHEMA_ADDED);
            return;
        } else if (update == null) {
            add(Type.SCHEMA_REMOVED);
            return;
        }
        JsonSchemaNode o = referred(original);
        JsonSchemaNode u = referred(update);
        List<JsonSchemaDifference> relative = memoized(o, u);
        if (path.isEmpty()) {
            differences.addAll(relative);
            return;
        }
        String prefix = pathString();
        for (JsonSchemaDifference d : relative) {
            String rel = d.path();
            differences.add(new JsonSchemaDifference(d.type(), rel.length() <= 2 ? prefix : prefix + "/" + rel.substring(2)));
        }
    }

    private JsonSchemaNode referred(JsonSchemaNode node) {
        JsonSchemaNode current = node;
        for (int hops = 0; current.kind == Kind.REFERENCE; hops++) {
            JsonSchemaNode next = current.referred();
            if (next == null || hops > 64) {
                throw new InvalidSchemaException("a $ref at " + pathString() + " names no schema of its own or of its"
                        + " references");
            }
            current = next;
        }
        return current;
    }

    private List<JsonSchemaDifference> memoized(JsonSchemaNode o, JsonSchemaNode u) {
        Pair key = new Pair(o, u);
        List<JsonSchemaDifference> cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        if (!inProgress.add(key)) {
            List<JsonSchemaDifference> seeded = seed.get(key);
            if (seeded != null) {
                return seeded;
            }
            optimistic[0] = true;
            return List.of();
        }
        try {
            JsonSchemaDiff pair = new JsonSchemaDiff(compatible, memo, inProgress, seed, optimistic);
            pair.compareTypes(o, u);
            List<JsonSchemaDifference> result = Collections.unmodifiableList(new ArrayList<>(pair.differences));
            memo.put(key, result);
            return result;
        } finally {
            inProgress.remove(key);
        }
    }

    private void compareTypes(JsonSchemaNode original, JsonSchemaNode update) {
        if (original.kind != Kind.COMBINED && update.kind == Kind.COMBINED) {
            List<JsonSchemaNode> subs = update.subschemas();
            if (subs.size() == 1) {
                if (matchesOne(original, subs.get(0), null)) {
                    return;
                }
            } else if (!"allOf".equals(update.criterion())) {
                for (JsonSchemaNode sub : subs) {
                    if (matchesOne(original, sub, Type.SUM_TYPE_EXTENDED)) {
                        return;
                    }
                }
            }
        } else if (original.kind == Kind.COMBINED && update.kind != Kind.COMBINED) {
            List<JsonSchemaNode> subs = original.subschemas();
            if (subs.size() == 1) {
                if (matchesOne(subs.get(0), update, null)) {
                    return;
                }
            } else if ("allOf".equals(original.criterion())) {
                for (JsonSchemaNode sub : subs) {
                    if (matchesOne(sub, update, Type.PRODUCT_TYPE_NARROWED)) {
                        return;
                    }
                }
            }
        }
        if (original.kind != update.kind) {
            if (original.kind == Kind.FALSE || update.isEmptyKind()) {
                return;
            }
            if ("bytes".equals(original.connectType()) && "bytes".equals(update.connectType())) {
                return; // Confluent's allowance for the JSON converter's decimal fix
            }
            add(Type.TYPE_CHANGED);
            return;
        }
        annotation(original, update, "$id", Type.ID_CHANGED);
        annotation(original, update, "title", Type.TITLE_CHANGED);
        annotation(original, update, "description", Type.DESCRIPTION_CHANGED);
        annotation(original, update, "default", Type.DEFAULT_CHANGED);
        switch (original.kind) {
            case STRING -> compareString(original, update);
            case NUMBER -> compareNumber(original, update);
            case CONST -> {
                if (!Objects.equals(original.constValue(), update.constValue())) {
                    add("const", Type.ENUM_ARRAY_CHANGED);
                }
            }
            case ENUM -> compareEnum(original, update);
            case COMBINED -> JsonCombinedSchemaDiff.compare(this, original, update);
            case NOT -> at("not", () -> {
                JsonSchemaDiff sub = sub();
                sub.compare(update.notSchema(), original.notSchema()); // reversed: what the update forbids
                add(sub.isCompatible() ? Type.NOT_TYPE_NARROWED : Type.NOT_TYPE_EXTENDED);
            });
            case OBJECT -> JsonObjectSchemaDiff.compare(this, original, update);
            case ARRAY -> JsonArraySchemaDiff.compare(this, original, update);
            default -> {
            }
        }
    }

    /** Whether {@code o} against {@code u} is compatible; if so its differences (and {@code extra}) are kept. */
    private boolean matchesOne(JsonSchemaNode o, JsonSchemaNode u, Type extra) {
        JsonSchemaDiff sub = sub();
        sub.compare(o, u);
        if (!sub.isCompatible()) {
            return false;
        }
        addAll(sub.differences);
        if (extra != null) {
            add(extra);
        }
        return true;
    }

    private void annotation(JsonSchemaNode o, JsonSchemaNode u, String name, Type type) {
        if (!Objects.equals(o.annotation(name), u.annotation(name))) {
            add(type);
        }
    }

    private void compareString(JsonSchemaNode o, JsonSchemaNode u) {
        bound(o, u, "maxLength", Type.MAX_LENGTH_ADDED, Type.MAX_LENGTH_REMOVED, Type.MAX_LENGTH_INCREASED,
                Type.MAX_LENGTH_DECREASED);
        bound(o, u, "minLength", Type.MIN_LENGTH_ADDED, Type.MIN_LENGTH_REMOVED, Type.MIN_LENGTH_INCREASED,
                Type.MIN_LENGTH_DECREASED);
        String op = o.pattern();
        String up = u.pattern();
        if (op == null && up != null) {
            add("pattern", Type.PATTERN_ADDED);
        } else if (op != null && up == null) {
            add("pattern", Type.PATTERN_REMOVED);
        } else if (op != null && !op.equals(up)) {
            add("pattern", Type.PATTERN_CHANGED);
        }
    }

    private void compareNumber(JsonSchemaNode o, JsonSchemaNode u) {
        bound(o, u, "maximum", Type.MAXIMUM_ADDED, Type.MAXIMUM_REMOVED, Type.MAXIMUM_INCREASED, Type.MAXIMUM_DECREASED);
        bound(o, u, "minimum", Type.MINIMUM_ADDED, Type.MINIMUM_REMOVED, Type.MINIMUM_INCREASED, Type.MINIMUM_DECREASED);
        bound(o, u, "exclusiveMaximum", Type.EXCLUSIVE_MAXIMUM_ADDED, Type.EXCLUSIVE_MAXIMUM_REMOVED,
                Type.EXCLUSIVE_MAXIMUM_INCREASED, Type.EXCLUSIVE_MAXIMUM_DECREASED);
        bound(o, u, "exclusiveMinimum", Type.EXCLUSIVE_MINIMUM_ADDED, Type.EXCLUSIVE_MINIMUM_REMOVED,
                Type.EXCLUSIVE_MINIMUM_INCREASED, Type.EXCLUSIVE_MINIMUM_DECREASED);
        JsonNode om = o.number("multipleOf");
        JsonNode um = u.number("multipleOf");
        BigDecimal before = om == null ? null : om.decimalValue();
        BigDecimal after = um == null ? null : um.decimalValue();
        boolean equal = before == null ? after == null : after != null && before.compareTo(after) == 0;
        if (!equal) {
            if (before == null) {
                add("multipleOf", Type.MULTIPLE_OF_ADDED);
            } else if (after == null) {
                add("multipleOf", Type.MULTIPLE_OF_REMOVED);
            } else if (before.signum() != 0 && after.remainder(before).signum() == 0) {
                add("multipleOf", Type.MULTIPLE_OF_EXPANDED);
            } else if (after.signum() != 0 && before.remainder(after).signum() == 0) {
                add("multipleOf", Type.MULTIPLE_OF_REDUCED);
            } else {
                add("multipleOf", Type.MULTIPLE_OF_CHANGED);
            }
        }
        if (o.requiresInteger() != u.requiresInteger()) {
            add(o.requiresInteger() ? Type.TYPE_EXTENDED : Type.TYPE_NARROWED);
        }
    }

    /** A numeric keyword added, removed, grown or shrunk (equal values, however written, are no change). */
    void bound(JsonSchemaNode o, JsonSchemaNode u, String keyword, Type added, Type removed, Type increased,
               Type decreased) {
        JsonNode before = o.number(keyword);
        JsonNode after = u.number(keyword);
        if (before == null && after == null) {
            return;
        }
        if (before == null) {
            add(keyword, added);
        } else if (after == null) {
            add(keyword, removed);
        } else if (before.doubleValue() < after.doubleValue()) {
            add(keyword, increased);
        } else if (before.doubleValue() > after.doubleValue()) {
            add(keyword, decreased);
        }
    }

    private void compareEnum(JsonSchemaNode o, JsonSchemaNode u) {
        Set<JsonNode> before = o.enumValues();
        Set<JsonNode> after = u.enumValues();
        if (before.equals(after)) {
            return;
        }
        if (after.containsAll(before)) {
            add("enum", Type.ENUM_ARRAY_EXTENDED);
        } else if (before.containsAll(after)) {
            add("enum", Type.ENUM_ARRAY_NARROWED);
        } else {
            add("enum", Type.ENUM_ARRAY_CHANGED);
        }
    }

    /**
     * {@code unevaluatedProperties} or {@code unevaluatedItems}: going from absent or a schema to {@code false}
     * removes, to a narrower schema narrows; the reverse adds or extends; two schemas are compared.
     */
    void compareUnevaluated(JsonSchemaNode before, JsonSchemaNode after, String keyword, Type added, Type removed,
                            Type extended, Type narrowed) {
        if (before == null && after == null) {
            return;
        }
        at(keyword, () -> {
            if (before == null) {
                add(after.kind == Kind.FALSE ? removed : narrowed);
            } else if (after == null) {
                add(before.kind == Kind.FALSE ? added : extended);
            } else if (before.kind == Kind.FALSE && after.kind != Kind.FALSE) {
                add(added);
            } else if (before.kind != Kind.FALSE && after.kind == Kind.FALSE) {
                add(removed);
            } else if (before.isEmptyKind() && !after.isEmptyKind()) {
                add(narrowed);
            } else if (!before.isEmptyKind() && after.isEmptyKind()) {
                add(extended);
            } else {
                compare(before, after);
            }
        });
    }

    /**
     * {@code additionalProperties} or {@code additionalItems}: allowed or not, then absent (anything) or a schema.
     */
    void compareAdditional(String keyword, boolean permittedBefore, JsonSchemaNode before, boolean permittedAfter,
                           JsonSchemaNode after, Type added, Type removed, Type extended, Type narrowed) {
        at(keyword, () -> {
            if (permittedBefore != permittedAfter) {
                add(permittedAfter ? added : removed);
            } else if (before == null && after != null) {
                add(narrowed);
            } else if (before != null && after == null) {
                add(extended);
            } else {
                compare(before, after);
            }
        });
    }

    /**
     * A property or item present on one side only, read through the other side's partially open content model:
     * its differences, then whether the model covers it.
     */
    void covered(JsonSchemaNode original, JsonSchemaNode update, Type covered, Type notCovered) {
        JsonSchemaDiff sub = sub();
        sub.compare(original, update);
        addAll(sub.differences);
        add(sub.isCompatible() ? covered : notCovered);
    }
}
