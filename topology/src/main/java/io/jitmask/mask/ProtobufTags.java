package io.jitmask.mask;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the tags of a Protobuf field from Confluent's {@code (confluent.field_meta).tags} option
 * ({@code confluent/meta.proto}: {@code extend google.protobuf.FieldOptions { Meta field_meta = 1088; }},
 * {@code message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }}). The option is
 * found in the schema text's inline tags, and in the descriptor whether it was built with the extension known (an extension field named
 * {@code confluent.field_meta}) or not (unknown field 1088 of the options, read here from its wire bytes).
 */
public final class ProtobufTags {
    static final int FIELD_META = 1088;
    private static final int META_TAGS = 3;

    private ProtobufTags() {
    }

    /**
     * @param inline tags by full field name ({@code pkg.Message.field}) as the schema text declares them, for
     *     descriptors built without their options (the registry's parser keeps options out of the descriptor)
     */
    public static Set<String> of(Descriptors.FieldDescriptor field, Map<String, Set<String>> inline, String where) {
        Set<String> tags = new LinkedHashSet<>(inline.getOrDefault(field.getFullName(), Set.of()));
        for (Map.Entry<Descriptors.FieldDescriptor, Object> option : field.getOptions().getAllFields().entrySet()) {
            if (option.getKey().isExtension() && option.getKey().getNumber() == FIELD_META
                    && option.getValue() instanceof Message meta) {
                meta.getAllFields().forEach((f, v) -> {
                    if (f.getNumber() == META_TAGS && v instanceof List<?> list) {
                        list.forEach(t -> tags.add(t.toString()));
                    }
                });
            }
        }
        UnknownFieldSet.Field unknown = field.getOptions().getUnknownFields().getField(FIELD_META);
        if (unknown != null) {
            for (ByteString meta : unknown.getLengthDelimitedList()) {
                try {
                    UnknownFieldSet parsed = UnknownFieldSet.parseFrom(meta);
                    UnknownFieldSet.Field declared = parsed.getField(META_TAGS);
                    if (declared != null) {
                        declared.getLengthDelimitedList().forEach(t -> tags.add(t.toStringUtf8()));
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new UncoveredFieldException(where + " has a confluent.field_meta option that cannot be read");
                }
            }
        }
        return tags;
    }
}
