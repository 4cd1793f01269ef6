package io.jitmask.schema;

import com.google.protobuf.Descriptors;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.ExtendElement;
import com.squareup.wire.schema.internal.parser.ExtensionsElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.GroupElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ReservedElement;
import com.squareup.wire.schema.internal.parser.RpcElement;
import com.squareup.wire.schema.internal.parser.ServiceElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kotlin.ranges.IntRange;

/**
 * Prints a {@code .proto} as Confluent's registry does ({@code ProtobufSchemaUtils.toString}, the text its
 * {@code ProtobufSchema.canonicalString()} serves): two-space indents, messages before enums at each level, options
 * one per line, field options in brackets. With {@code normalize} (Confluent's {@code toNormalizedString}, behind
 * {@code normalize=true}): proto2 syntax line dropped, imports sorted and de-duplicated, options sorted by name,
 * fields, oneofs, enum constants, reserved and extension ranges sorted by number, and every message or enum type
 * written fully qualified with a leading dot, so texts that differ only in these print the same.
 *
 * <p>Type names are resolved through the linked protobuf-java descriptor of the same file. Not done as Confluent:
 * merging repeated non-repeated custom options into one, and reformatting numbers in option values.
 */
final class ProtobufPrinter {
    private static final int MAX_TAG_VALUE = 536_870_911;

    private final boolean normalize;
    private final Descriptors.FileDescriptor file;
    private final ProtobufOptions normalizedOptions;

    private ProtobufPrinter(boolean normalize, Descriptors.FileDescriptor file) {
        this.normalize = normalize;
        this.file = file;
        this.normalizedOptions = normalize ? new ProtobufOptions(file) : null;
    }

    static String canonical(ProtoFileElement proto) {
        return new ProtobufPrinter(false, null).print(proto);
    }

    static String normalized(ProtoFileElement proto, Descriptors.FileDescriptor linked) {
        return new ProtobufPrinter(true, linked).print(proto);
    }

    private String print(ProtoFileElement proto) {
        StringBuilder sb = new StringBuilder();
        if (proto.getSyntax() != null && (!normalize || "proto3".equals(proto.getSyntax().toString()))) {
            sb.append("syntax = \"").append(proto.getSyntax()).append("\";\n");
        }
        if (proto.getPackageName() != null) {
            sb.append("package ").append(proto.getPackageName()).append(";\n");
        }
        if (!proto.getImports().isEmpty() || !proto.getPublicImports().isEmpty()) {
            sb.append('\n');
            for (String imported : sortedIfNormal(proto.getImports())) {
                sb.append("import \"").append(imported).append("\";\n");
            }
            for (String imported : sortedIfNormal(proto.getPublicImports())) {
                sb.append("import public \"").append(imported).append("\";\n");
            }
        }
        List<OptionElement> options = options(proto.getOptions());
        if (!options.isEmpty()) {
            sb.append('\n');
            options.forEach(o -> sb.append(optionLine(o)));
        }
        if (!proto.getTypes().isEmpty()) {
            sb.append('\n');
            types(sb, proto.getTypes(), null, false);
        }
        if (!proto.getExtendDeclarations().isEmpty()) {
            sb.append('\n');
            for (ExtendElement extend : proto.getExtendDeclarations()) {
                sb.append(extend(extend, file == null ? List.of() : file.getExtensions(), null));
            }
        }
        if (!proto.getServices().isEmpty()) {
            sb.append('\n');
            proto.getServices().forEach(s -> sb.append(service(s)));
        }
        return sb.toString();
    }

    private List<String> sortedIfNormal(List<String> values) {
        return normalize ? values.stream().sorted().distinct().toList() : values;
    }

    /** Messages first, then enums, each in declared order (message indexes on the wire depend on it). */
    private void types(StringBuilder sb, List<TypeElement> types, Descriptors.Descriptor parent, boolean indent) {
        for (TypeElement type : types) {
            if (type instanceof MessageElement message) {
                String text = message(message, nested(parent, message.getName()));
                append(sb, text, indent);
            }
        }
        for (TypeElement type : types) {
            if (type instanceof EnumElement e) {
                append(sb, enumeration(e), indent);
            }
        }
    }

    private Descriptors.Descriptor nested(Descriptors.Descriptor parent, String name) {
        if (file == null) {
            return null;
        }
        List<Descriptors.Descriptor> scope = parent == null ? file.getMessageTypes() : parent.getNestedTypes();
        return scope.stream().filter(d -> d.getName().equals(name)).findFirst().orElse(null);
    }

    private static void append(StringBuilder sb, String text, boolean indent) {
        if (indent) {
            indented(sb, text);
        } else {
            sb.append(text);
        }
    }

    private String service(ServiceElement service) {
        StringBuilder sb = new StringBuilder("service ").append(service.getName()).append(" {");
        List<OptionElement> options = options(service.getOptions());
        if (!options.isEmpty()) {
            sb.append('\n');
            options.forEach(o -> indented(sb, optionLine(o)));
        }
        Descriptors.ServiceDescriptor linked = file == null ? null : file.findServiceByName(service.getName());
        if (!service.getRpcs().isEmpty()) {
            sb.append('\n');
            for (RpcElement rpc : service.getRpcs()) {
                Descriptors.MethodDescriptor method = linked == null ? null : linked.findMethodByName(rpc.getName());
                indented(sb, rpc(rpc, method));
            }
        }
        return sb.append("}\n").toString();
    }

    private String rpc(RpcElement rpc, Descriptors.MethodDescriptor method) {
        StringBuilder sb = new StringBuilder("rpc ").append(rpc.getName()).append(" (");
        if (rpc.getRequestStreaming()) {
            sb.append("stream ");
        }
        sb.append(normalize ? rpcType(rpc.getRequestType(), method == null ? null : method.getInputType()) : rpc.getRequestType());
        sb.append(") returns (");
        if (rpc.getResponseStreaming()) {
            sb.append("stream ");
        }
        sb.append(normalize ? rpcType(rpc.getResponseType(), method == null ? null : method.getOutputType()) : rpc.getResponseType());
        sb.append(')');
        List<OptionElement> options = options(rpc.getOptions());
        if (!options.isEmpty()) {
            sb.append(" {\n");
            options.forEach(o -> indented(sb, optionLine(o)));
            sb.append('}');
        }
        return sb.append(";\n").toString();
    }

    /** A service's request or response type, fully qualified by protobuf's scoping rules from the file's package. */
    private String rpcType(String written, Descriptors.Descriptor linked) {
        if (linked != null) {
            return "." + linked.getFullName();
        }
        if (written.startsWith(".") || file == null) {
            return written;
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        collectMessageNames(file, known, new java.util.HashSet<>());
        String scope = file.getPackage();
        while (true) {
            String candidate = scope.isEmpty() ? written : scope + "." + written;
            if (known.contains(candidate)) {
                return "." + candidate;
            }
            if (scope.isEmpty()) {
                return written;
            }
            int dot = scope.lastIndexOf('.');
            scope = dot < 0 ? "" : scope.substring(0, dot);
        }
    }

    private static void collectMessageNames(Descriptors.FileDescriptor file, java.util.Set<String> out, java.util.Set<String> seen) {
        if (!seen.add(file.getName())) {
            return;
        }
        file.getMessageTypes().forEach(m -> collectMessageNames(m, out));
        file.getDependencies().forEach(d -> collectMessageNames(d, out, seen));
    }

    private static void collectMessageNames(Descriptors.Descriptor message, java.util.Set<String> out) {
        out.add(message.getFullName());
        message.getNestedTypes().forEach(n -> collectMessageNames(n, out));
    }

    private String enumeration(EnumElement type) {
        StringBuilder sb = new StringBuilder("enum ").append(type.getName()).append(" {");
        if (!type.getReserveds().isEmpty()) {
            sb.append('\n');
            reserveds(type.getReserveds()).forEach(r -> indented(sb, reserved(r)));
        }
        if (type.getReserveds().isEmpty() && (!type.getOptions().isEmpty() || !type.getConstants().isEmpty())) {
            sb.append('\n');
        }
        options(type.getOptions()).forEach(o -> indented(sb, optionLine(o)));
        List<EnumConstantElement> constants = new ArrayList<>(type.getConstants());
        if (normalize) {
            constants.sort(Comparator.comparing(EnumConstantElement::getTag).thenComparing(EnumConstantElement::getName));
        }
        for (EnumConstantElement constant : constants) {
            StringBuilder c = new StringBuilder(constant.getName()).append(" = ").append(constant.getTag());
            List<OptionElement> options = options(constant.getOptions());
            if (!options.isEmpty()) {
                c.append(' ');
                bracketed(c, options);
            }
            indented(sb, c.append(";\n").toString());
        }
        return sb.append("}\n").toString();
    }

    private String message(MessageElement type, Descriptors.Descriptor linked) {
        StringBuilder sb = new StringBuilder("message ").append(type.getName()).append(" {");
        if (!type.getReserveds().isEmpty()) {
            sb.append('\n');
            reserveds(type.getReserveds()).forEach(r -> indented(sb, reserved(r)));
        }
        optionsAndFields(sb, type.getOptions(), type.getFields(), linked);
        if (!type.getOneOfs().isEmpty()) {
            sb.append('\n');
            List<OneOfElement> oneOfs = new ArrayList<>(type.getOneOfs());
            if (normalize) {
                oneOfs.removeIf(o -> o.getFields().isEmpty());
                oneOfs.sort(Comparator.comparing(o -> byTag(o.getFields()).get(0).getTag()));
            }
            oneOfs.forEach(o -> indented(sb, oneOf(o, linked)));
        }
        if (!type.getGroups().isEmpty()) {
            sb.append('\n');
            groups(type.getGroups()).forEach(g -> indented(sb, group(g, linked)));
        }
        if (!type.getExtensions().isEmpty()) {
            sb.append('\n');
            List<ExtensionsElement> extensions = new ArrayList<>();
            for (ExtensionsElement e : type.getExtensions()) {
                if (normalize) {
                    e.getValues().forEach(v -> extensions.add(new ExtensionsElement(e.getLocation(), e.getDocumentation(),
                            List.of(v), e.getOptions())));
                } else {
                    extensions.add(e);
                }
            }
            if (normalize) {
                extensions.sort(Comparator.comparing(e -> start(e.getValues().get(0))));
            }
            extensions.forEach(e -> indented(sb, extensions(e)));
        }
        if (!type.getExtendDeclarations().isEmpty()) {
            sb.append('\n');
            for (ExtendElement extend : type.getExtendDeclarations()) {
                indented(sb, extend(extend, linked == null ? List.of() : linked.getExtensions(), linked));
            }
        }
        if (!type.getNestedTypes().isEmpty()) {
            sb.append('\n');
            types(sb, type.getNestedTypes(), linked, true);
        }
        return sb.append("}\n").toString();
    }

    /** The options block then the fields block of a message or a oneof, each after a blank line when present. */
    private void optionsAndFields(StringBuilder sb, List<OptionElement> declared, List<FieldElement> fields,
                                  Descriptors.Descriptor linked) {
        List<OptionElement> options = options(declared);
        if (!options.isEmpty()) {
            sb.append('\n');
            options.forEach(o -> indented(sb, optionLine(o)));
        }
        if (!fields.isEmpty()) {
            sb.append('\n');
            byTag(fields).forEach(f -> indented(sb, field(f, linked)));
        }
    }

    private List<FieldElement> byTag(List<FieldElement> fields) {
        List<FieldElement> out = new ArrayList<>(fields);
        if (normalize) {
            out.sort(Comparator.comparing(FieldElement::getTag));
        }
        return out;
    }

    private List<GroupElement> groups(List<GroupElement> groups) {
        List<GroupElement> out = new ArrayList<>(groups);
        if (normalize) {
            out.sort(Comparator.comparing(GroupElement::getTag));
        }
        return out;
    }

    private List<ReservedElement> reserveds(List<ReservedElement> reserveds) {
        if (!normalize) {
            return reserveds;
        }
        List<ReservedElement> out = new ArrayList<>();
        reserveds.forEach(r -> r.getValues().forEach(v -> out.add(new ReservedElement(r.getLocation(), r.getDocumentation(),
                List.of(v)))));
        out.sort(Comparator.comparing((ReservedElement r) -> start(r.getValues().get(0)))
                .thenComparing(r -> r.getValues().get(0).toString()));
        return out;
    }

    private static int start(Object value) {
        if (value instanceof IntRange range) {
            return range.getStart();
        }
        return value instanceof Integer i ? i : Integer.MAX_VALUE;
    }

    private String reserved(ReservedElement type) {
        StringBuilder sb = new StringBuilder("reserved ");
        ranges(sb, type.getValues(), true);
        return sb.append(";\n").toString();
    }

    private String extensions(ExtensionsElement type) {
        StringBuilder sb = new StringBuilder("extensions ");
        ranges(sb, type.getValues(), false);
        List<OptionElement> options = options(type.getOptions());
        if (!options.isEmpty()) {
            sb.append(' ');
            bracketed(sb, options);
        }
        return sb.append(";\n").toString();
    }

    private void ranges(StringBuilder sb, List<Object> values, boolean namesToo) {
        boolean first = true;
        for (Object value : values) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            if (value instanceof String name && namesToo) {
                sb.append('"').append(name).append('"');
            } else if (value instanceof Integer i) {
                sb.append(i);
            } else if (value instanceof IntRange range) {
                if (normalize && range.getStart() == range.getEndInclusive()) {
                    sb.append(range.getStart());
                } else {
                    sb.append(range.getStart()).append(" to ")
                            .append(range.getEndInclusive() < MAX_TAG_VALUE ? String.valueOf(range.getEndInclusive()) : "max");
                }
            } else {
                throw new InvalidSchemaException("unexpected reserved or extension range");
            }
        }
    }

    private String oneOf(OneOfElement type, Descriptors.Descriptor linked) {
        StringBuilder sb = new StringBuilder("oneof ").append(type.getName()).append(" {");
        optionsAndFields(sb, type.getOptions(), type.getFields(), linked);
        if (!type.getGroups().isEmpty()) {
            sb.append('\n');
            groups(type.getGroups()).forEach(g -> indented(sb, group(g, linked)));
        }
        return sb.append("}\n").toString();
    }

    private String group(GroupElement group, Descriptors.Descriptor linked) {
        StringBuilder sb = new StringBuilder();
        if (group.getLabel() != null) {
            sb.append(group.getLabel().name().toLowerCase(Locale.ROOT)).append(' ');
        }
        sb.append("group ").append(group.getName()).append(" = ").append(group.getTag()).append(" {");
        if (!group.getFields().isEmpty()) {
            sb.append('\n');
            Descriptors.Descriptor groupType = linked == null ? null : nested(linked, group.getName());
            byTag(group.getFields()).forEach(f -> indented(sb, field(f, groupType)));
        }
        return sb.append("}\n").toString();
    }

    private String extend(ExtendElement extend, List<Descriptors.FieldDescriptor> linkedExtensions, Descriptors.Descriptor scope) {
        String name = extend.getName();
        if (normalize) {
            name = extend.getFields().stream()
                    .flatMap(f -> linkedExtensions.stream().filter(x -> x.getName().equals(f.getName())))
                    .map(x -> "." + x.getContainingType().getFullName()).findFirst().orElse(name);
        }
        StringBuilder sb = new StringBuilder("extend ").append(name).append(" {");
        if (!extend.getFields().isEmpty()) {
            sb.append('\n');
            for (FieldElement f : byTag(extend.getFields())) {
                Descriptors.FieldDescriptor linked = linkedExtensions.stream().filter(x -> x.getName().equals(f.getName()))
                        .findFirst().orElse(null);
                indented(sb, field(f, linked));
            }
        }
        return sb.append("}\n").toString();
    }

    private String field(FieldElement field, Descriptors.Descriptor message) {
        Descriptors.FieldDescriptor linked = message == null ? null : message.findFieldByName(field.getName());
        return field(field, linked);
    }

    private String field(FieldElement field, Descriptors.FieldDescriptor linked) {
        Field.Label label = field.getLabel();
        String type = field.getType();
        ProtoType protoType = ProtoType.get(type);
        if (normalize) {
            if (protoType.isMap()) {
                label = null;
                ProtoType value = protoType.getValueType();
                String valueType = value == null || value.isScalar() || linked == null ? null : qualified(
                        linked.getMessageType().findFieldByName("value"));
                if (valueType != null) {
                    type = "map<" + protoType.getKeyType() + ", " + valueType + ">";
                }
            } else if (!protoType.isScalar() && linked != null) {
                String qualified = qualified(linked);
                if (qualified != null) {
                    type = qualified;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        if (label != null) {
            sb.append(label.name().toLowerCase(Locale.ROOT)).append(' ');
        }
        sb.append(type).append(' ').append(field.getName()).append(" = ").append(field.getTag());
        List<OptionElement> options = new ArrayList<>(field.getOptions());
        if (field.getDefaultValue() != null) {
            options.add(OptionElement.Companion.create("default", kindOf(protoType), field.getDefaultValue()));
        }
        if (field.getJsonName() != null) {
            options.add(OptionElement.Companion.create("json_name", OptionElement.Kind.STRING, field.getJsonName()));
        }
        options = options(options);
        if (!options.isEmpty()) {
            sb.append(' ');
            bracketed(sb, options);
        }
        return sb.append(";\n").toString();
    }

    private static String qualified(Descriptors.FieldDescriptor field) {
        if (field == null) {
            return null;
        }
        return switch (field.getJavaType()) {
            case MESSAGE -> "." + field.getMessageType().getFullName();
            case ENUM -> "." + field.getEnumType().getFullName();
            default -> null;
        };
    }

    private static OptionElement.Kind kindOf(ProtoType type) {
        return switch (type.getSimpleName()) {
            case "bool" -> OptionElement.Kind.BOOLEAN;
            case "string" -> OptionElement.Kind.STRING;
            case "bytes", "double", "float", "fixed32", "fixed64", "int32", "int64", "sfixed32", "sfixed64", "sint32",
                 "sint64", "uint32", "uint64" -> OptionElement.Kind.NUMBER;
            default -> OptionElement.Kind.ENUM;
        };
    }

    private List<OptionElement> options(List<OptionElement> options) {
        return !normalize || options.isEmpty() ? options : normalizedOptions.normalized(options);
    }

    private String number(Object value) {
        return normalize ? ProtobufOptions.formatNumber(value) : String.valueOf(value);
    }

    private String optionLine(OptionElement option) {
        return "option " + option(option) + ";\n";
    }

    @SuppressWarnings("unchecked")
    private String option(OptionElement option) {
        StringBuilder sb = new StringBuilder();
        sb.append(option.isParenthesized() ? "(" + option.getName() + ")" : option.getName());
        Object value = option.getValue();
        switch (option.getKind()) {
            case STRING -> sb.append(" = \"").append(escape(value.toString())).append('"');
            case BOOLEAN, ENUM -> sb.append(" = ").append(value);
            case NUMBER -> sb.append(" = ").append(number(value));
            case OPTION -> sb.append('.').append(option((OptionElement) value));
            case MAP -> {
                sb.append(" = {\n");
                optionMap(sb, (Map<String, Object>) value);
                sb.append('}');
            }
            case LIST -> {
                sb.append(" = ");
                bracketed(sb, (List<?>) value);
            }
            default -> {
            }
        }
        return sb.toString();
    }

    private void optionMap(StringBuilder sb, Map<String, Object> map) {
        Map<String, Object> entries = map;
        if (normalize) {
            entries = new java.util.TreeMap<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (!(e.getValue() instanceof List<?> l && l.isEmpty())) {
                    entries.put(e.getKey(), e.getValue());
                }
            }
        }
        int last = entries.size() - 1;
        int index = 0;
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            indented(sb, e.getKey() + ": " + optionValue(e.getValue()) + (index++ != last ? "," : ""));
        }
    }

    @SuppressWarnings("unchecked")
    private String optionValue(Object value) {
        if (value instanceof String s) {
            return "\"" + escape(s) + "\"";
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{\n");
            optionMap(sb, (Map<String, Object>) map);
            return sb.append('}').toString();
        }
        if (value instanceof List<?> list) {
            if (normalize && list.size() == 1) {
                return optionValue(list.get(0));
            }
            StringBuilder sb = new StringBuilder("[\n");
            for (int i = 0; i < list.size(); i++) {
                indented(sb, optionValue(list.get(i)) + (i != list.size() - 1 ? "," : ""));
            }
            return sb.append(']').toString();
        }
        if (value instanceof OptionElement.OptionPrimitive primitive) {
            return switch (primitive.getKind()) {
                case BOOLEAN, ENUM -> String.valueOf(primitive.getValue());
                case NUMBER -> number(primitive.getValue());
                default -> optionValue(primitive.getValue());
            };
        }
        if (value instanceof OptionElement option) {
            return option(option);
        }
        return String.valueOf(value);
    }

    private void bracketed(StringBuilder sb, List<?> options) {
        if (options.size() == 1) {
            sb.append('[').append(optionValue(options.get(0))).append(']');
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < options.size(); i++) {
            indented(sb, optionValue(options.get(i)) + (i < options.size() - 1 ? "," : ""));
        }
        sb.append(']');
    }

    private static void indented(StringBuilder sb, String value) {
        // As Confluent's: split drops trailing empty lines.
        List.of(value.split("\n")).forEach(line -> sb.append("  ").append(line).append('\n'));
    }

    private static String escape(String input) {
        StringBuilder out = new StringBuilder(input.length());
        for (char c : input.toCharArray()) {
            switch (c) {
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 11 -> out.append("\\v");
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '"' -> out.append("\\\"");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
