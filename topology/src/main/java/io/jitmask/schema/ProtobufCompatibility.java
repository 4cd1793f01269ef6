package io.jitmask.schema;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Confluent's Protobuf compatibility rules (its {@code SchemaDiff}) on linked descriptors: the incompatible
 * differences between {@code original} and {@code update}, by Confluent's names: PACKAGE_CHANGED, MESSAGE_REMOVED,
 * FIELD_KIND_CHANGED, FIELD_SCALAR_KIND_CHANGED, FIELD_NAMED_TYPE_CHANGED, FIELD_NUMERIC_LABEL_CHANGED,
 * REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED, ONEOF_FIELD_REMOVED, FIELD_MOVED_TO_EXISTING_ONEOF,
 * MULTIPLE_FIELDS_MOVED_TO_ONEOF. Adding or removing fields, messages, enums and enum constants, and renaming
 * fields, are compatible (fields are matched by number). The same differences decide both directions.
 */
final class ProtobufCompatibility {
    private final List<String> differences = new ArrayList<>();
    private final Set<String> compared = new HashSet<>();

    private ProtobufCompatibility() {
    }

    static List<String> differences(Descriptors.FileDescriptor original, Descriptors.FileDescriptor update) {
        ProtobufCompatibility diff = new ProtobufCompatibility();
        if (!Objects.equals(original.getPackage(), update.getPackage())) {
            diff.differences.add("PACKAGE_CHANGED");
        }
        Map<String, Descriptor> updated = new HashMap<>();
        collect(update.getMessageTypes(), update.getPackage(), updated);
        Map<String, Descriptor> originals = new HashMap<>();
        collect(original.getMessageTypes(), original.getPackage(), originals);
        originals.forEach((name, message) -> {
            Descriptor u = updated.get(name);
            if (u == null) {
                diff.differences.add("MESSAGE_REMOVED at " + name);
            } else {
                diff.compareMessages(name, message, u);
            }
        });
        return diff.differences;
    }

    /** Messages by name relative to their package (moving a message between packages changes it). */
    private static void collect(List<Descriptor> messages, String pkg, Map<String, Descriptor> out) {
        for (Descriptor d : messages) {
            if (d.getOptions().getMapEntry()) {
                continue;
            }
            out.put(local(d.getFullName(), pkg), d);
            collect(d.getNestedTypes(), pkg, out);
        }
    }

    private static String local(String fullName, String pkg) {
        return pkg.isEmpty() || !fullName.startsWith(pkg + ".") ? fullName : fullName.substring(pkg.length() + 1);
    }

    private void compareMessages(String name, Descriptor original, Descriptor update) {
        if (!compared.add(name + "|" + original.getFullName() + "|" + update.getFullName())) {
            return;
        }
        Set<Integer> numbers = new HashSet<>();
        original.getFields().forEach(f -> numbers.add(f.getNumber()));
        update.getFields().forEach(f -> numbers.add(f.getNumber()));
        for (int number : numbers) {
            FieldDescriptor o = original.findFieldByNumber(number);
            FieldDescriptor u = update.findFieldByNumber(number);
            String at = name + "." + (u != null ? u.getName() : o.getName());
            if (o == null) {
                if (u.isRequired()) {
                    differences.add("REQUIRED_FIELD_ADDED at " + at);
                }
            } else if (u == null) {
                if (o.isRequired()) {
                    differences.add("REQUIRED_FIELD_REMOVED at " + at);
                }
                if (realOneof(o) != null) {
                    differences.add("ONEOF_FIELD_REMOVED at " + at);
                }
            } else {
                compareFields(at, o, u);
            }
        }
        compareOneofs(name, original, update);
    }

    private static Descriptors.OneofDescriptor realOneof(FieldDescriptor f) {
        return f.getRealContainingOneof();
    }

    private void compareOneofs(String name, Descriptor original, Descriptor update) {
        for (Descriptors.OneofDescriptor oneof : update.getRealOneofs()) {
            boolean existed = original.getRealOneofs().stream().anyMatch(o -> o.getName().equals(oneof.getName()));
            int movedIn = 0;
            for (FieldDescriptor f : oneof.getFields()) {
                FieldDescriptor before = original.findFieldByNumber(f.getNumber());
                if (before != null && realOneof(before) == null) {
                    movedIn++;
                    if (existed) {
                        differences.add("FIELD_MOVED_TO_EXISTING_ONEOF at " + name + "." + f.getName());
                    }
                }
            }
            if (!existed && movedIn > 1) {
                differences.add("MULTIPLE_FIELDS_MOVED_TO_ONEOF at " + name + "." + oneof.getName());
            }
        }
    }

    private enum Kind { SCALAR, MESSAGE, MAP }

    private static Kind kind(FieldDescriptor f) {
        if (f.isMapField()) {
            return Kind.MAP;
        }
        return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? Kind.MESSAGE : Kind.SCALAR;
    }

    /** Confluent's groups of wire-compatible scalars (enums count as general numbers). */
    private static String scalarGroup(FieldDescriptor f) {
        return switch (f.getType()) {
            case INT32, INT64, UINT32, UINT64, BOOL, ENUM -> "GENERAL_NUMBER";
            case SINT32, SINT64 -> "SIGNED_NUMBER";
            case STRING, BYTES -> "STRING_OR_BYTES";
            case FIXED32, SFIXED32 -> "FIXED32";
            case FIXED64, SFIXED64 -> "FIXED64";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            default -> f.getType().name();
        };
    }

    private void compareFields(String at, FieldDescriptor o, FieldDescriptor u) {
        Kind ok = kind(o);
        Kind uk = kind(u);
        if (ok != uk) {
            differences.add("FIELD_KIND_CHANGED at " + at);
            return;
        }
        switch (ok) {
            case SCALAR -> {
                String og = scalarGroup(o);
                if (!og.equals(scalarGroup(u))) {
                    differences.add("FIELD_SCALAR_KIND_CHANGED at " + at);
                } else if (o.isRepeated() != u.isRepeated() && !"STRING_OR_BYTES".equals(og)) {
                    differences.add("FIELD_NUMERIC_LABEL_CHANGED at " + at);
                }
            }
            case MESSAGE -> compareNamed(at, o.getMessageType(), u.getMessageType());
            case MAP -> {
                compareFields(at + ".key", o.getMessageType().findFieldByNumber(1), u.getMessageType().findFieldByNumber(1));
                compareFields(at + ".value", o.getMessageType().findFieldByNumber(2), u.getMessageType().findFieldByNumber(2));
            }
            default -> {
            }
        }
        if (o.isRequired() != u.isRequired()) {
            differences.add((u.isRequired() ? "REQUIRED_FIELD_ADDED" : "REQUIRED_FIELD_REMOVED") + " at " + at);
        }
    }

    private void compareNamed(String at, Descriptor o, Descriptor u) {
        String ol = local(o.getFullName(), o.getFile().getPackage());
        String ul = local(u.getFullName(), u.getFile().getPackage());
        if (!ol.equals(ul)) {
            differences.add("FIELD_NAMED_TYPE_CHANGED at " + at);
            return;
        }
        int before = differences.size();
        compareMessages(ol, o, u);
        if (differences.size() > before) {
            differences.add("FIELD_NAMED_TYPE_CHANGED at " + at);
        }
    }
}
