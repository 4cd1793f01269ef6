package io.jitmask.stream;

import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import io.jitmask.mask.MaskEngine;
import io.jitmask.registry.SchemaRegistryClient;
import io.jitmask.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.util.Set;
import org.apache.kafka.common.header.Headers;

/**
 * Builds the copy of one raw record for one grant: the granted fields clear, every other field masked, the key as
 * the grant may see it, the allow-listed headers plus the source coordinates. The live path and the lookback
 * catch-up both copy through here, so a record looks the same on a grant topic whichever of them copied it.
 *
 * <p>Not thread-safe (it owns an {@link AvroCodec}): one per stream task.
 */
public final class GrantCopier {
    /** A copy ready to write: key and value bytes. */
    public record Copy(Grant grant, byte[] key, byte[] value) {
    }

    private final RecordValues values;
    private final RecordKeyMasker keys;
    private final HeaderFilter headers;

    public GrantCopier(MaskEngine engine, SchemaRegistryClient registry, MaskedSchemaIds maskedIds, HeaderFilter headers) {
        this.values = new RecordValues(engine, registry, maskedIds);
        this.keys = new RecordKeyMasker(engine, new AvroCodec(registry), maskedIds, values);
        this.headers = headers;
    }

    RecordValues values() {
        return values;
    }

    RecordKeyMasker keys() {
        return keys;
    }

    /** The copy of an already decoded record for a grant that matches it. */
    Copy copy(Grant grant, String dataset, byte[] rawKey, RecordKeyMasker.MaskedKey key, RecordValues.Value decoded) {
        // A grant limited to named keys reveals them anyway; any other grant sees keys as masked consumers do.
        byte[] copyKey = grant.filter() instanceof GrantFilter.Keys ? rawKey : key.masked();
        return new Copy(grant, copyKey, values.mask(dataset, decoded, grant.clearPaths()));
    }

    /**
     * The copy of a raw record for one grant, or null when the grant's filter does not match it or it is a
     * tombstone (which carries nothing to reveal).
     *
     * @throws RuntimeException as the masking path would for the same record (malformed, unknown schema, ...)
     */
    public Copy copyIfMatching(Grant grant, String dataset, byte[] rawKey, byte[] rawValue) {
        if (rawValue == null) {
            return null;
        }
        RecordKeyMasker.MaskedKey key = keys.mask(dataset, rawKey);
        if (!grant.filter().matches(key.filterKey())) {
            return null;
        }
        return copy(grant, dataset, rawKey, key, values.decode(dataset, rawValue));
    }

    /**
     * The copies of one raw record for each of {@code grants} whose filter matches it, decoding it once (the lookback
     * catch-up serves every pending grant from one read). Empty for a tombstone.
     *
     * @throws RuntimeException as the masking path would for the same record (malformed, unknown schema, ...)
     */
    public java.util.Map<Grant, Copy> copiesIfMatching(java.util.List<Grant> grants, String dataset, byte[] rawKey,
                                                       byte[] rawValue) {
        java.util.Map<Grant, Copy> out = new java.util.IdentityHashMap<>();
        if (rawValue == null) {
            return out;
        }
        RecordKeyMasker.MaskedKey key = keys.mask(dataset, rawKey);
        RecordValues.Value decoded = null;
        for (Grant grant : grants) {
            if (grant.filter().matches(key.filterKey())) {
                decoded = decoded == null ? values.decode(dataset, rawValue) : decoded;
                out.put(grant, copy(grant, dataset, rawKey, key, decoded));
            }
        }
        return out;
    }

    /** The headers of a copy: the raw record's allow-listed ones and where it came from. */
    public Headers headers(Headers raw, int sourcePartition, long sourceOffset) {
        return headers.filter(raw)
                .add(MaskingProcessor.SOURCE_PARTITION_HEADER, ByteBuffer.allocate(4).putInt(sourcePartition).array())
                .add(MaskingProcessor.SOURCE_OFFSET_HEADER, ByteBuffer.allocate(8).putLong(sourceOffset).array());
    }
}
