package io.jitmask.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every {@link ParsedSchema} keeps as it was given: its text, references and their resolved texts. */
abstract class ParsedSchemaBase {
    private final String text;
    private final List<SchemaReference> references;
    private final Map<String, String> resolved;

    ParsedSchemaBase(String text, List<SchemaReference> references, Map<String, String> resolved) {
        this.text = text;
        this.references = List.copyOf(references);
        this.resolved = Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }

    public String text() {
        return text;
    }

    public List<SchemaReference> references() {
        return references;
    }

    public Map<String, String> resolvedReferences() {
        return resolved;
    }
}
