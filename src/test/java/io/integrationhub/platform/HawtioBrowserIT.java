package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Opens Hawtio's Camel plugin in a real headless Chromium and looks for our route ids on the rendered page.
 * Needs Debian's chromium (.ci/run installs it; locally: apt-get install chromium).
 */
class HawtioBrowserIT extends HubIntegrationTest {

    @Test
    void hawtioCamelPluginShowsTheHubsRoutesInABrowser() throws Exception {
        Path chromium = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser")).stream()
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("headless Chromium is needed: apt-get install chromium"));
        Path profile = Files.createDirectories(Path.of("target", "chromium-" + UUID.randomUUID()).toAbsolutePath());
        Process browser = new ProcessBuilder(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile,
                // Hawtio is a single-page app: give its scripts time to render the route tree before the DOM dump
                "--virtual-time-budget=20000",
                "--dump-dom", url("/actuator/hawtio/camel/routes"))
                .redirectError(Path.of("target", "chromium-hawtio.log").toFile())
                .start();
        byte[] dom = browser.getInputStream().readAllBytes();
        assertThat(browser.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        String page = new String(dom, StandardCharsets.UTF_8);

        assertThat(page).as("rendered Hawtio page").contains("platform-kafka-probe").contains("platform-admin-routes");
    }
}
