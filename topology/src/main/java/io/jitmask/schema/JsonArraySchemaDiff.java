package io.jitmask.schema;

import io.jitmask.schema.JsonSchemaDifference.Type;
import io.jitmask.schema.JsonSchemaNode.Kind;
import java.util.List;

/**
 * Array schemas by Confluent's rules ({@code ArraySchemaDiff}): the items schema, positional items added to or
 * removed from an open, closed or partially open content model ({@code additionalItems}, {@code unevaluatedItems}),
 * and the item and {@code contains} counts and uniqueness.
 */
final class JsonArraySchemaDiff {
    private JsonArraySchemaDiff() {
    }

    static void compare(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        diff.at("items", () -> diff.compare(original.allItemsSchema(), update.allItemsSchema()));
        comparePositional(diff, original, update);
        compareAdditional(diff, original, update);
        diff.compareUnevaluated(original.unevaluated("unevaluatedItems"), update.unevaluated("unevaluatedItems"),
                "unevaluatedItems", Type.UNEVALUATED_ITEMS_ADDED, Type.UNEVALUATED_ITEMS_REMOVED,
                Type.UNEVALUATED_ITEMS_EXTENDED, Type.UNEVALUATED_ITEMS_NARROWED);
        diff.bound(original, update, "maxItems", Type.MAX_ITEMS_ADDED, Type.MAX_ITEMS_REMOVED, Type.MAX_ITEMS_INCREASED,
                Type.MAX_ITEMS_DECREASED);
        diff.bound(original, update, "minItems", Type.MIN_ITEMS_ADDED, Type.MIN_ITEMS_REMOVED, Type.MIN_ITEMS_INCREASED,
                Type.MIN_ITEMS_DECREASED);
        if (original.uniqueItems() != update.uniqueItems()) {
            diff.add("uniqueItems", original.uniqueItems() ? Type.UNIQUE_ITEMS_REMOVED : Type.UNIQUE_ITEMS_ADDED);
        }
        diff.bound(original, update, "maxContains", Type.MAX_CONTAINS_ADDED, Type.MAX_CONTAINS_REMOVED,
                Type.MAX_CONTAINS_INCREASED, Type.MAX_CONTAINS_DECREASED);
        diff.bound(original, update, "minContains", Type.MIN_CONTAINS_ADDED, Type.MIN_CONTAINS_REMOVED,
                Type.MIN_CONTAINS_INCREASED, Type.MIN_CONTAINS_DECREASED);
    }

    private static void comparePositional(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        List<JsonSchemaNode> before = original.itemSchemas();
        List<JsonSchemaNode> after = update.itemSchemas();
        for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
            int index = i;
            diff.at("items/" + i, () -> {
                if (index < before.size() && index < after.size()) {
                    diff.compare(before.get(index), after.get(index));
                } else if (index < before.size()) {
                    removed(diff, before.get(index), update);
                } else {
                    added(diff, original, after.get(index));
                }
            });
        }
    }

    private static void removed(JsonSchemaDiff diff, JsonSchemaNode item, JsonSchemaNode update) {
        if (isOpen(update)) {
            diff.add(Type.ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
            return;
        }
        JsonSchemaNode partial = partiallyOpen(update);
        if (partial != null) {
            diff.covered(item, partial, Type.ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Type.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            diff.add(item.kind == Kind.FALSE ? Type.ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                    : Type.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    private static void added(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode item) {
        if (isOpen(original)) {
            diff.add(item.isEmptyKind() ? Type.ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                    : Type.ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
            return;
        }
        JsonSchemaNode partial = partiallyOpen(original);
        if (partial != null) {
            diff.covered(partial, item, Type.ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Type.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            diff.add(Type.ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        }
    }

    private static boolean isOpen(JsonSchemaNode schema) {
        if (!schema.permitsAdditionalItems() || schema.additionalItemsSchema() != null) {
            return false;
        }
        JsonSchemaNode unevaluated = schema.unevaluated("unevaluatedItems");
        return unevaluated == null || unevaluated.isEmptyKind();
    }

    private static JsonSchemaNode partiallyOpen(JsonSchemaNode schema) {
        if (schema.additionalItemsSchema() != null) {
            return schema.additionalItemsSchema();
        }
        if (schema.permitsAdditionalItems()) {
            JsonSchemaNode unevaluated = schema.unevaluated("unevaluatedItems");
            if (unevaluated != null && unevaluated.kind != Kind.FALSE && !unevaluated.isEmptyKind()) {
                return unevaluated;
            }
        }
        return null;
    }

    private static void compareAdditional(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        diff.compareAdditional("additionalItems", original.permitsAdditionalItems(), original.additionalItemsSchema(),
                update.permitsAdditionalItems(), update.additionalItemsSchema(), Type.ADDITIONAL_ITEMS_ADDED,
                Type.ADDITIONAL_ITEMS_REMOVED, Type.ADDITIONAL_ITEMS_EXTENDED, Type.ADDITIONAL_ITEMS_NARROWED);
    }
}
