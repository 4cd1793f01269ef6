package io.jitmask.mask;

import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The top-level fields of a JSON or Protobuf record seen as the {@code root} a {@link FieldMasker} gets, so that
 * techniques keyed by an entity (a date shift per {@code entityField}) work the same in every format. Read-only.
 */
final class EntityFields implements GenericRecord {
    private final Function<String, Object> field;

    EntityFields(Function<String, Object> field) {
        this.field = field;
    }

    @Override
    public boolean hasField(String key) {
        return field.apply(key) != null;
    }

    @Override
    public Object get(String key) {
        return field.apply(key);
    }

    @Override
    public void put(String key, Object v) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void put(int i, Object v) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public Object get(int i) {
        throw new UnsupportedOperationException("by name only");
    }

    @Override
    public Schema getSchema() {
        return null;
    }
}
