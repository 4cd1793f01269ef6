package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import javax.crypto.Mac;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Shifts a date or timestamp by a keyed, deterministic number of days in [-maxDays, +maxDays] (default 30). With
 * {@code entityField} (a top-level field, e.g. {@code customerId}) every date of one entity moves by the same offset,
 * so intervals between them (admission to discharge) stay true; without it the offset depends on the value.
 */
final class ShiftDateTechnique implements Technique {
    static final String PURPOSE = "jitmask/date-shift/v1";

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        int maxDays = options.integer("maxDays", 30, 1, 3650);
        String entityField = options.string("entityField", null);
        Keyset.Key key = keyset.primary();
        ThreadLocal<Mac> mac = ThreadLocal.withInitial(() -> key.mac(PURPOSE));
        var logical = leaf.getLogicalType();
        java.util.function.BiFunction<Object, GenericRecord, Long> offsetDays = (value, root) -> {
            Object entity = entityField != null && root != null && root.hasField(entityField) ? root.get(entityField) : value;
            long h = ByteBuffer.wrap(mac.get().doFinal(String.valueOf(entity).getBytes(StandardCharsets.UTF_8))).getLong();
            long span = 2L * maxDays + 1;
            long days = Math.floorMod(h, span) - maxDays;
            return days == 0 ? 1 : days;
        };
        if (leaf.getType() == Schema.Type.INT && logical instanceof LogicalTypes.Date) {
            return (value, root) -> (int) ((Integer) value + offsetDays.apply(value, root));
        }
        long perMilli = Technique.unitsPerMilli(leaf);
        if (perMilli > 0) {
            String where = options.where();
            return (value, root) -> {
                try {
                    return Math.addExact((Long) value, Math.multiplyExact(offsetDays.apply(value, root), 86_400_000L * perMilli));
                } catch (ArithmeticException e) {
                    throw new MaskingException(where + ": shifted timestamp out of range");
                }
            };
        }
        if (Technique.isText(leaf)) {
            String where = options.where();
            return (value, root) -> {
                String text = value.toString();
                try {
                    LocalDate date = LocalDate.parse(text.substring(0, Math.min(10, text.length())));
                    return date.plusDays(offsetDays.apply(value, root)) + text.substring(Math.min(10, text.length()));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new MaskingException(where + ": value is not an ISO-8601 date");
                }
            };
        }
        throw Technique.unsupported(options, leaf);
    }
}
