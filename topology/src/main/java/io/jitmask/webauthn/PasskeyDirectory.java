package io.jitmask.webauthn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The registered passkeys, read from the store of {@code jit.credentials} (key = credential id). A record counts only
 * when it is a registration whose key is its own credential id; a removal, a tombstone or anything else means "not
 * registered" (fail closed).
 */
public final class PasskeyDirectory {
    private final ReadOnlyKeyValueStore<String, byte[]> store;

    public PasskeyDirectory(ReadOnlyKeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    public Optional<PasskeyCredential> find(String credentialId) {
        if (credentialId == null || credentialId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(credential(credentialId, store.get(credentialId)));
    }

    /** The passkeys registered to {@code actor}. Reads the whole store: it holds one small record per credential. */
    public List<PasskeyCredential> of(String actor) {
        List<PasskeyCredential> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> {
                PasskeyCredential credential = credential(entry.key, entry.value);
                if (credential != null && credential.actor().equals(actor)) {
                    out.add(credential);
                }
            });
        }
        return out;
    }

    private static PasskeyCredential credential(String key, byte[] bytes) {
        CredentialEvent event = CredentialEvent.fromBytes(bytes);
        PasskeyCredential credential = event == null ? null : event.credential();
        return credential != null && credential.credentialId().equals(key) ? credential : null;
    }
}
