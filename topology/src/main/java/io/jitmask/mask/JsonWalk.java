package io.jitmask.mask;

import org.apache.avro.generic.GenericRecord;

/**
 * The state of masking one JSON record: its top-level fields (the {@code root} a {@link FieldMasker} gets) and
 * whether every value the plan rewrote is proven valid against its own schema node (its type, and the constraints
 * {@link JsonConstraints} fitted it to). A rewritten value that is not (a type the schema does not declare, a
 * constraint no candidate fits, an {@code enum} on an object) marks the record unproven, and the record is then
 * validated whole. Not shared between records.
 */
final class JsonWalk {
    private final GenericRecord root;
    private boolean unproven;

    JsonWalk(GenericRecord root) {
        this.root = root;
    }

    GenericRecord root() {
        return root;
    }

    void unproven() {
        unproven = true;
    }

    boolean proven() {
        return !unproven;
    }
}
