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
 * with size 10; an amount 1234.56 becomes 1000.00 with size 1000), or with {@code mode: nearest} rounds it to the
 * nearest multiple of {@code size} (halves away from zero: 1500 becomes 2000). Decimals keep their scale.
 */
final class BucketTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        double size = options.number("size", Double.NaN);
        if (!(size > 0)) {
            throw options.error("needs a positive option 'size'");
        }
        boolean nearest = "nearest".equals(options.oneOf("mode", "floor", java.util.Set.of("floor", "nearest")));
        RoundingMode rounding = nearest ? RoundingMode.HALF_UP : RoundingMode.FLOOR;
        BigDecimal width = BigDecimal.valueOf(size);
        if (leaf.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
            if (leaf.getType() == Schema.Type.BYTES) {
                return (value, root) -> conversion.toBytes(bucket(conversion.fromBytes(((ByteBuffer) value).duplicate(), leaf, decimal),
                        width, decimal.getScale(), rounding), leaf, decimal);
            }
            return (value, root) -> conversion.toFixed(bucket(conversion.fromFixed((GenericFixed) value, leaf, decimal),
                    width, decimal.getScale(), rounding), leaf, decimal);
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
                return (value, root) -> (int) bucket((long) (Integer) value, whole, nearest);
            case LONG:
                if (!integral) {
                    throw options.error("on a whole-number field needs a whole-number 'size'");
                }
                return (value, root) -> bucket((Long) value, whole, nearest);
            case FLOAT:
                return (value, root) -> (float) bucket((double) (Float) value, size, nearest);
            case DOUBLE:
                return (value, root) -> bucket((Double) value, size, nearest);
            default:
                throw Technique.unsupported(options, leaf);
        }
    }

    static BigDecimal bucket(BigDecimal value, BigDecimal width, int scale, RoundingMode rounding) {
        return value.divide(width, 0, rounding).multiply(width).setScale(scale, rounding);
    }

    static long bucket(long value, long width, boolean nearest) {
        if (!nearest) {
            return Math.floorDiv(value, width) * width;
        }
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(width), 0, RoundingMode.HALF_UP).longValue() * width;
    }

    static double bucket(double value, double width, boolean nearest) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return 0d;
        }
        return (nearest ? Math.signum(value) * Math.floor(Math.abs(value) / width + 0.5) : Math.floor(value / width)) * width;
    }
}
