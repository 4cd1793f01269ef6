package io.jitmask.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may sign events: actor name to Ed25519 public key, roles and Kafka principal. YAML:
 * <pre>
 * actors:
 *   alice: {publicKey: MCowBQYDK2VwAyEA..., roles: [requester], principal: "User:alice"}
 * </pre>
 * Actor names are plain ASCII ({@code [a-z0-9._-]}), so a look-alike name with Unicode confusables can never
 * match an actor.
 */
public final class Keyring {
    public static final java.util.regex.Pattern ACTOR_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public record Actor(String name, PublicKey publicKey, Set<String> roles, String principal) {
        public boolean hasAnyRole(java.util.Collection<String> wanted) {
            return wanted.stream().anyMatch(roles::contains);
        }
    }

    private record ActorYaml(@JsonProperty("publicKey") String publicKey, @JsonProperty("roles") List<String> roles,
                             @JsonProperty("principal") String principal) {
    }

    private record KeyringYaml(@JsonProperty("actors") Map<String, ActorYaml> actors) {
    }

    private final Map<String, Actor> actors;

    public Keyring(Map<String, Actor> actors) {
        this.actors = Map.copyOf(actors);
    }

    public Optional<Actor> actor(String name) {
        if (name == null || !ACTOR_NAME.matcher(name).matches()
                || !Normalizer.isNormalized(name, Normalizer.Form.NFKC)) {
            return Optional.empty();
        }
        return Optional.ofNullable(actors.get(name));
    }

    public Map<String, Actor> actors() {
        return actors;
    }

    public static Keyring load(Path file) {
        KeyringYaml yaml;
        try {
            yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(file.toFile(), KeyringYaml.class);
        } catch (IOException e) {
            throw new ConfigException("cannot read keyring " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (yaml == null || yaml.actors() == null || yaml.actors().isEmpty()) {
            throw new ConfigException("keyring " + file + " lists no actors");
        }
        Map<String, Actor> actors = new LinkedHashMap<>();
        yaml.actors().forEach((name, a) -> {
            if (!ACTOR_NAME.matcher(name).matches()) {
                throw new ConfigException("keyring " + file + ": actor name '" + name + "' must match " + ACTOR_NAME.pattern());
            }
            if (a == null || a.publicKey() == null) {
                throw new ConfigException("keyring " + file + ": actor '" + name + "' has no publicKey");
            }
            PublicKey key;
            try {
                key = Ed25519.publicKey(a.publicKey());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("keyring " + file + ": actor '" + name + "': " + e.getMessage());
            }
            actors.put(name, new Actor(name, key, Set.copyOf(a.roles() == null ? List.of() : a.roles()),
                    a.principal() == null ? "User:" + name : a.principal()));
        });
        return new Keyring(actors);
    }
}
