package io.jitmask.webauthn;

import io.jitmask.stream.GlobalStoreMirror;

/**
 * Keeps the global {@code webauthn-credentials} store in step with {@code jit.credentials}. It keeps no view: the
 * store holds the topic's records as they are, and {@link PasskeyDirectory} checks each one when it reads it.
 */
public final class CredentialStoreUpdater extends GlobalStoreMirror {
    public CredentialStoreUpdater(String storeName) {
        super(storeName, true);
    }

    @Override
    protected void apply(String key, byte[] value) {
        // nothing beyond the store
    }
}
