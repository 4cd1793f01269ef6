package io.jitmask.schema;

import io.jitmask.schema.JsonSchemaDifference.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * allOf/anyOf/oneOf against allOf/anyOf/oneOf, by Confluent's rules ({@code CombinedSchemaDiff}): the criterion may
 * only widen (to anyOf, or between singletons); equal branches count once; a sum type may gain branches, a product
 * type lose them; and the branches must pair up compatibly, each at most once (a maximum bipartite matching), over
 * the smaller side.
 */
final class JsonCombinedSchemaDiff {
    private JsonCombinedSchemaDiff() {
    }

    static void compare(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        String oc = original.criterion();
        String uc = update.criterion();
        if (!oc.equals(uc)) {
            boolean oneO = original.subschemas().size() == 1;
            boolean oneU = update.subschemas().size() == 1;
            if ("anyOf".equals(uc) || oneO && oneU || oneO && "oneOf".equals(uc) || oneU && "allOf".equals(oc)) {
                diff.add(Type.COMBINED_TYPE_EXTENDED);
            } else {
                diff.add(Type.COMBINED_TYPE_CHANGED);
                return;
            }
        }
        List<JsonSchemaNode> before = distinct(original.subschemas());
        List<JsonSchemaNode> after = distinct(update.subschemas());
        if (before.size() < after.size()) {
            diff.add("allOf".equals(uc) ? Type.PRODUCT_TYPE_EXTENDED : Type.SUM_TYPE_EXTENDED);
        } else if (before.size() > after.size()) {
            diff.add("allOf".equals(oc) ? Type.PRODUCT_TYPE_NARROWED : Type.SUM_TYPE_NARROWED);
        }
        // compatible[i][j]: the differences when branch i of the original is read as branch j of the update.
        List<List<List<JsonSchemaDifference>>> compatible = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            List<List<JsonSchemaDifference>> row = new ArrayList<>();
            int index = i;
            diff.at(oc + "/" + i, () -> {
                for (JsonSchemaNode u : after) {
                    JsonSchemaDiff sub = diff.sub();
                    sub.compare(before.get(index), u);
                    row.add(sub.isCompatible() ? sub.differences() : null);
                }
            });
            compatible.add(row);
        }
        int[] matchOfUpdate = maximumMatching(compatible, after.size());
        int matched = 0;
        for (int j = 0; j < after.size(); j++) {
            if (matchOfUpdate[j] >= 0) {
                matched++;
                diff.addAll(compatible.get(matchOfUpdate[j]).get(j));
            }
        }
        if (matched < Math.min(before.size(), after.size())) {
            diff.add(Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    private static List<JsonSchemaNode> distinct(List<JsonSchemaNode> subschemas) {
        Map<String, JsonSchemaNode> byIdentity = new LinkedHashMap<>();
        subschemas.forEach(s -> byIdentity.putIfAbsent(s.identity(), s));
        return new ArrayList<>(byIdentity.values());
    }

    /** Kuhn's augmenting paths: for each update branch, the original branch it is paired with, or -1. */
    private static int[] maximumMatching(List<List<List<JsonSchemaDifference>>> edges, int right) {
        int[] matchOfRight = new int[right];
        Arrays.fill(matchOfRight, -1);
        for (int left = 0; left < edges.size(); left++) {
            augment(left, edges, matchOfRight, new boolean[right]);
        }
        return matchOfRight;
    }

    private static boolean augment(int left, List<List<List<JsonSchemaDifference>>> edges, int[] matchOfRight,
                                   boolean[] seen) {
        for (int r = 0; r < matchOfRight.length; r++) {
            if (edges.get(left).get(r) != null && !seen[r]) {
                seen[r] = true;
                if (matchOfRight[r] < 0 || augment(matchOfRight[r], edges, matchOfRight, seen)) {
                    matchOfRight[r] = left;
                    return true;
                }
            }
        }
        return false;
    }
}
