package io.jitmask.http;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium}, headless, driven by Playwright for Java, which never downloads a browser here. Without
 * {@code /usr/bin/chromium} the console tests are skipped, unless {@code CI=true} ({@code .ci/run} installs it).
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    final Playwright playwright;
    final Browser browser;

    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(EXECUTABLE) || "true".equals(System.getenv("CI")),
                "no /usr/bin/chromium (apt-get install -y chromium): console end-to-end test skipped outside CI");
    }

    HeadlessChromium() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE)
                .setHeadless(true).setArgs(ARGS));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
