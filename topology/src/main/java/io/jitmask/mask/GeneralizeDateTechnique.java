package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Generalises a date or timestamp to the first day (midnight UTC) of its month ({@code to: month}, default) or year
 * ({@code to: year}). Works on {@code date}, every {@code timestamp-*} and {@code local-timestamp-*} and ISO-8601
 * strings ({@code 1985-06-15...} becomes {@code 1985-06-01}).
 */
final class GeneralizeDateTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        boolean toYear = "year".equals(options.oneOf("to", "month", Set.of("month", "year")));
        var logical = leaf.getLogicalType();
        if (leaf.getType() == Schema.Type.INT && logical instanceof LogicalTypes.Date) {
            return (value, root) -> (int) generalize(LocalDate.ofEpochDay((Integer) value), toYear).toEpochDay();
        }
        long perMilli = Technique.unitsPerMilli(leaf);
        if (perMilli > 0) {
            return (value, root) -> startOfDay(generalize(dateOfMillis(Math.floorDiv((Long) value, perMilli)), toYear)).toEpochMilli() * perMilli;
        }
        if (Technique.isText(leaf)) {
            String where = options.where();
            return (value, root) -> {
                String text = value.toString();
                try {
                    return generalize(LocalDate.parse(text.substring(0, Math.min(10, text.length()))), toYear).toString();
                } catch (DateTimeParseException e) {
                    throw new MaskingException(where + ": value is not an ISO-8601 date");
                }
            };
        }
        throw Technique.unsupported(options, leaf);
    }

    static LocalDate generalize(LocalDate date, boolean toYear) {
        return toYear ? date.withDayOfYear(1) : date.withDayOfMonth(1);
    }

    static LocalDate dateOfMillis(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    static Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
