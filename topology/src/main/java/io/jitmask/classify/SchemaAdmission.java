package io.jitmask.classify;

import io.jitmask.policy.Policy;
import io.jitmask.registry.RegisteredSchema;
import io.jitmask.registry.RegistryException;
import io.jitmask.registry.RegistryUnavailableException;
import io.jitmask.registry.SchemaNotFoundException;
import io.jitmask.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Admits a writer schema to a dataset before any record written with it is masked: the schema id must be
 * registered under the dataset's subject ({@link SubjectNaming}), and the dataset's classification is brought up
 * to date with the subject's whole version history, soft-deleted versions included, so that what any version ever
 * tagged (or a policy path rule ever named) stays sensitive in every version. A renamed field (Avro alias) keeps
 * the classification of its former name.
 *
 * <p>Returns what the caller must write in its transaction: the classification records not yet on
 * {@code jit.classification}, and, the first time a schema version is seen, the classification difference for
 * its {@code SCHEMA_CHANGED} event. Fails closed: an id from another subject is {@link SchemaNotForDatasetException},
 * an unreadable history {@link ClassificationUnavailableException}; an unreachable registry is rethrown
 * ({@link RegistryUnavailableException}) so the record is retried.
 */
public final class SchemaAdmission {
    private final Policy policy;
    private final SchemaRegistryClient registry;
    private final ClassificationBook book;
    private final SubjectNaming naming;

    /** The schema's place in its subject and what must be written for it. */
    public record Admitted(String dataset, String subject, int version, int schemaId,
                           List<ClassificationBook.Entry> records, ClassificationDiff announce) {
        /** Whether this is the first sight of the version: a SCHEMA_CHANGED event is due. */
        public boolean isNewVersion() {
            return announce != null;
        }
    }

    public SchemaAdmission(Policy policy, SchemaRegistryClient registry, ClassificationBook book, SubjectNaming naming) {
        this.policy = policy;
        this.registry = registry;
        this.book = book;
        this.naming = naming;
    }

    public ClassificationBook book() {
        return book;
    }

    public Admitted admit(String dataset, int schemaId, Schema writer) {
        Policy.DatasetPolicy rules = policy.datasets().get(dataset);
        String subject = naming.subject(dataset, writer, rules);
        return admit(dataset, rules, subject, schemaId, history(dataset, subject, registry::history),
                version -> fieldsOf(dataset, version.schema()));
    }

    /**
     * Admits a JSON Schema or Protobuf writer schema already found under {@code subject}: the same monotonic
     * classification as Avro's, from every version's fields as {@code fieldsOfId} names them (by schema id).
     */
    public Admitted admit(String dataset, int schemaId, String subject,
                          java.util.function.IntFunction<Map<String, AvroFields.Field>> fieldsOfId) {
        return admit(dataset, policy.datasets().get(dataset), subject, schemaId,
                history(dataset, subject, registry::historyIds), version -> fieldsOfId.apply(version.id()));
    }

    private Admitted admit(String dataset, Policy.DatasetPolicy rules, String subject, int schemaId, List<RegisteredSchema> history,
                           java.util.function.Function<RegisteredSchema, Map<String, AvroFields.Field>> fieldsOf) {
        RegisteredSchema own = history.stream().filter(v -> v.id() == schemaId).findFirst()
                .orElseThrow(() -> new SchemaNotForDatasetException(dataset + ": schema id " + schemaId
                        + " is not registered under subject " + subject));
        List<ClassificationBook.Entry> records = new ArrayList<>();
        Map<String, AvroFields.Field> previous = Map.of();
        Map<String, AvroFields.Field> current = null;
        for (RegisteredSchema version : history) {
            Map<String, AvroFields.Field> fields = fieldsOf.apply(version);
            learn(dataset, rules, fields, records);
            if (version.version() < own.version()) {
                previous = fields;
            } else if (version.version() == own.version()) {
                current = fields;
            }
        }
        ClassificationDiff announce = null;
        if (!book.versionAnnounced(subject, own.version())) {
            announce = ClassificationDiff.between(previous, current, path -> keptByHistory(dataset, rules, path));
            records.add(ClassificationBook.versionEntry(dataset, subject, own.version(), schemaId));
        }
        return new Admitted(dataset, subject, own.version(), schemaId, List.copyOf(records), announce);
    }

    /** Every version of the subject, soft-deleted ones included, oldest first; empty when the subject does not exist. */
    private List<RegisteredSchema> history(String dataset, String subject,
                                           java.util.function.Function<String, List<RegisteredSchema>> read) {
        try {
            List<RegisteredSchema> all = new ArrayList<>(read.apply(subject));
            all.sort(Comparator.comparingInt(RegisteredSchema::version));
            return all;
        } catch (SchemaNotFoundException e) {
            return List.of();
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RegistryException e) {
            throw new ClassificationUnavailableException(dataset + ": the history of subject " + subject
                    + " cannot be read (registry error " + e.errorCode() + ")");
        }
    }

    private static Map<String, AvroFields.Field> fieldsOf(String dataset, Schema schema) {
        try {
            return AvroFields.of(schema);
        } catch (io.jitmask.mask.UncoveredFieldException e) {
            throw new io.jitmask.mask.UncoveredFieldException(dataset + ": " + e.getMessage());
        }
    }

    /** Adds what one version declares (tags, path rules, former names) to the book; collects what is not durable yet. */
    private void learn(String dataset, Policy.DatasetPolicy rules, Map<String, AvroFields.Field> fields,
                       List<ClassificationBook.Entry> records) {
        Map<String, ClassifiedField> declared = new LinkedHashMap<>();
        for (AvroFields.Field field : fields.values()) {
            if (!field.tags().isEmpty()) {
                declared.merge(field.path(), new ClassifiedField(dataset, field.path(), field.tags(), null), ClassifiedField::merge);
            }
            Policy.FieldRule rule = rules == null ? null : rules.fields().get(field.path());
            if (rule != null) {
                declared.merge(field.path(), new ClassifiedField(dataset, field.path(), rule.tags(), rule.technique()), ClassifiedField::merge);
            }
            for (String former : field.formerPaths()) {
                ClassifiedField known = book.field(dataset, former);
                if (known != null && (rules == null || rules.declassification(former) == null)) {
                    declared.merge(field.path(), new ClassifiedField(dataset, field.path(), known.tags(), known.technique()), ClassifiedField::merge);
                }
            }
        }
        for (ClassifiedField field : declared.values()) {
            book.merge(field);
            for (ClassificationBook.Entry entry : ClassificationBook.entriesOf(field)) {
                if (!book.isDurable(entry.key()) && records.stream().noneMatch(r -> r.key().equals(entry.key()))) {
                    records.add(entry);
                }
            }
        }
    }

    private boolean keptByHistory(String dataset, Policy.DatasetPolicy rules, String path) {
        return book.field(dataset, path) != null && (rules == null || rules.declassification(path) == null);
    }
}
