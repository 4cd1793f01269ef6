package io.jitmask.mask;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Compiles mask plans for Protobuf messages (DynamicMessages of the registered descriptor). Paths are dotted field
 * names; repeated fields and map values keep the path of their field, as in Avro. A masked message has the same
 * descriptor: every technique keeps the field's type, through the Avro technique compiled for the matching Avro type
 * (string; int32-like → int; int64-like → long; float; double; bool; bytes; enum → an Avro enum of the value names;
 * {@code google.protobuf.Timestamp} → timestamp-micros; wrapper types → their {@code value}).
 *
 * <p>A sensitive message field has every field inside it masked with its technique; the keys of a sensitive map are
 * tokenized (strings like Avro map keys, whole numbers by {@code hmac}) unless {@code keepMapKeys: true};
 * {@code nullify} clears a field that has presence (optional, oneof member, message) and fails on one without.
 * Fields left at their default value are absent on the wire and carry nothing: they stay so.
 */
public final class ProtobufMaskPlanner {
    private static final TechniqueSpec HMAC = new TechniqueSpec("hmac");
    private static final String TIMESTAMP = "google.protobuf.Timestamp";
    private static final Set<String> WRAPPERS = Set.of("google.protobuf.DoubleValue", "google.protobuf.FloatValue",
            "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
            "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
            "google.protobuf.BytesValue");

    /** A compiled plan: thread-safe, never mutates its input. */
    @FunctionalInterface
    public interface Plan {
        Message apply(Message message);
    }

    /** Masks one value (an element of a repeated field) of a field. */
    @FunctionalInterface
    private interface ValueMasker {
        Object mask(Object value, GenericRecord root);
    }

    private record PlanKey(String dataset, int schemaId, String messageType, Set<String> clearPaths, long generation) {
    }

    private final FieldClassifier classifier;
    private final Keyset keyset;
    private final PlanCache<PlanKey, Plan> plans = new PlanCache<>();

    public ProtobufMaskPlanner(FieldClassifier classifier, Keyset keyset) {
        this.classifier = classifier;
        this.keyset = keyset;
    }

    /**
     * @param inlineTags tags by full field name as the schema text declares them ({@code ParsedSchema.inlineTags()})
     * @throws UncoveredFieldException a sensitive field has no technique, or sits in a recursive type (fail closed)
     * @throws MaskingConfigException a technique does not fit its field
     */
    public Plan plan(String dataset, int schemaId, Descriptors.Descriptor type, Map<String, Set<String>> inlineTags,
                     Set<String> clearPaths) {
        return plans.get(new PlanKey(dataset, schemaId, type.getFullName(), Set.copyOf(clearPaths), classifier.generation()), k -> {
            ValueMasker root = new Compiler(dataset, inlineTags, k.clearPaths()).message(type, "", new ArrayList<>());
            return root == null ? m -> m : m -> (Message) root.mask(m, entity(m));
        });
    }

    /** Sensitive paths of a message type and their tags, for request validation and the approver's view. */
    public Map<String, Set<String>> sensitiveFields(String dataset, Descriptors.Descriptor type, Map<String, Set<String>> inlineTags) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        collect(dataset, type, inlineTags, "", out, new ArrayList<>());
        return out;
    }

    private void collect(String dataset, Descriptors.Descriptor type, Map<String, Set<String>> inline, String prefix,
                         Map<String, Set<String>> out, List<Descriptors.Descriptor> stack) {
        if (stack.contains(type)) {
            return;
        }
        stack.add(type);
        for (FieldDescriptor field : type.getFields()) {
            String path = prefix + field.getName();
            Set<String> tags = ProtobufTags.of(field, inline, dataset + ": field '" + path + "'");
            if (classifier.techniqueFor(dataset, path, tags) != null) {
                out.put(path, tags);
            } else {
                Descriptors.Descriptor inner = nestedType(field);
                if (inner != null) {
                    collect(dataset, inner, inline, path + ".", out, stack);
                }
            }
        }
        stack.remove(stack.size() - 1);
    }

    private static GenericRecord entity(Message message) {
        return new EntityFields(name -> {
            FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
            if (field == null || field.isRepeated() || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                return null;
            }
            return String.valueOf(message.getField(field));
        });
    }

    /** The message type a field walks into (a map's value type for maps), or null for scalars and well-known leaves. */
    /** The message type below a field (a map field: its values' type), null for scalars. */
    static Descriptors.Descriptor nestedType(FieldDescriptor field) {
        if (field.isMapField()) {
            FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
            return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? value.getMessageType() : null;
        }
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }

    private final class Compiler {
        private final String dataset;
        private final Map<String, Set<String>> inline;
        private final Set<String> clearPaths;

        Compiler(String dataset, Map<String, Set<String>> inline, Set<String> clearPaths) {
            this.dataset = dataset;
            this.inline = inline;
            this.clearPaths = clearPaths;
        }

        /** The masker of a message's fields; null when none needs masking. */
        ValueMasker message(Descriptors.Descriptor type, String prefix, List<Descriptors.Descriptor> stack) {
            String where = dataset + ": " + (prefix.isEmpty() ? "message " + type.getFullName() : "field '" + prefix.substring(0, prefix.length() - 1) + "'");
            if (stack.contains(type)) {
                if (!classifier.masksUnknownFields(dataset) && !classifier.hasRulesUnder(dataset, prefix) && !hasTags(type, new ArrayList<>())) {
                    return null;
                }
                throw new UncoveredFieldException(where + ": recursive message type " + type.getFullName()
                        + " holds sensitive fields and cannot be masked by a compiled plan");
            }
            stack.add(type);
            List<FieldDescriptor> fields = new ArrayList<>();
            List<FieldMask> maskers = new ArrayList<>();
            for (FieldDescriptor field : type.getFields()) {
                FieldMask m = field(field, prefix + field.getName(), stack);
                if (m != null) {
                    fields.add(field);
                    maskers.add(m);
                }
            }
            stack.remove(stack.size() - 1);
            return fields.isEmpty() ? null : rewrite(fields, maskers);
        }

        private FieldMask field(FieldDescriptor field, String path, List<Descriptors.Descriptor> stack) {
            if (PolicyMaskEngine.isClear(path, clearPaths)) {
                return null;
            }
            String where = dataset + ": field '" + path + "'";
            TechniqueSpec technique = classifier.techniqueFor(dataset, path, ProtobufTags.of(field, inline, where));
            if (technique == null) {
                Descriptors.Descriptor inner = nestedType(field);
                boolean walked = inner != null && !isLeafMessage(inner);
                ValueMasker nested = walked ? message(inner, path + ".", stack) : null;
                TechniqueSpec byDefault = classifier.defaultFor(dataset, path);
                if (byDefault != null && field.isMapField()) {
                    // defaultDeny: a map's keys are values too; its values are masked, or walked when they are messages.
                    FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
                    ValueMasker keys = new Options(byDefault, where).bool("keepMapKeys", false) ? null
                            : mapKey(field.getMessageType().findFieldByNumber(1), where);
                    return mapField(field, keys, walked ? nested : sensitive(value, byDefault, where, stack));
                }
                if (byDefault != null && !walked) {
                    return valueTechnique(field, byDefault, where, stack);
                }
                if (nested == null) {
                    return null;
                }
                return field.isMapField() ? mapField(field, null, nested) : eachValue(field, nested);
            }
            return valueTechnique(field, technique, where, stack);
        }

        /** A technique on a field's values: cleared by nullify (fields with presence only), else masked keeping the type. */
        private FieldMask valueTechnique(FieldDescriptor field, TechniqueSpec technique, String where, List<Descriptors.Descriptor> stack) {
            if (Techniques.NULLIFY.equals(technique.type())) {
                if (field.isRepeated() || !field.hasPresence()) {
                    throw new UnsupportedTypeException(where + ": technique 'nullify' needs a field with presence (optional, "
                            + "oneof member or message), but the field is " + (field.isRepeated() ? "repeated" : field.getType().name().toLowerCase(java.util.Locale.ROOT)));
                }
                return (in, out, f, root) -> out.clearField(f);
            }
            if (field.isMapField()) {
                FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
                FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
                ValueMasker keys = new Options(technique, where).bool("keepMapKeys", false) ? null : mapKey(key, where);
                return mapField(field, keys, sensitive(value, technique, where, stack));
            }
            return eachValue(field, sensitive(field, technique, where, stack));
        }

        /** A technique on every value of a field (each element when repeated), keeping the field's type. */
        private ValueMasker sensitive(FieldDescriptor field, TechniqueSpec technique, String where, List<Descriptors.Descriptor> stack) {
            switch (field.getJavaType()) {
                case STRING:
                    return leaf(technique, Schema.create(Schema.Type.STRING), where, v -> v, v -> v.toString());
                case INT:
                    return leaf(technique, Schema.create(Schema.Type.INT), where, v -> v, v -> v);
                case LONG:
                    return leaf(technique, Schema.create(Schema.Type.LONG), where, v -> v, v -> v);
                case FLOAT:
                    return leaf(technique, Schema.create(Schema.Type.FLOAT), where, v -> v, v -> v);
                case DOUBLE:
                    return leaf(technique, Schema.create(Schema.Type.DOUBLE), where, v -> v, v -> v);
                case BOOLEAN:
                    return leaf(technique, Schema.create(Schema.Type.BOOLEAN), where, v -> v, v -> v);
                case BYTE_STRING:
                    return leaf(technique, Schema.create(Schema.Type.BYTES), where,
                            v -> ((ByteString) v).asReadOnlyByteBuffer(), v -> ByteString.copyFrom(((ByteBuffer) v).duplicate()));
                case ENUM: {
                    Descriptors.EnumDescriptor type = field.getEnumType();
                    List<String> symbols = new ArrayList<>();
                    type.getValues().forEach(v -> symbols.add(v.getName()));
                    Schema avro = Schema.createEnum(type.getName(), null, null, symbols);
                    return leaf(technique, avro, where, v -> new GenericData.EnumSymbol(avro, ((Descriptors.EnumValueDescriptor) v).getName()),
                            v -> type.findValueByName(v.toString()));
                }
                case MESSAGE:
                default:
                    return sensitiveMessage(field.getMessageType(), technique, where, stack);
            }
        }

        /** A sensitive message: a timestamp or wrapper is one value; any other has every field inside it masked. */
        private ValueMasker sensitiveMessage(Descriptors.Descriptor type, TechniqueSpec technique, String where,
                                             List<Descriptors.Descriptor> stack) {
            if (TIMESTAMP.equals(type.getFullName())) {
                FieldDescriptor seconds = type.findFieldByName("seconds");
                FieldDescriptor nanos = type.findFieldByName("nanos");
                Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
                return leaf(technique, micros, where, v -> {
                    Message t = (Message) v;
                    return Math.addExact(Math.multiplyExact((Long) t.getField(seconds), 1_000_000L), (Integer) t.getField(nanos) / 1000);
                }, v -> {
                    long us = (Long) v;
                    return DynamicMessage.newBuilder(type).setField(seconds, Math.floorDiv(us, 1_000_000L))
                            .setField(nanos, (int) Math.floorMod(us, 1_000_000L) * 1000).build();
                });
            }
            if (WRAPPERS.contains(type.getFullName())) {
                FieldDescriptor inner = type.findFieldByName("value");
                ValueMasker value = sensitive(inner, technique, where, stack);
                return (v, root) -> {
                    Message m = (Message) v;
                    return m.toBuilder().setField(inner, value.mask(m.getField(inner), root)).build();
                };
            }
            if (stack.contains(type)) {
                throw new UncoveredFieldException(where + ": recursive message type " + type.getFullName()
                        + " is sensitive and cannot be masked by a compiled plan");
            }
            stack.add(type);
            List<FieldDescriptor> fields = new ArrayList<>(type.getFields());
            List<FieldMask> maskers = new ArrayList<>();
            for (FieldDescriptor f : fields) {
                String inner = where + "." + f.getName();
                if (f.isMapField()) {
                    FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
                    ValueMasker keys = new Options(technique, inner).bool("keepMapKeys", false) ? null : mapKey(key, inner);
                    maskers.add(mapField(f, keys, sensitive(f.getMessageType().findFieldByNumber(2), technique, inner, stack)));
                } else {
                    maskers.add(eachValue(f, sensitive(f, technique, inner, stack)));
                }
            }
            stack.remove(stack.size() - 1);
            return rewrite(fields, maskers);
        }

        private ValueMasker leaf(TechniqueSpec technique, Schema avro, String where,
                                 java.util.function.Function<Object, Object> toAvro, java.util.function.Function<Object, Object> fromAvro) {
            FieldMasker masker = Techniques.compile(technique, avro, keyset, where);
            return (value, root) -> fromAvro.apply(masker.mask(toAvro.apply(value), root));
        }

        /** Map keys tokenized as Avro map keys are (strings), or by hmac for whole numbers; booleans hold nothing. */
        private ValueMasker mapKey(FieldDescriptor key, String where) {
            switch (key.getJavaType()) {
                case STRING: {
                    FieldMasker keys = Techniques.mapKeyMasker(keyset);
                    return (v, root) -> keys.mask(v, root).toString();
                }
                case INT:
                    return leaf(HMAC, Schema.create(Schema.Type.INT), where + " (map key)", v -> v, v -> v);
                case LONG:
                    return leaf(HMAC, Schema.create(Schema.Type.LONG), where + " (map key)", v -> v, v -> v);
                default:
                    return null;
            }
        }

        private boolean hasTags(Descriptors.Descriptor type, List<Descriptors.Descriptor> seen) {
            if (seen.contains(type)) {
                return false;
            }
            seen.add(type);
            for (FieldDescriptor f : type.getFields()) {
                if (!ProtobufTags.of(f, inline, dataset).isEmpty()) {
                    return true;
                }
                Descriptors.Descriptor inner = nestedType(f);
                if (inner != null && hasTags(inner, seen)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean isLeafMessage(Descriptors.Descriptor type) {
        return TIMESTAMP.equals(type.getFullName()) || WRAPPERS.contains(type.getFullName());
    }

    /** A masked copy of a message: each of {@code fields} rewritten by its mask, every other field as it is. */
    private static ValueMasker rewrite(List<FieldDescriptor> fields, List<FieldMask> maskers) {
        return (value, root) -> {
            Message in = (Message) value;
            Message.Builder out = in.toBuilder();
            for (int i = 0; i < fields.size(); i++) {
                maskers.get(i).apply(in, out, fields.get(i), root);
            }
            return out.build();
        };
    }

    /** Rewrites one field of a message into the builder of its masked copy. */
    @FunctionalInterface
    private interface FieldMask {
        void apply(Message in, Message.Builder out, FieldDescriptor field, GenericRecord root);
    }

    /** Every present value of a field through a masker: the one value, or each element of a repeated field. */
    private static FieldMask eachValue(FieldDescriptor field, ValueMasker masker) {
        if (field.isRepeated()) {
            return (in, out, f, root) -> {
                int n = in.getRepeatedFieldCount(f);
                if (n == 0) {
                    return;
                }
                List<Object> masked = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    masked.add(masker.mask(in.getRepeatedField(f, i), root));
                }
                out.setField(f, masked);
            };
        }
        return (in, out, f, root) -> {
            if (in.hasField(f)) {
                out.setField(f, masker.mask(in.getField(f), root));
            }
        };
    }

    /** A map field (repeated key/value entries): keys through {@code keys} (null: kept), values through {@code values}. */
    private static FieldMask mapField(FieldDescriptor field, ValueMasker keys, ValueMasker values) {
        FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
        return (in, out, f, root) -> {
            int n = in.getRepeatedFieldCount(f);
            if (n == 0) {
                return;
            }
            List<Object> masked = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Message entry = (Message) in.getRepeatedField(f, i);
                Message.Builder copy = entry.toBuilder();
                if (keys != null) {
                    copy.setField(key, keys.mask(entry.getField(key), root));
                }
                if (values != null && entry.hasField(value) || values != null && value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                    copy.setField(value, values.mask(entry.getField(value), root));
                }
                masked.add(copy.build());
            }
            out.setField(f, masked);
        };
    }
}
