package io.jitmask.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.cli.JitmaskCli;
import io.jitmask.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetTest {
    @TempDir
    Path dir;

    @Test
    void createsOnceWithOwnerOnlyModeAndLoadsTheSameKeys() throws Exception {
        Path file = dir.resolve("keyset.json");
        Keyset created = Keyset.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Keyset again = Keyset.loadOrCreate(file);
        assertThat(again.primary().id()).isEqualTo("k1");
        assertThat(again.primary().derive("x")).isEqualTo(created.primary().derive("x"));
    }

    @Test
    void rotationAddsAPrimaryKeyAndKeepsTheOldOne() throws Exception {
        Path file = dir.resolve("keyset.json");
        byte[] before = Keyset.loadOrCreate(file).primary().derive("x");
        assertThat(JitmaskCli.run("keys", "rotate", "--keyset", file.toString())).isZero();
        Keyset rotated = Keyset.load(file);
        assertThat(rotated.primary().id()).isEqualTo("k2");
        assertThat(rotated.keyIds()).containsExactly("k1", "k2");
        assertThat(rotated.key("k1").derive("x")).isEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void neverPrintsKeyMaterial() {
        Keyset keyset = Keyset.generate();
        String material = keyset.toJson().replaceAll("(?s).*\"material\" : \"([^\"]+)\".*", "$1");
        assertThat(material).hasSizeGreaterThan(40);
        assertThat(keyset.toString()).doesNotContain(material).isEqualTo("Keyset[primary k1, keys [k1]]");
        assertThat(keyset.primary().toString()).doesNotContain(material);
        assertThatThrownBy(() -> Keyset.fromJson("{\"primaryKeyId\":\"k1\",\"keys\":[{\"id\":\"k1\",\"algorithm\":\"HMAC-SHA256\","
                + "\"material\":\"c2hvcnQ=\"}]}")).isInstanceOf(ConfigException.class)
                .hasMessage("keyset: key 'k1' material must be at least 32 bytes, has 5").hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> Keyset.fromJson("{\"primaryKeyId\": \"k1\", \"keys\": [ SECRETSTUFF")).isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("SECRETSTUFF");
        assertThatThrownBy(() -> Keyset.load(dir.resolve("missing.json"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void creationNeverOverwritesAndLeavesNothingBehind() throws Exception {
        Path file = dir.resolve("sub/keyset.json");
        Keyset first = Keyset.loadOrCreate(file);
        assertThatThrownBy(() -> Keyset.writeNew(file, Keyset.generate())).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(JitmaskCli.run("keys", "create", "--keyset", file.toString())).isEqualTo(2);
        assertThat(Keyset.load(file).primary().derive("x")).isEqualTo(first.primary().derive("x"));
        Keyset.rotate(file);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keyset.json");
        }
    }

    @Test
    void rejectsInconsistentKeysetsWithoutQuotingThem() {
        String key = "{\"id\":\"k1\",\"algorithm\":\"HMAC-SHA256\",\"material\":\"" + io.jitmask.testing.TestKeys.MATERIAL + "\"}";
        assertThatThrownBy(() -> Keyset.fromJson("{\"primaryKeyId\":\"k9\",\"keys\":[" + key + "]}"))
                .isInstanceOf(ConfigException.class).hasMessage("keyset: primaryKeyId 'k9' is not one of its keys [k1]");
        assertThatThrownBy(() -> Keyset.fromJson("{\"primaryKeyId\":\"k1\",\"keys\":[" + key + "," + key + "]}"))
                .isInstanceOf(ConfigException.class).hasMessage("keyset: key id 'k1' appears twice");
        assertThatThrownBy(() -> Keyset.fromJson("{\"primaryKeyId\":\"k1\",\"keys\":[" + key.replace("HMAC-SHA256", "AES") + "]}"))
                .isInstanceOf(ConfigException.class).hasMessage("keyset: key 'k1' has algorithm 'AES'; supported: HMAC-SHA256")
                .hasMessageNotContaining(io.jitmask.testing.TestKeys.MATERIAL);
    }
}
