package io.jitmask.grants;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jitmask.audit.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The signed events held for a request waiting for admission (store {@code grant-held-events}, key requestId): the
 * events as received, in order. Signed approval events carry names, ids and justifications, never a field value.
 */
final class HeldEvents {
    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };

    private HeldEvents() {
    }

    static byte[] toBytes(List<String> events) {
        try {
            return AuditEvent.MAPPER.writeValueAsBytes(events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> fromBytes(byte[] bytes) {
        try {
            return AuditEvent.MAPPER.readValue(bytes, LIST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
