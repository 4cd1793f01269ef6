package io.jitmask.mask;

import org.apache.avro.generic.GenericRecord;

/**
 * The state of masking one JSON record: its top-level fields (the {@code root} a {@link FieldMasker} gets) and
 * whether every value the plan rewrote is proven valid against its own schema node (its type, and the constraints
 * {@link JsonConstraints} fitted it to). A rewritten value that is not (a type the schema does not declare, a
 * constraint no candidate fits, an {@code enum} on an object) marks the record unproven, and then the top-level
 * properties holding such values are validated, or the record whole ({@link JsonMaskPlanner.Masked#validate}). Not
 * shared between records.
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
            unprovenProperties = new java.util.LinkedHashSet<>();
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

    /** Whether every unproven rewritten value lies inside a top-level property (none is the record itself, say). */
    boolean unprovenOnlyInProperties() {
        return !unproven;
    }

    /** The top-level properties holding an unproven rewritten value, in the order met. */
    java.util.Set<String> unprovenProperties() {
        return unprovenProperties == null ? java.util.Set.of() : unprovenProperties;
    }
}
