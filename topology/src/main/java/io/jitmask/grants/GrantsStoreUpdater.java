package io.jitmask.grants;

import io.jitmask.config.Topics;
import io.jitmask.stream.GlobalStoreMirror;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global grants store and this instance's {@link GrantIndex} in step with {@code jit.grants}; the index is
 * rebuilt from the restored store when the global thread (re)starts.
 */
public final class GrantsStoreUpdater extends GlobalStoreMirror {
    private static final Logger LOG = LoggerFactory.getLogger(GrantsStoreUpdater.class);

    private final GrantIndex index;

    public GrantsStoreUpdater(String storeName, GrantIndex index) {
        super(storeName, true);
        this.index = index;
    }

    @Override
    protected void restoring() {
        index.clear();
    }

    @Override
    protected void apply(String key, byte[] value) {
        if (value == null) {
            index.remove(key);
            return;
        }
        try {
            Grant grant = GrantJson.fromBytes(value);
            if (!key.equals(Topics.grantKey(grant.dataset(), grant.requestId()))) {
                throw new IllegalArgumentException("grant key does not match its dataset and request id");
            }
            if (Grant.ACTIVE.equals(grant.status()) || Grant.ENDING.equals(grant.status())) {
                index.put(grant);
            } else {
                index.remove(key);
            }
        } catch (IllegalArgumentException e) {
            // Only the lifecycle writes jit.grants; anything unreadable there is ignored, never trusted.
            index.remove(key);
            LOG.warn("ignoring unreadable grant record {}: {}", key, e.getMessage());
        }
    }
}
