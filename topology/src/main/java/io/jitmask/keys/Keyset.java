package io.jitmask.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret keys behind tokens and format-preserving encryption. JSON:
 * {@code {"primaryKeyId": "k2", "keys": [{"id": "k1", "algorithm": "HMAC-SHA256", "createdAt": "...", "material": "<base64>"}, ...]}}.
 * New data is masked with the primary key; its id travels with tokens so data masked with an older key stays
 * attributable after a rotation. Nothing here ever prints key material: not {@code toString}, not an error.
 */
public final class Keyset {
    public static final String ALGORITHM = "HMAC-SHA256";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key. Its material stays inside this class; callers get derived MACs. */
    public static final class Key {
        private final String id;
        private final String algorithm;
        private final Instant createdAt;
        private final byte[] material;

        Key(String id, String algorithm, Instant createdAt, byte[] material) {
            this.id = id;
            this.algorithm = algorithm;
            this.createdAt = createdAt;
            this.material = material.clone();
        }

        public String id() {
            return id;
        }

        public Instant createdAt() {
            return createdAt;
        }

        /** A fresh HMAC-SHA256 keyed with a sub-key for {@code purpose}, so tokens and FF1 never share a key. */
        public Mac mac(String purpose) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(derive(purpose), "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }

        /** 32 bytes derived from the key for one purpose (HMAC-SHA256(material, purpose)). */
        public byte[] derive(String purpose) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(material, "HmacSHA256"));
                return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }

        @Override
        public String toString() {
            return "Key[" + id + ", " + algorithm + ", created " + createdAt + "]";
        }
    }

    private final String primaryKeyId;
    private final Map<String, Key> keys;

    private Keyset(String primaryKeyId, Map<String, Key> keys) {
        if (!keys.containsKey(primaryKeyId)) {
            throw new ConfigException("keyset: primaryKeyId '" + primaryKeyId + "' is not one of its keys " + keys.keySet());
        }
        this.primaryKeyId = primaryKeyId;
        this.keys = keys;
    }

    public Key primary() {
        return keys.get(primaryKeyId);
    }

    public Key key(String id) {
        Key key = keys.get(id);
        if (key == null) {
            throw new ConfigException("keyset has no key '" + id + "'");
        }
        return key;
    }

    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /** A keyset with one new random key. */
    public static Keyset generate() {
        Map<String, Key> keys = new LinkedHashMap<>();
        keys.put("k1", newKey("k1"));
        return new Keyset("k1", keys);
    }

    private static Key newKey(String id) {
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        return new Key(id, ALGORITHM, Instant.now().truncatedTo(ChronoUnit.SECONDS), material);
    }

    /** This keyset plus a new random key, which becomes the primary one. Old keys stay for old data. */
    public Keyset rotated() {
        int next = keys.size() + 1;
        while (keys.containsKey("k" + next)) {
            next++;
        }
        Map<String, Key> copy = new LinkedHashMap<>(keys);
        Key key = newKey("k" + next);
        copy.put(key.id(), key);
        return new Keyset(key.id(), copy);
    }

    private record KeyJson(@JsonProperty("id") String id, @JsonProperty("algorithm") String algorithm,
                           @JsonProperty("createdAt") Instant createdAt, @JsonProperty("material") String material) {
    }

    private record KeysetJson(@JsonProperty("primaryKeyId") String primaryKeyId, @JsonProperty("keys") List<KeyJson> keys) {
    }

    public static Keyset fromJson(String json) {
        KeysetJson parsed;
        try {
            parsed = JSON.readValue(json, KeysetJson.class);
        } catch (IOException e) {
            // Jackson's message may quote the input, which holds key material.
            throw new ConfigException("keyset is not valid JSON of the form {\"primaryKeyId\": ..., \"keys\": [...]}");
        }
        if (parsed == null || parsed.primaryKeyId() == null || parsed.keys() == null || parsed.keys().isEmpty()) {
            throw new ConfigException("keyset needs 'primaryKeyId' and at least one key in 'keys'");
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        for (KeyJson key : parsed.keys()) {
            if (key.id() == null || key.id().isBlank() || !key.id().matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException("keyset: every key needs an 'id' of 1-32 letters, digits, '_' or '-'");
            }
            if (!ALGORITHM.equals(key.algorithm())) {
                throw new ConfigException("keyset: key '" + key.id() + "' has algorithm '" + key.algorithm()
                        + "'; supported: " + ALGORITHM);
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(key.material() == null ? "" : key.material());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("keyset: key '" + key.id() + "' material is not base64");
            }
            if (material.length < 32) {
                throw new ConfigException("keyset: key '" + key.id() + "' material must be at least 32 bytes, has " + material.length);
            }
            if (keys.put(key.id(), new Key(key.id(), key.algorithm(), key.createdAt(), material)) != null) {
                throw new ConfigException("keyset: key id '" + key.id() + "' appears twice");
            }
        }
        return new Keyset(parsed.primaryKeyId(), keys);
    }

    public String toJson() {
        List<KeyJson> out = new ArrayList<>();
        keys.values().forEach(k -> out.add(new KeyJson(k.id, k.algorithm, k.createdAt, Base64.getEncoder().encodeToString(k.material))));
        try {
            return JSON.writeValueAsString(new KeysetJson(primaryKeyId, out));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write keyset", e);
        }
    }

    public static Keyset load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("keyset file " + file + " does not exist (jitmask keys create --keyset " + file + ")");
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read keyset file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Loads the keyset, first creating it with one random key (file mode 0600) when there is none. */
    public static Keyset loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            try {
                writeNew(file, generate());
            } catch (FileAlreadyExistsException e) {
                // created concurrently: use that one
            }
        }
        return load(file);
    }

    /** Adds a key to the keyset file and makes it primary; returns the new key id. */
    public static String rotate(Path file) {
        Keyset rotated = load(file).rotated();
        Path temp = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temp);
            writeNew(temp, rotated);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ConfigException("cannot rewrite keyset file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return rotated.primaryKeyId;
    }

    /**
     * Writes a keyset to a new file that only its owner can read. The JSON goes to a temporary file created with
     * mode 0600 (no window where it is readable by others), which is then linked into place only if nothing is there
     * yet: a crash never leaves a half-written keyset, and a concurrent creator's keyset is never replaced.
     */
    public static void writeNew(Path file, Keyset keyset) throws FileAlreadyExistsException {
        Path temp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, keyset.toJson());
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // no hard links here (some mounted volumes): an atomic rename, after the existence check above
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException("cannot create keyset file " + file + " (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a leftover 0600 temporary file in the keyset's own directory; harmless
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Keyset[primary " + primaryKeyId + ", keys " + keys.keySet() + "]";
    }
}
