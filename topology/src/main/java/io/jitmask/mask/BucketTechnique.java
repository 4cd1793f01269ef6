package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;

/**
 * Generalises a number to the lower bound of its bucket of width {@code size} (e.g. ages 37 and 39 both become 30
 * with size 10; an amount 1234.56 becomes 1000.00 with size 1000). Decimals keep their scale.
 */
final class BucketTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        double size = options.number("size", Double.NaN);
        if (!(size > 0)) {
            throw options.error("needs a positive option 'size'");
        }
        BigDecimal width = BigDecimal.valueOf(size);
        if (leaf.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
            if (leaf.getType() == Schema.Type.BYTES) {
                return (value, root) -> conversion.toBytes(bucket(conversion.fromBytes(((ByteBuffer) value).duplicate(), leaf, decimal),
                        width, decimal.getScale()), leaf, decimal);
            }
            return (value, root) -> conversion.toFixed(bucket(conversion.fromFixed((GenericFixed) value, leaf, decimal),
                    width, decimal.getScale()), leaf, decimal);
        }
        if (leaf.getLogicalType() != null) {
            throw Technique.unsupported(options, leaf);
        }
        long whole = (long) size;
        boolean integral = whole == size;
        switch (leaf.getType()) {
            case INT:
                if (!integral) {
                    throw options.error("on a whole-number field needs a whole-number 'size'");
                }
                return (value, root) -> (int) (Math.floorDiv((long) (Integer) value, whole) * whole);
            case LONG:
                if (!integral) {
                    throw options.error("on a whole-number field needs a whole-number 'size'");
                }
                return (value, root) -> Math.floorDiv((Long) value, whole) * whole;
            case FLOAT:
                return (value, root) -> (float) (Math.floor((Float) value / size) * size);
            case DOUBLE:
                return (value, root) -> Math.floor((Double) value / size) * size;
            default:
                throw Technique.unsupported(options, leaf);
        }
    }

    static BigDecimal bucket(BigDecimal value, BigDecimal width, int scale) {
        return value.divide(width, 0, RoundingMode.FLOOR).multiply(width).setScale(scale, RoundingMode.FLOOR);
    }
}
