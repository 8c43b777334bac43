package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.flush;
import static io.cxone.kafka.bridge.BridgeTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.testkit.TestServices;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard page in real headless Chromium (Debian's, driven by Debian's chromedriver through Selenium),
 * against a bridge on the harness's real Kafka: events produced to Kafka appear on the page (event ids, counts
 * by action type, verified checksums), and after the socket drops the page reconnects and resumes with no gap
 * and no duplicate. {@code bin/ensure-chromium} installs the browser first when the machine lacks it.
 */
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static BridgeServer bridge;
    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        ensureChromium();
        TestServices.connect();
        bridge = BridgeTestSupport.startBridge(m -> {});
        profile = Files.createTempDirectory("dashboard-chromium-profile");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Root in a container: no sandbox; a closed network: no background connections; a fresh profile per run.
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void eventsFromKafkaAppearOnThePageAndAReconnectResumesWithoutGapOrDuplicate() throws Exception {
        String topic = BridgeTestSupport.uniqueTopic("dashboard", 2);
        Map<String, String> produced = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            produced.put(event(topic, i, i % 2 == 0 ? "LOGOUT" : "LOGIN"), i % 2 == 0 ? "LOGOUT" : "LOGIN");
        }
        flush();

        browser.get("http://127.0.0.1:" + bridge.port() + "/?token=" + BridgeTestSupport.TOKEN + "&topics=" + topic
                + "&start=earliest&autoconnect=1");
        awaitEvents(produced.keySet(), 4);
        // The socket was opened with a single-use ticket: the token is not in its URL.
        assertThat(String.valueOf(browser.executeScript("return state.socket.url")))
                .contains("/stream?ticket=")
                .doesNotContain(BridgeTestSupport.TOKEN);
        assertThat(counts()).containsExactlyInAnyOrderEntriesOf(Map.of("LOGIN", "2", "LOGOUT", "2"));
        // Only record frames count as verified (the "subscribed" frame before them does not).
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("verified")).isEqualTo("4"));

        // Live events while connected.
        produced.put(event(topic, 5, "HOLD"), "HOLD");
        flush();
        awaitEvents(produced.keySet(), 5);

        // The socket drops; events produced meanwhile arrive after the page reconnects with its positions.
        browser.executeScript("state.socket.close(4000, 'test: connection lost')");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("status")).startsWith("reconnecting"));
        for (int i = 6; i <= 9; i++) {
            produced.put(event(topic, i, i % 2 == 0 ? "LOGOUT" : "LOGIN"), i % 2 == 0 ? "LOGOUT" : "LOGIN");
        }
        flush();
        awaitEvents(produced.keySet(), 9);
        assertThat(text("reconnects")).isEqualTo("1");
        assertThat(text("status")).isEqualTo("connected");
        assertThat(counts()).containsExactlyInAnyOrderEntriesOf(Map.of("LOGIN", "4", "LOGOUT", "4", "HOLD", "1"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("verified")).isEqualTo("9"));
        assertThat(text("checksum-failures")).isEqualTo("0");
        assertThat(text("dropped")).isEqualTo("0");
    }

    /** Produces one CXone-like agent event, keyed by its id (so the two partitions both get events). */
    private static String event(String topic, int n, String action) {
        String id = "evt-" + n;
        produce(
                topic,
                null,
                id,
                ("{\"event_id\":\"" + id + "\",\"action_type\":\"" + action + "\",\"user\":\"agent-" + n
                                + "\",\"timestamp\":" + (1_700_000_000_000L + n * 1000L) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** Waits until the page shows exactly these event ids, each once, and this many received events. */
    private static void awaitEvents(java.util.Collection<String> ids, int received) {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(text("received")).isEqualTo(Integer.toString(received));
            Object shown = browser.executeScript(
                    "return Array.from(document.querySelectorAll('#events tbody tr'), r => r.dataset.eventId)");
            assertThat((List<?>) shown).map(String::valueOf).containsExactlyInAnyOrderElementsOf(ids);
        });
    }

    /** The counts table, read in one script run: the page rebuilds it every second. */
    private static Map<String, String> counts() {
        Object rows = browser.executeScript("return Array.from(document.querySelectorAll('#counts tbody tr'),"
                + " r => [r.cells[0].textContent, r.cells[1].textContent])");
        Map<String, String> counts = new LinkedHashMap<>();
        for (Object row : (List<?>) rows) {
            List<?> cells = (List<?>) row;
            counts.put(String.valueOf(cells.get(0)), String.valueOf(cells.get(1)));
        }
        return counts;
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Runs bin/ensure-chromium (installs Debian's chromium and chromium-driver when missing, or says how). */
    private static void ensureChromium() throws Exception {
        Process p = new ProcessBuilder("bin/ensure-chromium")
                .redirectErrorStream(true)
                .start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(
                    "bin/ensure-chromium could not provide Chromium and chromedriver:\n" + output);
        }
        assertThat(CHROMIUM).isExecutable();
        assertThat(CHROMEDRIVER).isExecutable();
    }
}
