package io.jitmask.webauthn;

import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import io.jitmask.config.JitmaskConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Who the passkeys are for: the relying party id (the console's host), its display name and the console's origins. */
public record RelyingParty(String id, String name, List<String> origins) {
    public RelyingParty {
        origins = List.copyOf(origins);
        if (id == null || id.isBlank() || origins.isEmpty()) {
            throw new IllegalArgumentException("a WebAuthn relying party needs an id and at least one origin");
        }
    }

    public static RelyingParty of(JitmaskConfig config) {
        return new RelyingParty(config.webAuthnRpId(), config.webAuthnRpName(), config.webAuthnOrigins());
    }

    ServerProperty serverProperty(byte[] challenge) {
        Set<Origin> allowed = new LinkedHashSet<>();
        origins.forEach(o -> allowed.add(new Origin(o)));
        return ServerProperty.builder().origins(allowed).rpId(id).challenge(new DefaultChallenge(challenge)).build();
    }
}
