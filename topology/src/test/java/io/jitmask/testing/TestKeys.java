package io.jitmask.testing;

import io.jitmask.keys.Keyset;

/** A fixed keyset, so tests can assert exact tokens. Test-only material. */
public final class TestKeys {
    public static final String MATERIAL = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    public static final String JSON = "{\"primaryKeyId\":\"k1\",\"keys\":[{\"id\":\"k1\",\"algorithm\":\"HMAC-SHA256\","
            + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"material\":\"" + MATERIAL + "\"}]}";
    public static final Keyset KEYSET = Keyset.fromJson(JSON);

    private TestKeys() {
    }
}
