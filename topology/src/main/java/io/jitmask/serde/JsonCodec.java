package io.jitmask.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads and writes JSON record values: plain (no framing) or in Confluent's JSON Schema wire format (magic byte 0,
 * 4-byte schema id, then the UTF-8 JSON document). Reading is strict: one JSON value, nothing after it, no duplicate
 * property names (which would let a producer hide a second value behind the one a validator saw), nesting and sizes
 * within Jackson's limits. Errors name the defect, never the content.
 */
public final class JsonCodec {
    /** Deeper documents are refused: the masking walk recurses per level. */
    static final int MAX_DEPTH = 200;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    private JsonCodec() {
    }

    /** A plain JSON value (no framing). */
    public static JsonNode readPlain(byte[] bytes) {
        return read(bytes, 0, "JSON value");
    }

    /** The JSON document of a Confluent-framed JSON Schema value (after the 5-byte header). */
    public static JsonNode readFramed(byte[] bytes, int schemaId) {
        return read(bytes, WireFormat.HEADER_SIZE, "JSON value for schema id " + schemaId);
    }

    private static JsonNode read(byte[] bytes, int offset, String what) {
        if (bytes.length - offset == 0) {
            throw new MalformedRecordException(what + " is empty");
        }
        try (JsonParser parser = JSON.getFactory().createParser(bytes, offset, bytes.length - offset)) {
            JsonNode node = JSON.readTree(parser);
            if (node == null || parser.nextToken() != null && parser.currentToken() != JsonToken.NOT_AVAILABLE) {
                throw new MalformedRecordException(what + " is not exactly one JSON value");
            }
            return node;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            // Jackson's messages quote the input: keep only the kind of error.
            throw new MalformedRecordException("malformed " + what + " (" + e.getClass().getSimpleName() + ")");
        } catch (StackOverflowError e) {
            throw new MalformedRecordException(what + " nests too deeply");
        }
    }

    public static byte[] writePlain(JsonNode value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    public static byte[] writeFramed(int schemaId, JsonNode value) {
        byte[] body = writePlain(value);
        byte[] out = new byte[WireFormat.HEADER_SIZE + body.length];
        System.arraycopy(WireFormat.header(schemaId), 0, out, 0, WireFormat.HEADER_SIZE);
        System.arraycopy(body, 0, out, WireFormat.HEADER_SIZE, body.length);
        return out;
    }
}
