package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.testing.AuditTrail;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.DemoActors;
import io.jitmask.webauthn.SoftwareAuthenticator;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Passkey approvals on real parts: a jitmask whose policy requires WebAuthn for PII, its HTTP API and console on a
 * fixed loopback port (the origin the assertions must name), and headless Chromium with a CDP virtual authenticator
 * (ctap2, internal, resident key, user verification). In the browser, bob registers a passkey and approves with it;
 * from outside, an approval without an assertion is refused and audited; through the API, a software authenticator
 * registers, approves with its passkey alone, and is removed.
 */
class PasskeyApprovalE2EIT {
    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("passkeys");
    static ApiFixture api;
    static HeadlessChromium chromium;
    static String origin;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        origin = "http://localhost:" + port;
        api = new ApiFixture(STACK, List.of("alice", "bob", "carol"), Map.of(
                JitmaskConfig.POLICY_FILE, DemoActors.policyRequiringWebAuthn(STACK.dir()).toString(),
                JitmaskConfig.HTTP_PORT, Integer.toString(port),
                JitmaskConfig.WEBAUTHN_RP_ID, "localhost",
                JitmaskConfig.WEBAUTHN_ORIGINS, origin));
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (api != null) {
            // jit.credentials is shared by every class on the shared broker: a passkey left behind would make the
            // console of a later class ask its approver's (absent) authenticator to sign.
            for (String actor : List.of("alice", "bob", "carol")) {
                for (String credentialId : passkeysOf(actor)) {
                    assertThat(api.call("DELETE", "/api/passkeys/" + credentialId, actor, null).status()).isEqualTo(202);
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    passkeysOf("alice").isEmpty() && passkeysOf("bob").isEmpty() && passkeysOf("carol").isEmpty());
            api.close();
        }
    }

    static String newRequest() throws Exception {
        String id = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ApiFixture.Answer created = api.call("POST", "/api/requests", "alice", Map.of("requestId", id,
                "dataset", api.dataset, "fields", List.of("email"), "justification", "INC-7 refund dispute",
                "durationSeconds", 600));
        assertThat(created.status()).isEqualTo(202);
        awaitStatus(id, "PENDING");
        return id;
    }

    static JsonNode awaitStatus(String id, String status) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.call("GET", "/api/requests/" + id, "erin", null),
                        a -> a.status() == 200 && status.equals(a.json().path("status").asText())).json();
    }

    /** The audit events of {@code key} on jit.audit, once there are at least {@code count}. */
    static List<JsonNode> audit(String key, int count) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    List<JsonNode> out = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> r : AuditTrail.shared().records(key)) {
                        out.add(ApiFixture.JSON.readTree(r.value()));
                    }
                    return out;
                }, events -> events.size() >= count);
    }

    static List<String> passkeysOf(String actor) throws Exception {
        List<String> ids = new ArrayList<>();
        api.call("GET", "/api/passkeys", actor, null).json().get("passkeys").forEach(p -> ids.add(p.get("credentialId").asText()));
        return ids;
    }

    @Test
    void anApprovalWithoutAnAssertionIsRefusedAndAuditedEvenThoughItsEd25519SignatureIsValid() throws Exception {
        String id = newRequest();
        assertThat(api.call("GET", "/api/requests/" + id, "bob", null).json().get("requiresPasskey").asBoolean()).isTrue();
        // The server holds bob's Ed25519 key and signs for him: a valid signature, and not enough.
        ApiFixture.Answer posted = api.call("POST", "/api/requests/" + id + "/approve", "bob", Map.of("comment", "fine"));
        assertThat(posted.status()).isEqualTo(202);
        JsonNode refused = audit(id, 2).get(1);
        assertThat(refused.get("type").asText()).isEqualTo("REJECTED");
        assertThat(refused.get("actor").asText()).isEqualTo("bob");
        assertThat(refused.get("reason").asText()).isEqualTo("WEBAUTHN_REQUIRED");
        assertThat(refused.get("detail").asText()).isEqualTo("APPROVED: the policy requires every approval of this"
                + " request to carry a passkey assertion of its approver");
        assertThat(awaitStatus(id, "PENDING").get("approvals")).isEmpty();
    }

    @Test
    void aSoftwarePasskeyRegistersThroughTheApiApprovesAloneAndIsRemoved() throws Exception {
        SoftwareAuthenticator carolsKey = new SoftwareAuthenticator(origin, "localhost");
        JsonNode options = api.call("POST", "/api/passkeys/options", "carol", null).json();
        assertThat(options.get("rp").get("id").asText()).isEqualTo("localhost");
        assertThat(options.get("authenticatorSelection").get("userVerification").asText()).isEqualTo("required");
        byte[] challenge = Base64.getUrlDecoder().decode(options.get("challenge").asText());
        ApiFixture.Answer registered = api.call("POST", "/api/passkeys", "carol", carolsKey.create(challenge));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().get("credentialId").asText()).isEqualTo(carolsKey.credentialIdB64());
        // The challenge was good for one registration.
        assertThat(api.call("POST", "/api/passkeys", "carol", carolsKey.create(challenge)).status()).isEqualTo(400);
        JsonNode registeredAudit = audit("passkey/carol", 1).stream()
                .filter(e -> e.path("detail").asText().equals("credential " + carolsKey.credentialIdB64())).findFirst().orElseThrow();
        assertThat(registeredAudit.get("type").asText()).isEqualTo("CREDENTIAL_REGISTERED");
        assertThat(registeredAudit.get("actor").asText()).isEqualTo("carol");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> passkeysOf("carol").contains(carolsKey.credentialIdB64()));

        String id = newRequest();
        JsonNode c = api.call("GET", "/api/requests/" + id + "/approval-challenge", "carol", null).json();
        assertThat(c.get("required").asBoolean()).isTrue();
        assertThat(c.get("allowCredentials").findValuesAsText("id")).contains(carolsKey.credentialIdB64());
        ObjectNode assertion = carolsKey.get(Base64.getUrlDecoder().decode(c.get("challenge").asText()));
        ApiFixture.Answer approved = api.call("POST", "/api/requests/" + id + "/approve", "carol",
                Map.of("comment", "checked the ticket", "webauthn", assertion));
        assertThat(approved.status()).isEqualTo(202);
        awaitStatus(id, "ACTIVE");
        JsonNode approval = audit(id, 2).get(1);
        assertThat(approval.get("type").asText()).isEqualTo("APPROVED");
        assertThat(approval.get("actor").asText()).isEqualTo("carol");
        assertThat(approval.get("detail").asText()).isEqualTo("with passkey " + carolsKey.credentialIdB64());

        assertThat(api.call("DELETE", "/api/passkeys/" + carolsKey.credentialIdB64(), "alice", null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", "/api/passkeys/" + carolsKey.credentialIdB64(), "carol", null).status()).isEqualTo(202);
        JsonNode removed = audit("passkey/carol", 2).stream().filter(e -> e.get("type").asText().equals("CREDENTIAL_REMOVED"))
                .findFirst().orElseThrow();
        assertThat(removed.get("detail").asText()).isEqualTo("credential " + carolsKey.credentialIdB64());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !passkeysOf("carol").contains(carolsKey.credentialIdB64()));
    }

    @Test
    void inChromiumBobRegistersAPasskeyWithTheVirtualAuthenticatorApprovesWithItAndTheGrantIsActive() throws Exception {
        HeadlessChromium.assumeAvailable();
        chromium = new HeadlessChromium();
        Browser browser = chromium.browser;
        String id = newRequest();
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1000))) {
            Page page = context.newPage();
            page.setDefaultTimeout(60_000);
            CDPSession cdp = context.newCDPSession(page);
            cdp.send("WebAuthn.enable");
            JsonObject authenticator = new JsonObject();
            authenticator.addProperty("protocol", "ctap2");
            authenticator.addProperty("transport", "internal");
            authenticator.addProperty("hasResidentKey", true);
            authenticator.addProperty("hasUserVerification", true);
            authenticator.addProperty("isUserVerified", true);
            authenticator.addProperty("automaticPresenceSimulation", true);
            JsonObject params = new JsonObject();
            params.add("options", authenticator);
            cdp.send("WebAuthn.addVirtualAuthenticator", params);

            page.navigate(origin + "/");
            page.locator("#token").fill(api.tokens.get("bob"));
            page.locator("#login-form button").click();
            page.locator("#who").filter(new Locator.FilterOptions().setHasText("bob (")).waitFor();
            page.locator("#register-passkey").click();
            page.locator("#notice").filter(new Locator.FilterOptions().setHasText("registered")).waitFor();
            List<String> bobs = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> passkeysOf("bob"), l -> l.size() == 1);
            page.locator("#passkeys-body tr[data-credential-id='" + bobs.get(0) + "']").waitFor();

            Locator card = page.locator("article[data-request-id='" + id + "']");
            card.locator("[data-testid=comment]").fill("checked INC-7");
            card.locator("button.approve").click();
            page.locator("#notice").filter(new Locator.FilterOptions()
                    .setHasText("Approval of " + id + " signed with your passkey and sent.")).waitFor();
            awaitStatus(id, "ACTIVE");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "passkey-approval.png")));

            List<JsonNode> trail = audit(id, 2);
            assertThat(trail.get(0).get("type").asText()).isEqualTo("REQUESTED");
            assertThat(trail.get(1).get("type").asText()).isEqualTo("APPROVED");
            assertThat(trail.get(1).get("actor").asText()).isEqualTo("bob");
            assertThat(trail.get(1).get("detail").asText()).isEqualTo("with passkey " + bobs.get(0));
            assertThat(audit("passkey/bob", 1).stream().filter(e -> e.get("detail").asText().equals("credential " + bobs.get(0))))
                    .extracting(e -> e.get("type").asText() + " by " + e.get("actor").asText())
                    .containsExactly("CREDENTIAL_REGISTERED by bob");
        }
    }
}
