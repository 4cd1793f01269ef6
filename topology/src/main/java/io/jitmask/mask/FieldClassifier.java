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

    /** Whether the policy names a path at or below this prefix ({@code "a.b."}), so an untyped walk must go down there. */
    boolean hasRulesUnder(String dataset, String prefix);

    /** Whether fields no schema describes are masked (default-deny): then every unknown field is classified too. */
    boolean masksUnknownFields(String dataset);
}
