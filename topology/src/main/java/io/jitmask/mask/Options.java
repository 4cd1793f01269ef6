package io.jitmask.mask;

import io.jitmask.policy.TechniqueSpec;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Typed, checked access to a technique's options; unknown options are an error, not silently ignored. */
final class Options {
    private final TechniqueSpec spec;
    private final String where;
    private final Set<String> read = new HashSet<>();

    Options(TechniqueSpec spec, String where) {
        this.spec = spec;
        this.where = where;
    }

    String where() {
        return where;
    }

    MaskingConfigException error(String problem) {
        return new MaskingConfigException(where + ": technique '" + spec.type() + "' " + problem);
    }

    int integer(String name, int defaultValue, int min, int max) {
        read.add(name);
        Object raw = spec.options().get(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < min || n.intValue() > max) {
            throw error("option '" + name + "' must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
        }
        return n.intValue();
    }

    double number(String name, double defaultValue) {
        read.add(name);
        Object raw = spec.options().get(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof Number n)) {
            throw error("option '" + name + "' must be a number, got '" + raw + "'");
        }
        return n.doubleValue();
    }

    String string(String name, String defaultValue) {
        read.add(name);
        Object raw = spec.options().get(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof String s)) {
            throw error("option '" + name + "' must be a string, got '" + raw + "'");
        }
        return s;
    }

    String oneOf(String name, String defaultValue, Set<String> allowed) {
        String value = string(name, defaultValue);
        if (value != null && !allowed.contains(value)) {
            throw error("option '" + name + "' must be one of " + new java.util.TreeSet<>(allowed) + ", got '" + value + "'");
        }
        return value;
    }

    char character(String name, char defaultValue) {
        String value = string(name, String.valueOf(defaultValue));
        if (value.length() != 1) {
            throw error("option '" + name + "' must be a single character, got '" + value + "'");
        }
        return value.charAt(0);
    }

    boolean bool(String name, boolean defaultValue) {
        read.add(name);
        Object raw = spec.options().get(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!(raw instanceof Boolean b)) {
            throw error("option '" + name + "' must be true or false, got '" + raw + "'");
        }
        return b;
    }

    Object raw(String name) {
        read.add(name);
        return spec.options().get(name);
    }

    /** Call after reading every option a technique knows: anything left is a typo or a misunderstanding. */
    void rejectUnknown() {
        for (Map.Entry<String, Object> option : spec.options().entrySet()) {
            if (!read.contains(option.getKey())) {
                throw error("has no option '" + option.getKey() + "'");
            }
        }
    }
}
