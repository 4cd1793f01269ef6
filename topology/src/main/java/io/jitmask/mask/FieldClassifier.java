package io.jitmask.mask;

import java.util.Set;

/**
 * Decides, for one field of one dataset, whether it is sensitive and with which technique: format-neutral, so Avro,
 * JSON Schema, Protobuf and plain JSON records are classified by the same rules. A field is named by its dotted path
 * (record/object/message field names; array elements and map values keep the path of their field) and carries the
 * tags its schema declares ({@code confluent:tags} in Avro and JSON Schema, {@code (confluent.field_meta).tags} in
 * Protobuf; none for plain JSON).
 */
public interface FieldClassifier {

    /**
     * The technique masking the field, or null when it passes in clear.
     *
     * @throws UncoveredFieldException the field is sensitive but the policy gives it no technique (fail closed)
     */
    io.jitmask.policy.TechniqueSpec techniqueFor(String dataset, String path, Set<String> schemaTags);

    /**
     * The technique of a field that {@link #techniqueFor} left clear but that the dataset masks by default
     * ({@code defaultDeny} mode, not listed public); null when it passes in clear. Applies to values: a field holding
     * objects or messages is walked, and its fields are classified in turn.
     */
    io.jitmask.policy.TechniqueSpec defaultFor(String dataset, String path);

    /** Whether the policy names a path at or below this prefix ({@code "a.b."}), so an untyped walk must go down there. */
    boolean hasRulesUnder(String dataset, String prefix);

    /** Changes whenever the classification grows (a new schema version taught it a path): plans compiled before are stale. */
    default long generation() {
        return 0;
    }

    /** Whether fields no schema describes are masked (default-deny): then every unknown field is classified too. */
    boolean masksUnknownFields(String dataset);
}
