package io.jitmask.mask;

import com.fasterxml.jackson.databind.JsonNode;
/** Masks one JSON value (a Jackson tree); never mutates its input. {@code root}: the record being masked. */
@FunctionalInterface
interface JsonMasker {
    JsonNode mask(JsonNode value, JsonWalk root);

    /** Applies two maskers one after the other (allOf/anyOf/oneOf branches each mask what they know). */
    static JsonMasker both(JsonMasker first, JsonMasker second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return (value, root) -> second.mask(first.mask(value, root), root);
    }
}
