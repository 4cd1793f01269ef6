package io.jitmask.schema;

import io.jitmask.schema.JsonSchemaDifference.Type;
import io.jitmask.schema.JsonSchemaNode.Kind;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Object schemas by Confluent's rules ({@code ObjectSchemaDiff}): required properties, properties added to or
 * removed from an open, closed or partially open content model ({@code additionalProperties},
 * {@code patternProperties}, {@code unevaluatedProperties}), {@code dependencies} and the property counts.
 */
final class JsonObjectSchemaDiff {
    private JsonObjectSchemaDiff() {
    }

    static void compare(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        compareRequired(diff, original, update);
        compareProperties(diff, original, update);
        compareDependencies(diff, original, update);
        compareAdditional(diff, original, update);
        compareUnevaluated(diff, original, update);
        diff.bound(original, update, "maxProperties", Type.MAX_PROPERTIES_ADDED, Type.MAX_PROPERTIES_REMOVED,
                Type.MAX_PROPERTIES_INCREASED, Type.MAX_PROPERTIES_DECREASED);
        diff.bound(original, update, "minProperties", Type.MIN_PROPERTIES_ADDED, Type.MIN_PROPERTIES_REMOVED,
                Type.MIN_PROPERTIES_INCREASED, Type.MIN_PROPERTIES_DECREASED);
    }

    private static void compareRequired(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        Set<String> wasRequired = original.required();
        Set<String> isRequired = update.required();
        diff.at("required", () -> {
            for (String name : original.properties().keySet()) {
                JsonSchemaNode now = update.properties().get(name);
                if (now == null) {
                    continue;
                }
                if (wasRequired.contains(name) && !isRequired.contains(name)) {
                    diff.add(name, Type.REQUIRED_ATTRIBUTE_REMOVED);
                } else if (!wasRequired.contains(name) && isRequired.contains(name)) {
                    diff.add(name, now.annotation("default") != null ? Type.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                            : Type.REQUIRED_ATTRIBUTE_ADDED);
                }
            }
        });
    }

    private static void compareProperties(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        Set<String> names = new LinkedHashSet<>(original.properties().keySet());
        names.addAll(update.properties().keySet());
        diff.at("properties", () -> {
            for (String name : names) {
                JsonSchemaNode before = original.properties().get(name);
                JsonSchemaNode after = update.properties().get(name);
                diff.at(name, () -> {
                    if (after == null) {
                        removed(diff, before, update, name);
                    } else if (before == null) {
                        added(diff, original, update, after, name);
                    } else {
                        diff.compare(before, after);
                    }
                });
            }
        });
    }

    /** Only the update's content model matters: may it still hold the property the original had? */
    private static void removed(JsonSchemaDiff diff, JsonSchemaNode before, JsonSchemaNode update, String name) {
        if (isOpen(update)) {
            diff.add(Type.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
            return;
        }
        JsonSchemaNode partial = partiallyOpen(update, name);
        if (partial != null) {
            diff.covered(before, partial, Type.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Type.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            diff.add(before.kind == Kind.FALSE ? Type.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                    : Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    /** Only the original's content model matters: could its documents already hold the new property? */
    private static void added(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update, JsonSchemaNode after,
                              String name) {
        boolean required = update.required().contains(name);
        boolean withDefault = after.annotation("default") != null;
        if (isOpen(original)) {
            if (after.isEmptyKind()) {
                diff.add(Type.PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL);
            } else if (required) {
                diff.add(withDefault ? Type.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                        : Type.REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
            } else {
                diff.add(Type.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
            }
            return;
        }
        JsonSchemaNode partial = partiallyOpen(original, name);
        if (partial != null) {
            diff.covered(partial, after, Type.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Type.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        }
        if (required) {
            diff.add(withDefault ? Type.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                    : Type.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
        } else {
            diff.add(Type.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
        }
    }

    /** Open: any further property is allowed as it is (no additional, pattern or unevaluated schema narrows it). */
    private static boolean isOpen(JsonSchemaNode schema) {
        if (!schema.permitsAdditionalProperties() || schema.additionalPropertiesSchema() != null
                || !schema.patternProperties().isEmpty()) {
            return false;
        }
        JsonSchemaNode unevaluated = schema.unevaluated("unevaluatedProperties");
        return unevaluated == null || unevaluated.isEmptyKind();
    }

    /** The schema a further property of that name must follow, when the content model is partially open. */
    private static JsonSchemaNode partiallyOpen(JsonSchemaNode schema, String name) {
        for (Map.Entry<String, JsonSchemaNode> e : schema.patternProperties().entrySet()) {
            if (matches(e.getKey(), name)) {
                return e.getValue();
            }
        }
        if (schema.additionalPropertiesSchema() != null) {
            return schema.additionalPropertiesSchema();
        }
        if (schema.permitsAdditionalProperties()) {
            JsonSchemaNode unevaluated = schema.unevaluated("unevaluatedProperties");
            if (unevaluated != null && unevaluated.kind != Kind.FALSE && !unevaluated.isEmptyKind()) {
                return unevaluated;
            }
        }
        return null;
    }

    private static boolean matches(String regex, String name) {
        try {
            return Pattern.compile(regex).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static void compareDependencies(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        diff.at("dependencies", () -> {
            Map<String, Set<String>> before = original.propertyDependencies();
            Map<String, Set<String>> after = update.propertyDependencies();
            Set<String> names = new LinkedHashSet<>(before.keySet());
            names.addAll(after.keySet());
            for (String name : names) {
                Set<String> b = before.get(name);
                Set<String> a = after.get(name);
                if (a == null) {
                    diff.add(name, Type.DEPENDENCY_ARRAY_REMOVED);
                } else if (b == null) {
                    diff.add(name, Type.DEPENDENCY_ARRAY_ADDED);
                } else if (!b.equals(a)) {
                    diff.add(name, a.containsAll(b) ? Type.DEPENDENCY_ARRAY_EXTENDED
                            : b.containsAll(a) ? Type.DEPENDENCY_ARRAY_NARROWED : Type.DEPENDENCY_ARRAY_CHANGED);
                }
            }
            Map<String, JsonSchemaNode> beforeSchemas = original.schemaDependencies();
            Map<String, JsonSchemaNode> afterSchemas = update.schemaDependencies();
            Set<String> schemaNames = new LinkedHashSet<>(beforeSchemas.keySet());
            schemaNames.addAll(afterSchemas.keySet());
            for (String name : schemaNames) {
                JsonSchemaNode b = beforeSchemas.get(name);
                JsonSchemaNode a = afterSchemas.get(name);
                if (a == null) {
                    diff.add(name, Type.DEPENDENCY_SCHEMA_REMOVED);
                } else if (b == null) {
                    diff.add(name, Type.DEPENDENCY_SCHEMA_ADDED);
                } else {
                    diff.at(name, () -> diff.compare(b, a));
                }
            }
        });
    }

    private static void compareAdditional(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        diff.compareAdditional("additionalProperties", original.permitsAdditionalProperties(),
                original.additionalPropertiesSchema(), update.permitsAdditionalProperties(),
                update.additionalPropertiesSchema(), Type.ADDITIONAL_PROPERTIES_ADDED, Type.ADDITIONAL_PROPERTIES_REMOVED,
                Type.ADDITIONAL_PROPERTIES_EXTENDED, Type.ADDITIONAL_PROPERTIES_NARROWED);
    }

    private static void compareUnevaluated(JsonSchemaDiff diff, JsonSchemaNode original, JsonSchemaNode update) {
        diff.compareUnevaluated(original.unevaluated("unevaluatedProperties"),
                update.unevaluated("unevaluatedProperties"), "unevaluatedProperties", Type.UNEVALUATED_PROPERTIES_ADDED,
                Type.UNEVALUATED_PROPERTIES_REMOVED, Type.UNEVALUATED_PROPERTIES_EXTENDED,
                Type.UNEVALUATED_PROPERTIES_NARROWED);
    }
}
