package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import io.jitmask.testing.DemoActors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenAuthenticatorTest {
    static final Keyring KEYRING = Keyring.load(DemoActors.KEYRING);

    @TempDir
    Path dir;

    @Test
    void aTokenMapsToItsActorOnlyAsABearerTokenWhoseHashIsListed() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "# comment\n\n"
                + TokenAuthenticator.hash("secret-bob") + " bob\n" + TokenAuthenticator.hash("secret-erin") + "   erin\n");
        TokenAuthenticator tokens = TokenAuthenticator.load(file, KEYRING);
        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.authenticate("Bearer secret-bob").map(Keyring.Actor::name)).hasValue("bob");
        assertThat(tokens.authenticate("bearer secret-erin").map(Keyring.Actor::name)).hasValue("erin");
        assertThat(tokens.authenticate("Bearer secret-bo")).isEmpty();
        assertThat(tokens.authenticate("Basic secret-bob")).isEmpty();
        assertThat(tokens.authenticate("secret-bob")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
        assertThat(TokenAuthenticator.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void noFileMeansNoValidToken() {
        TokenAuthenticator tokens = TokenAuthenticator.load(null, KEYRING);
        assertThat(tokens.size()).isZero();
        assertThat(tokens.authenticate("Bearer anything")).isEmpty();
    }

    @Test
    void aBadLineIsNamedWithoutQuotingIt() throws Exception {
        Path clear = Files.writeString(dir.resolve("clear"), "bob my-clear-token\n");
        assertThatThrownBy(() -> TokenAuthenticator.load(clear, KEYRING)).isInstanceOf(ConfigException.class)
                .hasMessage("API tokens file " + clear + " line 1: expected '<sha256 hex of the token> <actor>'")
                .hasMessageNotContaining("my-clear-token");
        Path unknown = Files.writeString(dir.resolve("unknown"), TokenAuthenticator.hash("x") + " mallory\n");
        assertThatThrownBy(() -> TokenAuthenticator.load(unknown, KEYRING))
                .hasMessage("API tokens file " + unknown + " line 1: actor 'mallory' is not in the keyring");
        assertThatThrownBy(() -> TokenAuthenticator.load(dir.resolve("missing"), KEYRING))
                .hasMessage("cannot read API tokens file " + dir.resolve("missing"));
    }

    @Test
    void demoTokensAreSeededOnceWithTheClearFileReadableByItsOwnerOnly() throws Exception {
        Path hashes = DemoTokens.seed(dir, List.of("alice", "bob"));
        Path clear = dir.resolve(DemoTokens.CLEAR);
        assertThat(Files.getPosixFilePermissions(clear))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        List<String[]> lines = Files.readAllLines(clear).stream().filter(l -> !l.startsWith("#")).map(l -> l.split(" ")).toList();
        assertThat(lines).extracting(l -> l[0]).containsExactly("alice", "bob");
        TokenAuthenticator tokens = TokenAuthenticator.load(hashes, KEYRING);
        for (String[] line : lines) {
            assertThat(tokens.authenticate("Bearer " + line[1]).map(Keyring.Actor::name)).hasValue(line[0]);
            assertThat(Files.readString(hashes)).doesNotContain(line[1]);
        }
        String before = Files.readString(hashes);
        assertThat(DemoTokens.seed(dir, List.of("alice", "bob"))).isEqualTo(hashes);
        assertThat(Files.readString(hashes)).isEqualTo(before);
    }
}
