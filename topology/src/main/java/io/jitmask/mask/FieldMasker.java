package io.jitmask.mask;

import org.apache.avro.generic.GenericRecord;

/**
 * Masks one value of one field. Compiled once for the field's schema and technique, so nothing is looked up per
 * record. {@code root} is the top-level record the value belongs to, for techniques that mask consistently per
 * entity (e.g. a date shift keyed by the customer id); null when there is none.
 */
@FunctionalInterface
public interface FieldMasker {
    Object mask(Object value, GenericRecord root);
}
