package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TestOidcIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API with OpenID Connect access tokens, against a real OpenID provider on loopback (discovery, JWKS, tokens)
 * and the real application on the shared broker: valid, expired, other audience, other issuer, unknown key,
 * unsigned, unmapped subject, key rotation, and groups taking a role away. Static tokens keep working.
 */
class OidcApiIT {
    static final String AUDIENCE = "jitmask-api";

    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("oidc");
    static TestOidcIssuer issuer;
    static ApiFixture api;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TestOidcIssuer(AUDIENCE);
        api = new ApiFixture(STACK, List.of("bob"), Map.of(
                JitmaskConfig.HTTP_OIDC_ISSUER, issuer.issuer(),
                JitmaskConfig.HTTP_OIDC_AUDIENCE, AUDIENCE,
                JitmaskConfig.HTTP_OIDC_ACTOR_MAP, "u-alice:alice,u-bob:bob,u-erin:erin",
                JitmaskConfig.HTTP_OIDC_ROLE_GROUPS, "privacy-officer:jitmask-privacy",
                JitmaskConfig.HTTP_OIDC_JWKS_CACHE_MS, "2000"));
    }

    @AfterAll
    static void stop() {
        api.close();
        issuer.close();
    }

    static ApiFixture.Answer me(String token) throws Exception {
        return api.callWithToken("GET", "/api/me", token, null);
    }

    static void assertRefused(ApiFixture.Answer answer, int status, String error) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json().toString()).isEqualTo(ApiJson.error(status, error).toString());
    }

    @Test
    void aValidAccessTokenIsItsMappedActorAndGroupsOnlyTakeRolesAway() throws Exception {
        ApiFixture.Answer alice = me(issuer.token("u-alice", List.of(), Duration.ofMinutes(5)));
        assertThat(alice.status()).isEqualTo(200);
        assertThat(alice.json().toString()).isEqualTo(
                "{\"actor\":\"alice\",\"principal\":\"User:alice\",\"roles\":[\"requester\"],\"reviewer\":false}");

        // bob's keyring roles: privacy-officer, security-officer, clinical-lead. privacy-officer needs the group.
        ApiFixture.Answer bobWithout = me(issuer.token("u-bob", List.of("everyone"), Duration.ofMinutes(5)));
        assertThat(bobWithout.json().get("roles").toString()).isEqualTo("[\"clinical-lead\",\"security-officer\"]");
        ApiFixture.Answer bobWith = me(issuer.token("u-bob", List.of("jitmask-privacy", "admin"), Duration.ofMinutes(5)));
        assertThat(bobWith.json().get("roles").toString())
                .isEqualTo("[\"clinical-lead\",\"privacy-officer\",\"security-officer\"]");
        // A group never adds a role the keyring does not give: alice stays a requester.
        ApiFixture.Answer aliceGroups = me(issuer.token("u-alice", List.of("jitmask-privacy"), Duration.ofMinutes(5)));
        assertThat(aliceGroups.json().get("roles").toString()).isEqualTo("[\"requester\"]");

        // Static tokens stay, for scripts.
        assertThat(api.call("GET", "/api/me", "carol", null).json().get("actor").asText()).isEqualTo("carol");
    }

    @Test
    void invalidAccessTokensAreRefusedWithTheReason() throws Exception {
        ApiFixture.Answer expired = me(issuer.expiredToken("u-alice"));
        assertRefused(expired, 401, "the access token has expired");
        assertThat(expired.raw().headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"jitmask\", error=\"invalid_token\"");
        assertRefused(me(issuer.tokenFor("another-api", "u-alice")), 401, "the access token is not for this audience");
        assertRefused(me(issuer.tokenOfIssuer("http://127.0.0.1:1/realms/evil", "u-alice")), 401,
                "the access token is from another issuer");
        assertRefused(me(issuer.tokenSignedByUnknownKey("u-alice")), 401,
                "the access token is signed by a key the issuer does not publish");
        // Unsigned ("alg":"none") with the right claims.
        String good = issuer.token("u-alice", List.of(), Duration.ofMinutes(5));
        String payload = good.split("\\.")[1];
        String none = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + payload + ".";
        assertRefused(me(none), 401, "the access token is not valid");
        assertRefused(me(issuer.token("u-mallory", List.of(), Duration.ofMinutes(5))), 403,
                "the signed-in identity is not mapped to a jitmask actor");
        // Not a JWT and not a static token: the plain 401.
        assertRefused(me("not-a-token"), 401, "a valid bearer token is required");
    }

    @Test
    void keysRotateWithoutTellingJitmask() throws Exception {
        String oldKeyToken = issuer.token("u-erin", List.of(), Duration.ofMinutes(5));
        assertThat(me(oldKeyToken).status()).isEqualTo(200);
        issuer.rotate();
        String newKeyToken = issuer.token("u-erin", List.of(), Duration.ofMinutes(5));
        // An unknown key id fetches the JWKS again (at most once per rate-limit interval, 1 s here).
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> me(newKeyToken).status() == 200);
        assertThat(me(oldKeyToken).status()).isEqualTo(200);
        issuer.retireOldKeys();
        // Once the cached JWKS expires (2 s here), the retired key no longer verifies anything.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> me(oldKeyToken).status() == 401);
        assertRefused(me(oldKeyToken), 401, "the access token is signed by a key the issuer does not publish");
        assertThat(me(newKeyToken).status()).isEqualTo(200);
    }
}
