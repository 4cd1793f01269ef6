package io.jitmask.schema;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import io.jitmask.schema.ProtobufDifference.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Confluent's Protobuf compatibility rules (its protobuf-provider {@code SchemaDiff}) over linked descriptors: every
 * difference from {@code original} to {@code update}, compatible ones included, with Confluent's names and paths.
 * Messages and enums are matched by name, scope by scope; fields by number across a message (oneof members too), so
 * a move in or out of a oneof cannot hide a type change; a field whose message type comes from another
 * subject-version (or from this schema on one side only) has that type compared too.
 */
final class ProtobufCompatibility {
    private enum Kind { SCALAR, MESSAGE, MAP }

    /** Which schema a named type comes from: the schema itself, a reference (subject and version), or neither. */
    private record Origin(String subject, int version) {
    }

    private static final Origin SELF = new Origin("", -1);

    private final Map<String, Origin> originalOrigins;
    private final Map<String, Origin> updateOrigins;
    private final Set<Descriptor> comparing = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<String> path = new ArrayDeque<>();
    private final List<ProtobufDifference> differences = new ArrayList<>();

    private ProtobufCompatibility(Map<String, Origin> originalOrigins, Map<String, Origin> updateOrigins) {
        this.originalOrigins = originalOrigins;
        this.updateOrigins = updateOrigins;
    }

    static List<ProtobufDifference> differences(ProtobufParsedSchema original, ProtobufParsedSchema update) {
        ProtobufCompatibility diff = new ProtobufCompatibility(origins(original), origins(update));
        FileDescriptor o = original.fileDescriptor();
        FileDescriptor u = update.fileDescriptor();
        if (!Objects.equals(o.getPackage(), u.getPackage())) {
            diff.add(Type.PACKAGE_CHANGED);
        }
        diff.compareScopes(o.getMessageTypes(), o.getEnumTypes(), u.getMessageTypes(), u.getEnumTypes());
        return diff.differences;
    }

    private static Map<String, Origin> origins(ProtobufParsedSchema schema) {
        Map<String, Origin> out = new HashMap<>();
        schema.references().forEach(r -> out.put(r.name(), new Origin(r.subject(), r.version())));
        out.put(schema.fileDescriptor().getName(), SELF);
        return out;
    }

    private ProtobufCompatibility sub(String localName) {
        ProtobufCompatibility sub = new ProtobufCompatibility(originalOrigins, updateOrigins);
        sub.comparing.addAll(comparing);
        for (String part : localName.split("\\.")) {
            sub.path.addLast(part);
        }
        return sub;
    }

    private void add(Type type) {
        differences.add(new ProtobufDifference(type, "#/" + String.join("/", path)));
    }

    private void at(String segment, Runnable body) {
        path.addLast(segment);
        try {
            body.run();
        } finally {
            path.removeLast();
        }
    }

    private boolean isCompatible() {
        return differences.stream().allMatch(d -> ProtobufDifference.COMPATIBLE.contains(d.type()));
    }

    // ---- messages and enums, scope by scope ----

    private void compareScopes(List<Descriptor> originalMessages, List<EnumDescriptor> originalEnums,
                               List<Descriptor> updateMessages, List<EnumDescriptor> updateEnums) {
        Map<String, Descriptor> before = messages(originalMessages);
        Map<String, Descriptor> after = messages(updateMessages);
        List<String> beforeOrder = new ArrayList<>(before.keySet());
        List<String> afterOrder = new ArrayList<>(after.keySet());
        byName(before, after, Type.MESSAGE_REMOVED, Type.MESSAGE_ADDED, (name, o, u) -> {
            compareMessages(o, u);
            if (beforeOrder.indexOf(name) != afterOrder.indexOf(name)) {
                // Serialised message indexes refer to the writer's schema, so a move stays readable.
                add(Type.MESSAGE_MOVED);
            }
        });
        Map<String, EnumDescriptor> enumsBefore = new LinkedHashMap<>();
        originalEnums.forEach(e -> enumsBefore.put(e.getName(), e));
        Map<String, EnumDescriptor> enumsAfter = new LinkedHashMap<>();
        updateEnums.forEach(e -> enumsAfter.put(e.getName(), e));
        byName(enumsBefore, enumsAfter, Type.ENUM_REMOVED, Type.ENUM_ADDED, (name, o, u) -> compareEnums(o, u));
    }

    private interface Both<T> {
        void compare(String name, T original, T update);
    }

    /** Types of one scope matched by name, each at its path: removed, added, or compared. */
    private <T> void byName(Map<String, T> before, Map<String, T> after, Type removed, Type added, Both<T> both) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            at(name, () -> {
                T o = before.get(name);
                T u = after.get(name);
                if (u == null) {
                    add(removed);
                } else if (o == null) {
                    add(added);
                } else {
                    both.compare(name, o, u);
                }
            });
        }
    }

    /** The messages of a scope by name, in declaration order, map entries left out (they are no message in .proto). */
    private static Map<String, Descriptor> messages(List<Descriptor> declared) {
        Map<String, Descriptor> out = new LinkedHashMap<>();
        declared.stream().filter(d -> !d.getOptions().getMapEntry()).forEach(d -> out.put(d.getName(), d));
        return out;
    }

    private void compareEnums(EnumDescriptor original, EnumDescriptor update) {
        Map<Integer, String> before = new TreeMap<>();
        for (EnumValueDescriptor v : original.getValues()) {
            before.putIfAbsent(v.getNumber(), v.getName());
        }
        Map<Integer, String> after = new TreeMap<>();
        for (EnumValueDescriptor v : update.getValues()) {
            after.putIfAbsent(v.getNumber(), v.getName());
        }
        Set<Integer> numbers = new TreeSet<>(before.keySet());
        numbers.addAll(after.keySet());
        for (int number : numbers) {
            at(String.valueOf(number), () -> {
                if (!after.containsKey(number)) {
                    add(Type.ENUM_CONST_REMOVED);
                } else if (!before.containsKey(number)) {
                    add(Type.ENUM_CONST_ADDED);
                } else if (!before.get(number).equals(after.get(number))) {
                    add(Type.ENUM_CONST_CHANGED);
                }
            });
        }
    }

    private void compareMessages(Descriptor original, Descriptor update) {
        if (comparing.add(original)) {
            try {
                compareFields(original, update);
            } finally {
                comparing.remove(original);
            }
        }
        compareScopes(original.getNestedTypes(), original.getEnumTypes(), update.getNestedTypes(),
                update.getEnumTypes());
    }

    private static Map<Integer, String> oneofOf(Descriptor message) {
        Map<Integer, String> out = new HashMap<>();
        for (OneofDescriptor oneof : message.getRealOneofs()) {
            oneof.getFields().forEach(f -> out.put(f.getNumber(), oneof.getName()));
        }
        return out;
    }

    private void compareFields(Descriptor original, Descriptor update) {
        Map<Integer, String> oneofBefore = oneofOf(original);
        Map<Integer, String> oneofAfter = oneofOf(update);
        Set<String> oneofsBefore = new TreeSet<>();
        original.getRealOneofs().forEach(o -> oneofsBefore.add(o.getName()));
        Set<String> oneofsAfter = new TreeSet<>();
        update.getRealOneofs().forEach(o -> oneofsAfter.add(o.getName()));
        // A oneof gone by name with none of its members left anywhere is deleted whole, which is compatible.
        Set<String> deletedWhole = new HashSet<>();
        for (OneofDescriptor oneof : original.getRealOneofs()) {
            if (!oneofsAfter.contains(oneof.getName())
                    && oneof.getFields().stream().noneMatch(f -> update.findFieldByNumber(f.getNumber()) != null)) {
                deletedWhole.add(oneof.getName());
            }
        }
        // Fields that were independent (top-level, or from different oneofs) must not become mutually exclusive.
        for (OneofDescriptor oneof : update.getRealOneofs()) {
            Set<String> origins = new HashSet<>();
            int movedFromTop = 0;
            for (FieldDescriptor f : oneof.getFields()) {
                if (oneofBefore.containsKey(f.getNumber())) {
                    origins.add("oneof:" + oneofBefore.get(f.getNumber()));
                } else if (original.findFieldByNumber(f.getNumber()) != null) {
                    origins.add("field:" + f.getNumber());
                    movedFromTop++;
                }
            }
            if (origins.size() > 1) {
                int moved = movedFromTop;
                at(oneof.getName(), () -> add(moved > 1 ? Type.MULTIPLE_FIELDS_MOVED_TO_ONEOF
                        : Type.FIELD_MOVED_TO_EXISTING_ONEOF));
            }
        }
        Set<String> allOneofs = new TreeSet<>(oneofsBefore);
        allOneofs.addAll(oneofsAfter);
        for (String name : allOneofs) {
            if (!oneofsAfter.contains(name)) {
                at(name, () -> add(Type.ONEOF_REMOVED));
            } else if (!oneofsBefore.contains(name)) {
                at(name, () -> add(Type.ONEOF_ADDED));
            }
        }
        Set<Integer> numbers = new TreeSet<>();
        original.getFields().forEach(f -> numbers.add(f.getNumber()));
        update.getFields().forEach(f -> numbers.add(f.getNumber()));
        for (int number : numbers) {
            FieldDescriptor o = original.findFieldByNumber(number);
            FieldDescriptor u = update.findFieldByNumber(number);
            String before = oneofBefore.get(number);
            String after = oneofAfter.get(number);
            String tag = String.valueOf(number);
            if (u == null) {
                if (before != null) {
                    if (!deletedWhole.contains(before)) {
                        at(before, () -> at(tag, () -> add(Type.ONEOF_FIELD_REMOVED)));
                    }
                } else {
                    at(tag, () -> add(o.isRequired() ? Type.REQUIRED_FIELD_REMOVED : Type.FIELD_REMOVED));
                }
            } else if (o == null) {
                if (after != null) {
                    at(after, () -> at(tag, () -> add(Type.ONEOF_FIELD_ADDED)));
                } else {
                    at(tag, () -> add(u.isRequired() ? Type.REQUIRED_FIELD_ADDED : Type.FIELD_ADDED));
                }
            } else {
                if (before != null && after == null) {
                    at(tag, () -> add(Type.ONEOF_FIELD_MOVED_TO_TOP_LEVEL));
                }
                if (after != null) {
                    at(after, () -> at(tag, () -> compareField(o, u)));
                } else {
                    at(tag, () -> compareField(o, u));
                }
            }
        }
    }

    // ---- one field ----

    private void compareField(FieldDescriptor original, FieldDescriptor update) {
        if (!original.getName().equals(update.getName())) {
            add(Type.FIELD_NAME_CHANGED);
        }
        compareLabelsAndTypes(label(original), label(update), original, update);
    }

    /**
     * The label as written in the .proto (what Confluent compares): repeated, required, optional (proto2, or an
     * explicit proto3 optional), or none (a plain proto3 field, a oneof member, a map).
     */
    private static String label(FieldDescriptor f) {
        if (f.isMapField()) {
            return null;
        }
        if (f.isRepeated()) {
            return "repeated";
        }
        if (f.isRequired()) {
            return "required";
        }
        if (f.getRealContainingOneof() != null) {
            return null;
        }
        boolean proto3 = "proto3".equals(f.getFile().toProto().getSyntax());
        return !proto3 || f.toProto().getProto3Optional() ? "optional" : null;
    }

    private static Kind kind(FieldDescriptor f) {
        if (f.isMapField()) {
            return Kind.MAP;
        }
        return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? Kind.MESSAGE : Kind.SCALAR;
    }

    private void compareLabelsAndTypes(String originalLabel, String updateLabel, FieldDescriptor original,
                                       FieldDescriptor update) {
        Kind ok = kind(original);
        if (ok != kind(update)) {
            add(Type.FIELD_KIND_CHANGED);
            return;
        }
        switch (ok) {
            case SCALAR -> {
                String group = scalarGroup(original);
                if (!group.equals(scalarGroup(update))) {
                    add(Type.FIELD_SCALAR_KIND_CHANGED);
                } else if (originalLabel != null && updateLabel != null && !originalLabel.equals(updateLabel)) {
                    add("STRING_OR_BYTES".equals(group) ? Type.FIELD_STRING_OR_BYTES_LABEL_CHANGED
                            : Type.FIELD_NUMERIC_LABEL_CHANGED);
                }
            }
            case MESSAGE -> compareMessageTypes(original.getMessageType(), update.getMessageType());
            case MAP -> {
                Descriptor oe = original.getMessageType();
                Descriptor ue = update.getMessageType();
                compareLabelsAndTypes(null, null, oe.findFieldByNumber(1), ue.findFieldByNumber(1));
                compareLabelsAndTypes(null, null, oe.findFieldByNumber(2), ue.findFieldByNumber(2));
            }
            default -> {
            }
        }
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

    private static String localName(Descriptor d) {
        String pkg = d.getFile().getPackage();
        return pkg.isEmpty() || !d.getFullName().startsWith(pkg + ".") ? d.getFullName()
                : d.getFullName().substring(pkg.length() + 1);
    }

    /**
     * A message-typed field: the type's name without its package must stay; when the type comes from different
     * subject-versions (or from the schema itself on one side only) it is compared too, and any incompatible
     * difference inside it makes the field's type changed.
     */
    private void compareMessageTypes(Descriptor original, Descriptor update) {
        String local = localName(original);
        if (!local.equals(localName(update))) {
            add(Type.FIELD_NAMED_TYPE_CHANGED);
            return;
        }
        Origin before = originalOrigins.get(original.getFile().getName());
        Origin after = updateOrigins.get(update.getFile().getName());
        if (before != null && before.equals(after)) {
            return;
        }
        ProtobufCompatibility sub = sub(local);
        sub.compareMessages(original, update);
        differences.addAll(sub.differences);
        if (!sub.isCompatible()) {
            add(Type.FIELD_NAMED_TYPE_CHANGED);
        }
    }
}
