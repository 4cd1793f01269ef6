package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.testing.JitmaskStack;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API against an OpenID provider jitmask did not write (NAV's mock-oauth2-server, on loopback): its discovery
 * document, its JWKS and the tokens it shapes; groups from its claims; an expired one and one for another audience.
 */
class ThirdPartyOidcIT {
    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("oidc3p");
    static MockOAuth2Server provider;
    static ApiFixture api;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        String issuer = provider.issuerUrl("corp").toString().replaceAll("/+$", "");
        api = new ApiFixture(STACK, List.of(), Map.of(
                JitmaskConfig.HTTP_OIDC_ISSUER, issuer,
                JitmaskConfig.HTTP_OIDC_AUDIENCE, "jitmask",
                JitmaskConfig.HTTP_OIDC_ACTOR_CLAIM, "preferred_username",
                JitmaskConfig.HTTP_OIDC_ROLE_GROUPS, "data-owner:owners"));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        provider.shutdown();
    }

    static ApiFixture.Answer me(String token) throws Exception {
        return api.callWithToken("GET", "/api/me", token, null);
    }

    @Test
    void acceptsItsTokensAndRefusesExpiredOrForeignOnes() throws Exception {
        String carol = provider.issueToken("corp", "00u-carol", "jitmask",
                Map.of("preferred_username", "carol", "groups", List.of("owners")), 300).serialize();
        ApiFixture.Answer ok = me(carol);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().toString()).isEqualTo("{\"actor\":\"carol\",\"principal\":\"User:carol\",\"roles\":"
                + "[\"clinical-lead\",\"data-owner\",\"payments-lead\",\"privacy-officer\"],\"reviewer\":true}");
        String carolNoGroup = provider.issueToken("corp", "00u-carol", "jitmask",
                Map.of("preferred_username", "carol"), 300).serialize();
        assertThat(me(carolNoGroup).json().get("roles").toString())
                .isEqualTo("[\"clinical-lead\",\"payments-lead\",\"privacy-officer\"]");

        String expired = provider.issueToken("corp", "00u-carol", "jitmask",
                Map.of("preferred_username", "carol"), -300).serialize();
        ApiFixture.Answer refused = me(expired);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("error").asText()).isEqualTo("the access token has expired");
        String foreign = provider.issueToken("corp", "00u-carol", "another-api",
                Map.of("preferred_username", "carol"), 300).serialize();
        assertThat(me(foreign).json().get("error").asText()).isEqualTo("the access token is not for this audience");
        // Same provider software, another issuer (its own keys and iss).
        String otherIssuer = provider.issueToken("elsewhere", "00u-carol", "jitmask",
                Map.of("preferred_username", "carol"), 300).serialize();
        assertThat(me(otherIssuer).status()).isEqualTo(401);
    }
}
