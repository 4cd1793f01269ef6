package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Replaces a value by a constant of the same type: {@code "REDACTED"} (or option {@code value}) for strings, zero for
 * numbers, dates and decimals (keeping the scale), false, empty bytes, zeroed fixed, the first enum symbol (or option
 * {@code symbol}), the nil UUID, and for a record every field redacted.
 */
final class RedactTechnique implements Technique {
    static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        String text = options.string("value", "REDACTED");
        String symbol = options.string("symbol", null);
        Object constant = constant(leaf, text, symbol, options);
        return (value, root) -> constant;
    }

    private static Object constant(Schema schema, String text, String symbol, Options options) {
        switch (schema.getType()) {
            case STRING:
                return schema.getLogicalType() instanceof LogicalTypes.Uuid || "uuid".equals(schema.getProp("logicalType")) ? NIL_UUID : text;
            case INT:
                return 0;
            case LONG:
                return 0L;
            case FLOAT:
                return 0f;
            case DOUBLE:
                return 0d;
            case BOOLEAN:
                return false;
            case NULL:
                return null;
            case BYTES:
                if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
                    return new Conversions.DecimalConversion().toBytes(BigDecimal.ZERO.setScale(decimal.getScale()), schema, decimal);
                }
                return ByteBuffer.wrap(new byte[0]);
            case FIXED:
                return new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case ENUM:
                String chosen = symbol == null ? schema.getEnumSymbols().get(0) : symbol;
                if (!schema.getEnumSymbols().contains(chosen)) {
                    throw options.error("option 'symbol' is '" + chosen + "', not a symbol of enum " + schema.getFullName());
                }
                return new GenericData.EnumSymbol(schema, chosen);
            case RECORD:
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), constant(nonNull(field.schema()), text, null, options));
                }
                return record;
            case ARRAY:
                return new GenericData.Array<>(0, schema);
            case MAP:
                return Map.of();
            case UNION:
                return constant(nonNull(schema), text, symbol, options);
            default:
                throw Technique.unsupported(options, schema);
        }
    }

    /** The first non-null branch of a union (a nullable nested field redacts to a constant, not to null). */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> branches = new ArrayList<>(schema.getTypes());
        return branches.stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(branches.get(0));
    }
}
