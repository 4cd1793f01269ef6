package io.jitmask.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may read, register, delete and configure on the secured embedded registry, and the refusals' exact shape. */
class RegistryAuthenticatorTest {
    static final RegistryAuthenticator AUTH = new RegistryAuthenticator(
            Map.of("admin", "a-pw", "producer", "p-pw", "jitmask", "j-pw", "analyst", "n-pw"),
            List.of("admin"), Map.of("producer", List.of("raw."), "jitmask", List.of("raw.", "masked.")));

    static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    static RegistryError refusal(String method, String path, String authorization) {
        return catchThrowableOfType(RegistryError.class, () -> AUTH.authorize(method, path, authorization));
    }

    @Test
    void missingMalformedOrWrongCredentialsAre401() {
        for (String authorization : new String[] {null, "Bearer x", "Basic !!!", basic("producer"), basic("producer:wrong"),
                basic("nobody:p-pw"), basic("producer:p-pw ")}) {
            RegistryError e = refusal("GET", "/subjects", authorization);
            assertThat(e).as(String.valueOf(authorization)).isNotNull();
            assertThat(e.status).isEqualTo(401);
            assertThat(e.code).isEqualTo(401);
            assertThat(e.getMessage()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void everyAuthenticatedUserReadsAndLooksUp() {
        assertThatCode(() -> AUTH.authorize("GET", "/subjects/raw.c-value/versions", basic("analyst:n-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("POST", "/subjects/raw.c-value", basic("analyst:n-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("POST", "/compatibility/subjects/raw.c-value/versions/latest", basic("analyst:n-pw")))
                .doesNotThrowAnyException();
    }

    @Test
    void onlyProducerJitmaskAndAdminRegisterUnderRaw() {
        assertThatCode(() -> AUTH.authorize("POST", "/subjects/raw.c-value/versions", basic("producer:p-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("POST", "/subjects/raw.c-value/versions", basic("jitmask:j-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("POST", "/subjects/masked.c-value/versions", basic("jitmask:j-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("POST", "/subjects/anything/versions", basic("admin:a-pw"))).doesNotThrowAnyException();
        RegistryError analyst = refusal("POST", "/subjects/raw.c-value/versions", basic("analyst:n-pw"));
        assertThat(analyst.status).isEqualTo(403);
        assertThat(analyst.code).isEqualTo(40301);
        assertThat(analyst.getMessage()).isEqualTo("User analyst is denied operation Write on Subject: raw.c-value");
        assertThat(refusal("POST", "/subjects/masked.c-value/versions", basic("producer:p-pw")).getMessage())
                .isEqualTo("User producer is denied operation Write on Subject: masked.c-value");
        assertThat(refusal("POST", "/subjects/rawish-value/versions", basic("producer:p-pw")).status).isEqualTo(403);
        assertThat(refusal("POST", "/subjects/raw.c-value/versions/", basic("analyst:n-pw")).status).isEqualTo(403);
    }

    @Test
    void deletesAndConfigurationNeedAnAdmin() {
        assertThat(refusal("DELETE", "/subjects/raw.c-value", basic("producer:p-pw")).getMessage())
                .isEqualTo("User producer is denied operation Delete on Subject: raw.c-value");
        assertThat(refusal("DELETE", "/subjects/raw.c-value/versions/1?permanent=true", basic("jitmask:j-pw")).status).isEqualTo(403);
        assertThat(refusal("PUT", "/config", basic("jitmask:j-pw")).getMessage())
                .isEqualTo("User jitmask is denied operation Alter on Cluster: schema-registry");
        assertThat(refusal("PUT", "/config/raw.c-value", basic("producer:p-pw")).status).isEqualTo(403);
        assertThat(refusal("DELETE", "/config/raw.c-value", basic("producer:p-pw")).status).isEqualTo(403);
        assertThat(refusal("PUT", "/mode", basic("producer:p-pw")).status).isEqualTo(403);
        assertThat(refusal("POST", "/subjects/raw.c-value/versions/1/anything", basic("producer:p-pw")).status).isEqualTo(403);
        assertThatCode(() -> AUTH.authorize("DELETE", "/subjects/raw.c-value", basic("admin:a-pw"))).doesNotThrowAnyException();
        assertThatCode(() -> AUTH.authorize("PUT", "/config", basic("admin:a-pw"))).doesNotThrowAnyException();
    }
}
