package io.jitmask.schema;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.ExtendElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code .proto} parsed by Wire into protobuf-java's {@link FileDescriptorProto}, which
 * {@link Descriptors.FileDescriptor#buildFrom} then links against its imports (resolving relative type names
 * and whether a name is a message or an enum, as protoc does). What DynamicMessage needs is kept: packages,
 * messages, nested types, fields with labels, defaults, json names and {@code packed}, oneofs (and proto3
 * {@code optional}'s synthetic oneofs), maps (as map-entry messages), enums, extension ranges and extensions.
 */
final class ProtoDescriptors {
    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64));

    private ProtoDescriptors() {
    }

    static FileDescriptorProto toProto(String name, ProtoFileElement file) {
        FileDescriptorProto.Builder out = FileDescriptorProto.newBuilder().setName(name);
        boolean proto3 = file.getSyntax() == Syntax.PROTO_3;
        if (proto3) {
            out.setSyntax("proto3");
        }
        if (file.getPackageName() != null) {
            out.setPackage(file.getPackageName());
        }
        file.getImports().forEach(out::addDependency);
        for (String publicImport : file.getPublicImports()) {
            out.addPublicDependency(out.getDependencyCount());
            out.addDependency(publicImport);
        }
        for (TypeElement type : file.getTypes()) {
            if (type instanceof MessageElement message) {
                out.addMessageType(message(message, proto3));
            } else if (type instanceof EnumElement e) {
                out.addEnumType(enumType(e));
            }
        }
        for (ExtendElement extend : file.getExtendDeclarations()) {
            for (FieldElement field : extend.getFields()) {
                out.addExtension(field(field, proto3, null).setExtendee(extend.getName()));
            }
        }
        return out.build();
    }

    private static DescriptorProto message(MessageElement message, boolean proto3) {
        DescriptorProto.Builder out = DescriptorProto.newBuilder().setName(message.getName());
        if (!message.getGroups().isEmpty()) {
            throw new InvalidSchemaException("message " + message.getName() + " uses a group, which is not supported");
        }
        for (TypeElement nested : message.getNestedTypes()) {
            if (nested instanceof MessageElement m) {
                out.addNestedType(message(m, proto3));
            } else if (nested instanceof EnumElement e) {
                out.addEnumType(enumType(e));
            }
        }
        List<FieldDescriptorProto.Builder> syntheticOptionals = new ArrayList<>();
        for (FieldElement field : message.getFields()) {
            FieldDescriptorProto.Builder f = field(field, proto3, out);
            if (proto3 && field.getLabel() == Field.Label.OPTIONAL) {
                f.setProto3Optional(true);
                syntheticOptionals.add(f);
            } else {
                out.addField(f);
            }
        }
        for (OneOfElement oneOf : message.getOneOfs()) {
            int index = out.getOneofDeclCount();
            out.addOneofDecl(DescriptorProtos.OneofDescriptorProto.newBuilder().setName(oneOf.getName()));
            for (FieldElement field : oneOf.getFields()) {
                out.addField(field(field, proto3, out).setOneofIndex(index));
            }
        }
        // Synthetic oneofs come after the real ones, as protoc lays them out.
        for (FieldDescriptorProto.Builder f : syntheticOptionals) {
            int index = out.getOneofDeclCount();
            out.addOneofDecl(DescriptorProtos.OneofDescriptorProto.newBuilder().setName("_" + f.getName()));
            out.addField(f.setOneofIndex(index));
        }
        message.getExtensions().forEach(ext -> ext.getValues().forEach(range -> {
            if (range instanceof Integer single) {
                out.addExtensionRange(DescriptorProto.ExtensionRange.newBuilder().setStart(single).setEnd(single + 1));
            } else if (range instanceof kotlin.ranges.IntRange r) {
                out.addExtensionRange(DescriptorProto.ExtensionRange.newBuilder().setStart(r.getFirst())
                        .setEnd(r.getLast() == Integer.MAX_VALUE ? 536870912 : r.getLast() + 1));
            }
        }));
        for (ExtendElement extend : message.getExtendDeclarations()) {
            for (FieldElement field : extend.getFields()) {
                out.addExtension(field(field, proto3, null).setExtendee(extend.getName()));
            }
        }
        return out.build();
    }

    /** A field; a {@code map<K, V>} adds its entry message to {@code owner}. */
    private static FieldDescriptorProto.Builder field(FieldElement field, boolean proto3, DescriptorProto.Builder owner) {
        FieldDescriptorProto.Builder out = FieldDescriptorProto.newBuilder().setName(field.getName()).setNumber(field.getTag());
        Field.Label label = field.getLabel();
        out.setLabel(label == Field.Label.REPEATED ? FieldDescriptorProto.Label.LABEL_REPEATED
                : label == Field.Label.REQUIRED ? FieldDescriptorProto.Label.LABEL_REQUIRED
                : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        String type = field.getType();
        if (type.startsWith("map<") && type.endsWith(">")) {
            if (owner == null) {
                throw new InvalidSchemaException("map field " + field.getName() + " cannot be an extension");
            }
            String[] kv = type.substring(4, type.length() - 1).split(",", 2);
            String entryName = camel(field.getName()) + "Entry";
            DescriptorProto.Builder entry = DescriptorProto.newBuilder().setName(entryName)
                    .setOptions(DescriptorProtos.MessageOptions.newBuilder().setMapEntry(true));
            entry.addField(typed(FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[0].strip()));
            entry.addField(typed(FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[1].strip()));
            owner.addNestedType(entry);
            out.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                    .setTypeName(entryName);
        } else {
            typed(out, type);
        }
        if (field.getDefaultValue() != null && !proto3) {
            out.setDefaultValue(field.getDefaultValue());
        }
        if (field.getJsonName() != null) {
            out.setJsonName(field.getJsonName());
        }
        DescriptorProtos.FieldOptions.Builder options = DescriptorProtos.FieldOptions.newBuilder();
        for (OptionElement option : field.getOptions()) {
            if ("packed".equals(option.getName())) {
                options.setPacked(Boolean.parseBoolean(String.valueOf(option.getValue())));
            } else if ("deprecated".equals(option.getName())) {
                options.setDeprecated(Boolean.parseBoolean(String.valueOf(option.getValue())));
            }
        }
        if (options.hasPacked() || options.hasDeprecated()) {
            out.setOptions(options);
        }
        return out;
    }

    /** Scalars by name; any other name is left for the linker to resolve to a message or an enum. */
    private static FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder field, String type) {
        FieldDescriptorProto.Type scalar = SCALARS.get(type);
        return scalar != null ? field.setType(scalar) : field.setTypeName(type);
    }

    private static EnumDescriptorProto enumType(EnumElement e) {
        EnumDescriptorProto.Builder out = EnumDescriptorProto.newBuilder().setName(e.getName());
        for (EnumConstantElement constant : e.getConstants()) {
            out.addValue(EnumValueDescriptorProto.newBuilder().setName(constant.getName()).setNumber(constant.getTag()));
        }
        for (OptionElement option : e.getOptions()) {
            if ("allow_alias".equals(option.getName()) && Boolean.parseBoolean(String.valueOf(option.getValue()))) {
                out.setOptions(DescriptorProtos.EnumOptions.newBuilder().setAllowAlias(true));
            }
        }
        return out.build();
    }

    /** protoc's map entry name: {@code my_field} gives {@code MyFieldEntry}. */
    private static String camel(String name) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
