package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TestOidcIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console signs people in through a real OpenID provider (on loopback) with the authorization code flow and
 * PKCE, in headless Chromium: the provider's sign-in page, the redirect back, the code redeemed by jitmask, and the
 * console working with the access token, a console link (#request=...) surviving the round trip.
 */
class OidcConsoleE2EIT {
    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("oidcui");
    static TestOidcIssuer issuer;
    static ApiFixture api;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        issuer = new TestOidcIssuer("jitmask-api");
        api = new ApiFixture(STACK, List.of("bob"), Map.of(
                JitmaskConfig.HTTP_OIDC_ISSUER, issuer.issuer(),
                JitmaskConfig.HTTP_OIDC_AUDIENCE, "jitmask-api",
                JitmaskConfig.HTTP_OIDC_ACTOR_MAP, "u-bob:bob",
                JitmaskConfig.HTTP_OIDC_CLIENT_ID, "jitmask-console"));
        chromium = new HeadlessChromium();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (api != null) {
            api.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void signsInThroughTheProviderWithPkce() {
        Page page = chromium.browser.newContext().newPage();
        page.navigate(api.api.url() + "/#request=r123");
        page.locator("#oidc-sign-in").click();
        page.waitForURL(url -> url.startsWith(issuer.issuer() + "/authorize"));
        assertThat(page.url()).contains("code_challenge_method=S256").contains("client_id=jitmask-console")
                .doesNotContain("code_verifier");
        page.locator("#username").fill("u-bob");
        page.locator("#sign-in").click();

        page.locator("#who").filter(new Locator.FilterOptions().setHasText("bob (")).waitFor();
        assertThat(page.locator("#who").textContent()).isEqualTo("bob (clinical-lead, privacy-officer, security-officer)");
        // The code is gone from the address bar; the console link came back with the person.
        assertThat(page.url()).isEqualTo(api.api.url() + "/#request=r123");
        assertThat(page.locator("#audit-request").inputValue()).isEqualTo("r123");
        assertThat(issuer.tokenRequests()).containsExactly("authorization_code");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/oidc-console-signed-in.png")));
    }
}
