package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import org.apache.avro.Schema;

/** A masking technique: compiles a {@link FieldMasker} for one leaf schema (not a union, array or map). */
interface Technique {
    FieldMasker compile(Schema leaf, Options options, Keyset keyset);

    /** A string with Avro's uuid logical type: whatever replaces it must still be a UUID. */
    static boolean isUuid(Schema leaf) {
        return leaf.getType() == Schema.Type.STRING
                && (leaf.getLogicalType() instanceof org.apache.avro.LogicalTypes.Uuid || "uuid".equals(leaf.getProp("logicalType")));
    }

    /** A plain string (no logical type): what text techniques work on. */
    static boolean isText(Schema leaf) {
        return leaf.getType() == Schema.Type.STRING && !isUuid(leaf);
    }

    /** Units of a timestamp (UTC or local; milli-, micro- or nanoseconds) per millisecond; 0 when not a timestamp. */
    static long unitsPerMilli(Schema leaf) {
        if (leaf.getType() != Schema.Type.LONG) {
            return 0;
        }
        org.apache.avro.LogicalType logical = leaf.getLogicalType();
        if (logical instanceof org.apache.avro.LogicalTypes.TimestampMillis || logical instanceof org.apache.avro.LogicalTypes.LocalTimestampMillis) {
            return 1;
        }
        if (logical instanceof org.apache.avro.LogicalTypes.TimestampMicros || logical instanceof org.apache.avro.LogicalTypes.LocalTimestampMicros) {
            return 1_000;
        }
        if (logical instanceof org.apache.avro.LogicalTypes.TimestampNanos || logical instanceof org.apache.avro.LogicalTypes.LocalTimestampNanos) {
            return 1_000_000;
        }
        return 0;
    }

    static MaskingConfigException unsupported(Options options, Schema leaf) {
        String logical = leaf.getLogicalType() == null ? "" : " (" + leaf.getLogicalType().getName() + ")";
        return new UnsupportedTypeException(options.error("cannot mask a field of type " + leaf.getType().getName() + logical).getMessage());
    }
}
