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
    /** The top-level property being masked (null: none); unproven values are counted against it. */
    private String property;
    private java.util.Set<String> unprovenProperties;

    JsonWalk(GenericRecord root) {
        this.root = root;
    }

    GenericRecord root() {
        return root;
    }

    void unproven() {
        if (property == null) {
            unproven = true;
            return;
        }
        if (unprovenProperties == null) {
            unprovenProperties = new java.util.HashSet<>();
        }
        unprovenProperties.add(property);
    }

    /** Enters ({@code name}) or leaves ({@code null}) a top-level property. */
    void at(String name) {
        property = name;
    }

    /** Whether every rewritten value is proven, but those of the given top-level properties (validated anyway). */
    boolean provenOutside(java.util.Set<String> validated) {
        return !unproven && (unprovenProperties == null || validated.containsAll(unprovenProperties));
    }

    boolean proven() {
        return provenOutside(java.util.Set.of());
    }
}
