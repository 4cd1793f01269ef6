package io.jitmask.classify;

import io.jitmask.config.Topics;
import io.jitmask.policy.Policy;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;

/**
 * Which registry subject a raw record's writer schema must be registered under for the record to belong to its
 * dataset. {@code topic} (Confluent's TopicNameStrategy, the default): {@code raw.<dataset>-value}. {@code record}
 * (RecordNameStrategy): the writer schema's full name, which must also be one of the dataset's {@code subjects} in
 * the policy, so a producer cannot bring a record type of its own.
 */
public enum SubjectNaming {
    TOPIC, RECORD;

    public static SubjectNaming parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.jitmask.config.ConfigException("subject name strategy must be 'topic' or 'record', got '" + name + "'");
        }
    }

    /** The subject the schema must be registered under, or a refusal when no subject of the dataset can hold it. */
    public String subject(String dataset, Schema writer, Policy.DatasetPolicy rules) {
        if (this == TOPIC) {
            return Topics.raw(dataset) + "-value";
        }
        String name = writer.getType() == Schema.Type.RECORD ? writer.getFullName() : null;
        List<String> allowed = rules == null ? List.of() : rules.subjects();
        if (name == null || !allowed.contains(name)) {
            throw new SchemaNotForDatasetException(dataset + ": writer schema " + (name == null ? "of type " + writer.getType() : name)
                    + " is not one of the dataset's subjects " + allowed + " (RecordNameStrategy)");
        }
        return name;
    }
}
