package io.jitmask.schema;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Protobuf schema: {@code .proto} text parsed by Wire (as Confluent does), linked by protobuf-java into a
 * {@link Descriptors.FileDescriptor} usable with {@code DynamicMessage}. Imports resolve to references, then to
 * the built-ins Confluent's registry also knows without references: {@code google/protobuf/*.proto} well-known
 * types, {@code confluent/meta.proto} and {@code confluent/type/decimal.proto}.
 */
public final class ProtobufParsedSchema extends ParsedSchemaBase implements ParsedSchema {
    /** The file name the schema itself gets in its descriptor (references keep their import names). */
    public static final String DEFAULT_NAME = "default.proto";
    private static final Map<String, Descriptors.FileDescriptor> WELL_KNOWN = Map.ofEntries(
            Map.entry("google/protobuf/any.proto", AnyProto.getDescriptor()),
            Map.entry("google/protobuf/api.proto", ApiProto.getDescriptor()),
            Map.entry("google/protobuf/descriptor.proto", DescriptorProtos.getDescriptor()),
            Map.entry("google/protobuf/duration.proto", DurationProto.getDescriptor()),
            Map.entry("google/protobuf/empty.proto", EmptyProto.getDescriptor()),
            Map.entry("google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor()),
            Map.entry("google/protobuf/source_context.proto", SourceContextProto.getDescriptor()),
            Map.entry("google/protobuf/struct.proto", StructProto.getDescriptor()),
            Map.entry("google/protobuf/timestamp.proto", TimestampProto.getDescriptor()),
            Map.entry("google/protobuf/type.proto", TypeProto.getDescriptor()),
            Map.entry("google/protobuf/wrappers.proto", WrappersProto.getDescriptor()));
    private static final Map<String, String> CONFLUENT_BUILT_INS = Map.of(
            "confluent/meta.proto", resource("proto/confluent/meta.proto"),
            "confluent/type/decimal.proto", resource("proto/confluent/type/decimal.proto"));

    private final ProtoFileElement file;
    private final Descriptors.FileDescriptor descriptor;
    private final String canonical;

    ProtobufParsedSchema(String text, List<SchemaReference> references, Map<String, String> resolved) {
        super(text, references, resolved);
        this.file = parse(DEFAULT_NAME, text);
        this.descriptor = link(DEFAULT_NAME, file, resolved, new HashMap<>(), new LinkedHashSet<>());
        this.canonical = ProtobufPrinter.canonical(file);
    }

    private ProtobufParsedSchema(ProtobufParsedSchema from, String canonical, List<SchemaReference> references) {
        super(canonical, references, from.resolvedReferences());
        this.file = from.file;
        this.descriptor = from.descriptor;
        this.canonical = canonical;
    }

    @Override
    public ProtobufParsedSchema normalize() {
        return new ProtobufParsedSchema(this, ProtobufPrinter.normalized(file, descriptor), SchemaReference.sorted(references()));
    }

    @Override
    public boolean hasTopLevelField(String field) {
        return !descriptor.getMessageTypes().isEmpty() && descriptor.getMessageTypes().get(0).findFieldByName(field) != null;
    }

    /** {@code serialized}: the linked {@code FileDescriptorProto}, base64, as Confluent's JavaScript and Go serdes ask. */
    @Override
    public String formatted(String format) {
        if ("serialized".equalsIgnoreCase(format)) {
            return java.util.Base64.getEncoder().encodeToString(qualified(descriptor).toByteArray());
        }
        return canonical;
    }

    /**
     * The file's descriptor proto with every message and enum type name fully qualified ({@code .pkg.Type}) and every
     * field's {@code type} set, as protoc writes them: readers such as {@code @bufbuild/protobuf}'s
     * {@code createFileRegistry} resolve no relative names, and take a field whose type is unset for a double.
     */
    static DescriptorProtos.FileDescriptorProto qualified(Descriptors.FileDescriptor file) {
        DescriptorProtos.FileDescriptorProto.Builder out = file.toProto().toBuilder();
        for (int i = 0; i < file.getMessageTypes().size(); i++) {
            qualify(out.getMessageTypeBuilder(i), file.getMessageTypes().get(i));
        }
        for (int i = 0; i < file.getExtensions().size(); i++) {
            qualifyField(out.getExtensionBuilder(i), file.getExtensions().get(i));
        }
        return out.build();
    }

    private static void qualify(DescriptorProtos.DescriptorProto.Builder proto, Descriptors.Descriptor message) {
        for (int i = 0; i < message.getFields().size(); i++) {
            qualifyField(proto.getFieldBuilder(i), message.getFields().get(i));
        }
        for (int i = 0; i < message.getExtensions().size(); i++) {
            qualifyField(proto.getExtensionBuilder(i), message.getExtensions().get(i));
        }
        for (int i = 0; i < message.getNestedTypes().size(); i++) {
            qualify(proto.getNestedTypeBuilder(i), message.getNestedTypes().get(i));
        }
    }

    private static void qualifyField(DescriptorProtos.FieldDescriptorProto.Builder proto, Descriptors.FieldDescriptor field) {
        proto.setType(field.getType().toProto());
        switch (field.getJavaType()) {
            case MESSAGE -> proto.setTypeName("." + field.getMessageType().getFullName());
            case ENUM -> proto.setTypeName("." + field.getEnumType().getFullName());
            default -> {
            }
        }
        if (field.isExtension()) {
            proto.setExtendee("." + field.getContainingType().getFullName());
        }
    }

    private static String resource(String path) {
        try (InputStream in = ProtobufParsedSchema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in " + path, e);
        }
    }

    private static ProtoFileElement parse(String name, String text) {
        try {
            return ProtoParser.Companion.parse(Location.get(name), text);
        } catch (RuntimeException e) {
            // Wire's messages give the file, line and column and what was expected; they may quote a token, so
            // keep only the position.
            throw new InvalidSchemaException("not a valid .proto: " + position(e.getMessage()));
        }
    }

    private static String position(String message) {
        if (message == null) {
            return "syntax error";
        }
        int colon = message.indexOf(": ");
        String head = colon > 0 ? message.substring(0, colon) : "syntax error";
        int newline = head.indexOf('\n');
        return newline > 0 ? head.substring(0, newline) : head;
    }

    private static Descriptors.FileDescriptor link(String name, ProtoFileElement file, Map<String, String> resolved,
                                                   Map<String, Descriptors.FileDescriptor> done, Set<String> inProgress) {
        if (!inProgress.add(name)) {
            throw new InvalidSchemaException("import cycle through " + name);
        }
        List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
        List<String> imports = new ArrayList<>(file.getImports());
        imports.addAll(file.getPublicImports());
        for (String imported : imports) {
            dependencies.add(dependency(imported, resolved, done, inProgress));
        }
        inProgress.remove(name);
        // buildFrom needs dependencies in the order the proto lists them: imports, then public imports.
        try {
            return Descriptors.FileDescriptor.buildFrom(ProtoDescriptors.toProto(name, file),
                    dependencies.toArray(new Descriptors.FileDescriptor[0]));
        } catch (Descriptors.DescriptorValidationException e) {
            throw new InvalidSchemaException("the .proto " + name + " does not link: " + e.getDescription()
                    + " (at " + e.getProblemSymbolName() + ")");
        }
    }

    private static Descriptors.FileDescriptor dependency(String imported, Map<String, String> resolved,
                                                         Map<String, Descriptors.FileDescriptor> done, Set<String> inProgress) {
        Descriptors.FileDescriptor known = done.get(imported);
        if (known != null) {
            return known;
        }
        String text = resolved.get(imported);
        if (text == null) {
            known = WELL_KNOWN.get(imported);
            if (known != null) {
                return known;
            }
            text = CONFLUENT_BUILT_INS.get(imported);
            if (text == null) {
                throw new InvalidSchemaException("import \"" + imported + "\" is neither a reference nor a built-in");
            }
        }
        Descriptors.FileDescriptor built = link(imported, parse(imported, text), resolved, done, inProgress);
        done.put(imported, built);
        return built;
    }

    /** The linked descriptor of this file (its name is {@link #DEFAULT_NAME}). */
    public Descriptors.FileDescriptor fileDescriptor() {
        return descriptor;
    }

    /** Wire's parse tree of this file. */
    public ProtoFileElement protoFile() {
        return file;
    }

    /**
     * A message of this file by full name ({@code pkg.Outer.Inner}), or the first top-level message when
     * {@code fullName} is null, as Confluent's serializers default to.
     */
    public Descriptors.Descriptor messageDescriptor(String fullName) {
        if (fullName == null) {
            if (descriptor.getMessageTypes().isEmpty()) {
                throw new InvalidSchemaException("the .proto defines no message");
            }
            return descriptor.getMessageTypes().get(0);
        }
        String pkg = descriptor.getPackage();
        String local = !pkg.isEmpty() && fullName.startsWith(pkg + ".") ? fullName.substring(pkg.length() + 1) : fullName;
        Descriptors.Descriptor found = null;
        for (String part : local.split("\\.")) {
            Collection<Descriptors.Descriptor> scope = found == null ? descriptor.getMessageTypes() : found.getNestedTypes();
            found = scope.stream().filter(d -> d.getName().equals(part)).findFirst()
                    .orElseThrow(() -> new InvalidSchemaException("no message " + fullName + " in the .proto"));
        }
        return found;
    }

    @Override
    public SchemaType type() {
        return SchemaType.PROTOBUF;
    }

    @Override
    public String canonicalString() {
        return canonical;
    }

    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous) {
        return backwardIncompatibilities(previous, null, "new", "old");
    }

    /** Confluent's Protobuf diff from {@code previous} to this schema: its incompatible differences, as Confluent words them. */
    @Override
    public List<String> backwardIncompatibilities(ParsedSchema previous, String policy, String reader, String writer) {
        if (!(previous instanceof ProtobufParsedSchema old)) {
            return List.of("Incompatible because of different schema type");
        }
        return ProtobufCompatibility.differences(old, this).stream()
                .filter(d -> !ProtobufDifference.COMPATIBLE.contains(d.type()))
                .map(d -> ParsedSchema.worded(d.message(), reader, writer))
                .toList();
    }

    @Override
    public Map<String, Set<String>> inlineTags() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        String prefix = file.getPackageName() == null ? "" : file.getPackageName() + ".";
        for (TypeElement type : file.getTypes()) {
            collectTags(type, prefix, out);
        }
        return out;
    }

    private static void collectTags(TypeElement type, String prefix, Map<String, Set<String>> out) {
        if (!(type instanceof MessageElement message)) {
            return;
        }
        String name = prefix + message.getName();
        List<FieldElement> fields = new ArrayList<>(message.getFields());
        for (OneOfElement oneOf : message.getOneOfs()) {
            fields.addAll(oneOf.getFields());
        }
        for (FieldElement field : fields) {
            Set<String> tags = new LinkedHashSet<>();
            for (OptionElement option : field.getOptions()) {
                if (option.getName().equals("confluent.field_meta")) {
                    tagsOf(option.getValue(), tags);
                }
            }
            if (!tags.isEmpty()) {
                out.put(name + "." + field.getName(), tags);
            }
        }
        for (TypeElement nested : message.getNestedTypes()) {
            collectTags(nested, name + ".", out);
        }
    }

    /** Finds {@code tags} in the option's value: a map whose {@code tags} is a string or a list of them. */
    private static void tagsOf(Object value, Set<String> tags) {
        if (value instanceof OptionElement nested) {
            if ("tags".equals(nested.getName())) {
                addTagValues(nested.getValue(), tags);
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("tags".equals(String.valueOf(k))) {
                    addTagValues(v, tags);
                }
            });
        }
    }

    private static void addTagValues(Object v, Set<String> tags) {
        if (v instanceof Collection<?> list) {
            list.forEach(x -> addTagValues(x, tags));
        } else if (v != null) {
            String s = v.toString();
            tags.add(s.startsWith("\"") && s.endsWith("\"") && s.length() > 1 ? s.substring(1, s.length() - 1) : s);
        }
    }
}
