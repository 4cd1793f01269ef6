package io.jitmask.schema;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.squareup.wire.schema.internal.parser.OptionElement;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Options in Confluent's normalised Protobuf text ({@code ProtobufSchemaUtils.FormatContext.filterOptions} and
 * {@code formatNumber}): custom options get their extension's full name, {@code (opt).a.b = v} becomes
 * {@code (opt) = {a: {b: v}}}, options are sorted by name, several settings of one non-repeated extension are
 * merged into one (nested messages deep-merged, a singular scalar set twice keeps the last, repeated fields
 * accumulate their distinct values), and numbers are written in one form ({@code 0x10} and {@code 16.0} are
 * {@code 16}).
 */
final class ProtobufOptions {
    private final Map<String, FieldDescriptor> extensions = new HashMap<>();
    private final String packageName;

    ProtobufOptions(Descriptors.FileDescriptor file) {
        this.packageName = file == null ? "" : file.getPackage();
        if (file != null) {
            collect(file, new HashSet<>());
        }
    }

    private void collect(Descriptors.FileDescriptor file, Set<String> seen) {
        if (!seen.add(file.getName())) {
            return;
        }
        file.getExtensions().forEach(e -> extensions.put(e.getFullName(), e));
        file.getMessageTypes().forEach(this::collect);
        file.getDependencies().forEach(d -> collect(d, seen));
    }

    private void collect(Descriptors.Descriptor message) {
        message.getExtensions().forEach(e -> extensions.put(e.getFullName(), e));
        message.getNestedTypes().forEach(this::collect);
    }

    /** The extension an option name refers to: a full name ({@code .a.b} or {@code a.b}) or one relative to the package. */
    private FieldDescriptor extension(String name) {
        if (name.startsWith(".")) {
            return extensions.get(name.substring(1));
        }
        String scope = packageName;
        while (true) {
            FieldDescriptor found = extensions.get(scope.isEmpty() ? name : scope + "." + name);
            if (found != null || scope.isEmpty()) {
                return found;
            }
            int dot = scope.lastIndexOf('.');
            scope = dot < 0 ? "" : scope.substring(0, dot);
        }
    }

    /** The options as Confluent's normalised text lists them. */
    List<OptionElement> normalized(List<OptionElement> options) {
        List<OptionElement> qualified = new ArrayList<>();
        for (OptionElement o : options) {
            FieldDescriptor ext = o.isParenthesized() ? extension(o.getName()) : null;
            qualified.add(ext == null ? o
                    : transform(new OptionElement(ext.getFullName(), o.getKind(), o.getValue(), true)));
        }
        qualified.sort(Comparator.comparing(OptionElement::getName));
        Map<String, List<OptionElement>> byName = new LinkedHashMap<>();
        qualified.forEach(o -> byName.computeIfAbsent(o.getName(), n -> new ArrayList<>()).add(o));
        List<OptionElement> out = new ArrayList<>();
        byName.forEach((name, list) -> {
            FieldDescriptor ext = list.get(0).isParenthesized() ? extensions.get(name) : null;
            if (ext != null && !ext.isRepeated()) {
                out.add(list.stream().reduce((a, b) -> merge(ext, a, b)).orElseThrow());
            } else {
                out.addAll(list);
            }
        });
        return out;
    }

    /** {@code (opt).a.b = v} as the map {@code (opt) = {a: {b: v}}}. */
    private static OptionElement transform(OptionElement option) {
        if (option.getKind() != OptionElement.Kind.OPTION) {
            return option;
        }
        return new OptionElement(option.getName(), OptionElement.Kind.MAP, transformedMap(option), option.isParenthesized());
    }

    private static Map<String, Object> transformedMap(OptionElement option) {
        OptionElement inner = (OptionElement) option.getValue();
        Object value = inner.getValue();
        OptionElement.Kind kind = inner.getKind();
        if (kind == OptionElement.Kind.BOOLEAN || kind == OptionElement.Kind.ENUM || kind == OptionElement.Kind.NUMBER) {
            value = new OptionElement.OptionPrimitive(kind, value);
        } else if (kind == OptionElement.Kind.OPTION) {
            value = transformedMap(inner);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(inner.getName(), value);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static OptionElement merge(FieldDescriptor ext, OptionElement existing, OptionElement replacement) {
        OptionElement next = transform(replacement);
        if (existing.getKind() == OptionElement.Kind.MAP && next.getKind() == OptionElement.Kind.MAP) {
            Descriptors.Descriptor type = ext.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? ext.getMessageType() : null;
            return new OptionElement(next.getName(), OptionElement.Kind.MAP,
                    mergeMaps(type, (Map<String, Object>) existing.getValue(), (Map<String, Object>) next.getValue()),
                    next.isParenthesized());
        }
        return next; // not two messages: the last setting stands
    }

    private static Map<String, Object> mergeMaps(Descriptors.Descriptor type, Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        b.forEach((key, value) -> {
            FieldDescriptor field = type == null ? null : type.findFieldByName(key);
            out.merge(key, value, (v1, v2) -> mergeValues(field, v1, v2));
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object mergeValues(FieldDescriptor field, Object v1, Object v2) {
        boolean singular = field != null && !field.isRepeated();
        if (singular && v1 instanceof Map && v2 instanceof Map && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return mergeMaps(field.getMessageType(), (Map<String, Object>) v1, (Map<String, Object>) v2);
        }
        if (singular) {
            return v2; // as protobuf's text format: a singular field set twice keeps the last
        }
        Set<Object> values = new LinkedHashSet<>();
        for (Object v : List.of(v1, v2)) {
            if (v instanceof List<?> list) {
                values.addAll(list);
            } else {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    /**
     * A number as Confluent's normalised text writes it: read as Java reads a literal (hex {@code 0x}, octal
     * {@code 0}, decimal, exponent) and printed without grouping and with at most three decimals; what is no number
     * ({@code inf}, {@code nan}) stays as written.
     */
    static String formatNumber(Object value) {
        try {
            Number number = value instanceof Number n ? n : parse(value.toString().trim());
            DecimalFormat format = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
            format.setGroupingUsed(false);
            format.setRoundingMode(RoundingMode.HALF_EVEN);
            return format.format(number);
        } catch (NumberFormatException e) {
            return value.toString();
        }
    }

    private static Number parse(String text) {
        boolean negative = text.startsWith("-");
        String digits = negative || text.startsWith("+") ? text.substring(1) : text;
        BigInteger integer = null;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            integer = new BigInteger(digits.substring(2), 16);
        } else if (digits.length() > 1 && digits.startsWith("0") && digits.chars().allMatch(Character::isDigit)) {
            integer = new BigInteger(digits.substring(1), 8);
        } else if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
            integer = new BigInteger(digits);
        }
        if (integer != null) {
            return negative ? integer.negate() : integer;
        }
        return new BigDecimal(text);
    }
}
