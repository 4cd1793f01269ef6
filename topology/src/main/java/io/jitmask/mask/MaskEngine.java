package io.jitmask.mask;

import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Turns a policy and a keyset into mask plans. Plans are compiled once per (schema id, clear paths) and cached,
 * so nothing on the per-record path looks up the policy.
 */
public interface MaskEngine {

    /**
     * Plan masking every sensitive field of a value written with this schema, except {@code clearPaths}
     * (the fields a grant unmasks; empty for {@code masked.*}).
     *
     * @throws UncoveredFieldException a tagged field has no technique in the policy (fail closed)
     */
    MaskPlan valuePlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths);

    /** Same for an Avro record key. */
    MaskPlan keyPlan(String dataset, int schemaId, Schema schema, Set<String> clearPaths);

    /** Masks a plain string record key if the dataset's policy declares keys sensitive; returns it unchanged otherwise. */
    String maskStringKey(String dataset, String key);

    /** Sensitive field paths of a schema and their tags, for request validation and the approver's view. */
    Map<String, Set<String>> sensitiveFields(String dataset, Schema schema);

    /** The masking of JSON Schema, Protobuf and plain JSON records, by the same policy and keys. */
    FormatMasking formats();
}
