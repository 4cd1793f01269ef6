package io.jitmask.grants;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON form of {@link Grant} on {@code jit.grants}. */
public final class GrantJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private GrantJson() {
    }

    public static byte[] toBytes(Grant grant) {
        try {
            return MAPPER.writeValueAsBytes(grant);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a grant (the message names no content) */
    public static Grant fromBytes(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, Grant.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid grant (" + e.getClass().getSimpleName() + ")");
        }
    }
}
