package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import org.apache.avro.Schema;

/** A masking technique: compiles a {@link FieldMasker} for one leaf schema (not a union, array or map). */
interface Technique {
    FieldMasker compile(Schema leaf, Options options, Keyset keyset);

    static MaskingConfigException unsupported(Options options, Schema leaf) {
        String logical = leaf.getLogicalType() == null ? "" : " (" + leaf.getLogicalType().getName() + ")";
        return new UnsupportedTypeException(options.error("cannot mask a field of type " + leaf.getType().getName() + logical).getMessage());
    }
}
