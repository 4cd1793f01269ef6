package io.jitmask.mask;

import java.util.Locale;

/**
 * How much of a JSON Schema record is validated on the masking path ({@code jitmask.formats.json.validation}).
 * {@link #FULL} (the default) fails closed on bad input: every raw record is validated whole against its writer
 * schema, and one that breaks it is dead-lettered. {@link #REWRITTEN} checks only what masking rewrites (the fast path
 * of a plan that proves the masked record valid); a record that already broke its schema outside the masked fields
 * then reaches masked.* as the producer wrote it. In both, what the plan cannot prove is validated after masking:
 * the top-level properties it names, or the whole record ({@link JsonMaskPlanner.Masked#validate}).
 */
public enum JsonValidation {
    FULL, REWRITTEN;

    public static JsonValidation parse(String setting, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.jitmask.config.ConfigException(setting + " must be 'full' or 'rewritten', got '" + value + "'");
        }
    }
}
