package io.jitmask.mask;

/** Masking compiled for one schema and one set of clear paths. Thread-safe and reusable. */
@FunctionalInterface
public interface MaskPlan {
    /** A masked copy of the datum; never mutates its input. */
    Object apply(Object datum);
}
