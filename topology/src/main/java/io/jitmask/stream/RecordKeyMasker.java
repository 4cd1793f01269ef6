package io.jitmask.stream;

import io.jitmask.mask.MaskEngine;
import io.jitmask.serde.AvroCodec;
import io.jitmask.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Masks record keys. A key framed in the Confluent wire format is masked by its writer schema's format: an Avro key by
 * the dataset's key plan, a JSON Schema or Protobuf key (registered under {@code raw.<dataset>-key}) by the same
 * classification as the dataset's values; any other key is a UTF-8 string, masked when the dataset's policy declares
 * keys sensitive.
 */
final class RecordKeyMasker {
    /** The masked key bytes, and the key as a string for grant filters. */
    record MaskedKey(byte[] masked, String filterKey) {
    }

    private final MaskEngine engine;
    private final AvroCodec codec;
    private final MaskedSchemaIds maskedIds;
    private final RecordValues typed;

    RecordKeyMasker(MaskEngine engine, AvroCodec codec, MaskedSchemaIds maskedIds, RecordValues typed) {
        this.engine = engine;
        this.codec = codec;
        this.maskedIds = maskedIds;
        this.typed = typed;
    }

    MaskedKey mask(String dataset, byte[] key) {
        if (key == null) {
            return new MaskedKey(null, null);
        }
        if (WireFormat.isFramed(key)) {
            RecordValues.Value typedKey;
            try {
                typedKey = typed.decodeTypedKey(dataset, key);
            } catch (io.jitmask.serde.MalformedRecordException e) {
                // The codecs speak of values; the dead letter must say it was the key (the message carries no bytes).
                throw new io.jitmask.serde.MalformedRecordException("record key: " + e.getMessage(), e);
            }
            if (typedKey != null) {
                return new MaskedKey(typed.maskKey(dataset, typedKey), KeyFilterText.of(typedKey));
            }
            AvroCodec.Decoded decoded = codec.decode(key);
            Object masked = engine.keyPlan(dataset, decoded.schemaId(), decoded.schema(), Set.of()).apply(decoded.datum());
            int maskedId = maskedIds.keyId(dataset, decoded.schemaId(), decoded.schema());
            return new MaskedKey(codec.encode(maskedId, decoded.schema(), masked), String.valueOf(decoded.datum()));
        }
        String clear = new String(key, StandardCharsets.UTF_8);
        String masked = engine.maskStringKey(dataset, clear);
        return new MaskedKey(masked.equals(clear) ? Arrays.copyOf(key, key.length) : masked.getBytes(StandardCharsets.UTF_8), clear);
    }

    /**
     * The key as grant filters see it, without masking it when that is not needed: a plain key is its UTF-8 string;
     * a framed key is decoded (and masked) as {@link #mask} does, so it fails alike. The lookback catch-up reads every
     * record of a window for the filters and copies few of them.
     */
    String filterKey(String dataset, byte[] key) {
        if (key == null) {
            return null;
        }
        return WireFormat.isFramed(key) ? mask(dataset, key).filterKey() : new String(key, StandardCharsets.UTF_8);
    }
}
