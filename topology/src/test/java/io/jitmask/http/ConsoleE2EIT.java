package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console end to end in headless Chromium (Debian's {@code chromium}, driven by Playwright for Java, which
 * never downloads a browser here): alice asks for access, bob approves with a comment, the grant appears with a
 * live countdown, bob revokes it and it is gone; the audit trail shows it all. Screenshots go to target/.
 */
class ConsoleE2EIT {

    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("console");
    static ApiFixture api;
    static HeadlessChromium chromium;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        api = new ApiFixture(STACK, List.of("alice", "bob", "carol", "dave", "erin"));
        chromium = new HeadlessChromium();
        browser = chromium.browser;
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static void signIn(Page page, String actor) {
        page.navigate(api.api.url() + "/");
        page.locator("#token").fill(api.tokens.get(actor));
        page.locator("#login-form button").click();
        page.locator("#who").filter(new Locator.FilterOptions().setHasText(actor + " (")).waitFor();
    }

    static String notice(Page page, String startsWith) {
        Locator notice = page.locator("#notice").filter(new Locator.FilterOptions().setHasText(startsWith));
        notice.waitFor();
        return notice.textContent();
    }

    static String requestStatus(String id) throws Exception {
        ApiFixture.Answer answer = api.call("GET", "/api/requests/" + id, "erin", null);
        return answer.status() == 200 ? answer.json().get("status").asText() : "absent";
    }

    @Test
    void requestApproveWithACommentGrantCountsDownRevokeGone() throws Exception {
        api.produceCustomer("C1");
        api.produceCustomer("C2");
        TopicReader.readAtLeast(Topics.masked(api.dataset), 2, Duration.ofSeconds(30));
        Path target = Path.of("target");
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1000))) {
            Page page = context.newPage();
            page.setDefaultTimeout(30_000);

            // alice asks for access from the console.
            signIn(page, "alice");
            page.locator("#rq-dataset").selectOption(api.dataset);
            page.locator("#rq-fields input[value='email']").check();
            page.locator("#rq-fields input[value='name']").check();
            page.locator("#rq-justification").fill("INC-77 customer asked for a copy of their data");
            page.locator("#rq-minutes").fill("5");
            page.locator("#request-form button[type=submit]").click();
            Matcher sent = Pattern.compile("Request (\\S+) signed and sent").matcher(notice(page, "Request "));
            assertThat(sent.find()).isTrue();
            String id = sent.group(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestStatus(id).equals("PENDING"));
            // A hostile justification from another request is shown as text, never run.
            assertThat(api.call("POST", "/api/requests", "alice", Map.of("dataset", api.dataset, "fields", List.of("phone"),
                    "justification", "INC-78 <img src=x onerror=\"window.pwned=1\">", "durationSeconds", 60)).status()).isEqualTo(202);

            page.locator("#logout").click();
            signIn(page, "bob");
            Locator card = page.locator("article[data-request-id='" + id + "']");
            card.waitFor();
            assertThat(card.locator("h3").textContent()).isEqualTo("alice asks to see email, name of " + api.dataset);
            assertThat(card.textContent()).contains("INC-77 customer asked for a copy of their data", "5 min (300 s)",
                    "0 of 1");
            assertThat(card.locator("[data-testid=preview] tbody tr").count()).isEqualTo(2);
            page.locator("article").filter(new Locator.FilterOptions().setHasText("INC-78")).first().waitFor();
            assertThat(page.locator("article").filter(new Locator.FilterOptions().setHasText("INC-78 <img src=x")).count()).isEqualTo(1);
            assertThat(page.evaluate("() => window.pwned === undefined && document.querySelectorAll('img').length === 0"))
                    .isEqualTo(true);

            // Approving without a comment is refused in the page; nothing is posted.
            card.locator("button.approve").click();
            assertThat(notice(page, "A comment is required")).isEqualTo("A comment is required to approve.");
            assertThat(requestStatus(id)).isEqualTo("PENDING");
            page.screenshot(new Page.ScreenshotOptions().setPath(target.resolve("console-e2e-pending.png")).setFullPage(true));

            card.locator("[data-testid=comment]").fill("checked INC-77 with the customer");
            card.locator("button.approve").click();
            notice(page, "Approval of " + id);
            card.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED));

            // The grant appears with a live countdown.
            Locator row = page.locator("#grants-body tr[data-request-id='" + id + "']");
            row.waitFor();
            Locator countdown = row.locator("[data-testid=countdown]");
            Pattern left = Pattern.compile("(\\d)m (\\d\\d)s");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> left.matcher(countdown.textContent()).matches());
            String first = countdown.textContent();
            Instant read = Instant.now();
            Matcher m = left.matcher(first);
            assertThat(m.matches()).isTrue();
            // The page counts down from the secondsLeft of its last /api/grants answer (whole seconds, rounded down,
            // at the server's instant, which is before the page's fetch and so before the countdown's tick): so it
            // shows at most the grant's duration and at least one second less than the time from this read to the
            // expiresAt the API published. The browser and the API share this machine's clock.
            JsonNode published = HttpApiIT.grantOf(api.call("GET", "/api/grants", "bob", null).json(), id);
            Instant activatedAt = Instant.parse(published.get("activatedAt").asText());
            Instant expiresAt = Instant.parse(published.get("expiresAt").asText());
            assertThat(Duration.between(activatedAt, expiresAt)).isEqualTo(Duration.ofSeconds(300));
            assertThat(Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))).as("%s read at %s", first, read)
                    .isBetween(Duration.between(read, expiresAt).toSeconds() - 1, 300L);
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !countdown.textContent().equals(first));
            assertThat(row.textContent()).contains("User:alice", "email, name", "bob");
            page.screenshot(new Page.ScreenshotOptions().setPath(target.resolve("console-e2e-grant.png")).setFullPage(true));

            // Revoke with a reason: the grant is gone.
            row.locator("[data-testid=revoke-reason]").fill("no longer needed");
            row.locator("button.revoke").click();
            notice(page, "Revocation of " + id);
            row.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED));
            assertThat(HttpApiIT.ids(api.call("GET", "/api/grants", "bob", null).json().get("grants"))).doesNotContain(id);

            // The audit trail, filtered to this request, tells the whole story.
            page.locator("#audit-request").fill(id);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                page.locator("#audit-form button").click();
                return page.locator("#audit-body tr[data-type=TOPIC_DELETED]").count() == 1;
            });
            assertThat(page.locator("#audit-body tr").evaluateAll("rows => rows.map(r => r.dataset.type)")).isEqualTo(List.of(
                    "TOPIC_DELETED", "REVOKED", "DISCLOSURE_SUMMARY", "REVOKE_ACCEPTED", "ACTIVATED", "APPROVED", "REQUESTED"));
            assertThat(page.locator("#audit-body tr[data-type=APPROVED]").textContent())
                    .contains("bob", "comment: checked INC-77 with the customer");
            page.screenshot(new Page.ScreenshotOptions().setPath(target.resolve("console-e2e-audit.png")).setFullPage(true));
        }
    }
}
