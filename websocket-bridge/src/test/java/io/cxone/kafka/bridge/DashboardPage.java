package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in real headless Chromium (Debian's, driven by Debian's chromedriver through Selenium), read the
 * way a person sees it: texts, table rows, what the canvases drew, the layout at a viewport size.
 * {@code bin/ensure-chromium} installs the browser first when the machine lacks it.
 */
final class DashboardPage implements AutoCloseable {

    /** The colours the page gives action types and export rows in the counts chart (dashboard.js KIND_COLORS). */
    static final String ACTION_COLOR = "#2f6fde";

    static final String EXPORT_COLOR = "#2b8a3e";

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver browser;
    private final Path profile;
    private final int port;

    DashboardPage(int port) throws Exception {
        ensureChromium();
        this.port = port;
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
                "--window-size=1400,900",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
    }

    ChromeDriver browser() {
        return browser;
    }

    /**
     * A fresh tab state (no stored token), then the page at {@code query}. The storage is cleared on a page of the
     * same origin that is not the dashboard, which would connect at once with a token it kept.
     */
    void openClean(String query) {
        browser.get("http://127.0.0.1:" + port + "/health");
        browser.executeScript("sessionStorage.clear()");
        load(query);
    }

    void load(String query) {
        browser.get("http://127.0.0.1:" + port + "/" + (query.isEmpty() ? "" : "?" + query));
    }

    /** Types the token into the form and connects, as a person does once per tab. */
    void connectWithToken(String token) {
        browser.findElement(By.id("token")).clear();
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("connect")).click();
    }

    Object script(String js, Object... args) {
        return browser.executeScript(js, args);
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    String value(String id) {
        return browser.findElement(By.id(id)).getAttribute("value");
    }

    /** The counts table (label to count), read in one script run: the page rebuilds it as records arrive. */
    Map<String, String> counts() {
        Object rows = script("return Array.from(document.querySelectorAll('#counts tbody tr'),"
                + " r => [r.cells[0].textContent, r.cells[1].textContent])");
        Map<String, String> counts = new LinkedHashMap<>();
        for (Object row : (List<?>) rows) {
            List<?> cells = (List<?>) row;
            counts.put(String.valueOf(cells.get(0)), String.valueOf(cells.get(1)));
        }
        return counts;
    }

    /** The data attributes of each row of a table (export progress, freshness), in one script run. */
    @SuppressWarnings("unchecked")
    List<Map<String, String>> rows(String tableId) {
        return (List<Map<String, String>>) script(
                "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'),"
                        + " r => Object.assign({text: r.textContent}, r.dataset))",
                tableId);
    }

    /** Waits until the page shows exactly these event ids, each once, and this many received records. */
    void awaitEvents(Collection<String> ids, int received, Duration wait) {
        await().atMost(wait).untilAsserted(() -> {
            assertThat(text("received")).isEqualTo(Integer.toString(received));
            assertThat(eventIds()).containsExactlyInAnyOrderElementsOf(ids);
        });
    }

    /** The event ids in the latest-events table. */
    List<String> eventIds() {
        Object shown =
                script("return Array.from(document.querySelectorAll('#events tbody tr'), r => r.dataset.eventId)");
        return ((List<?>) shown).stream().map(String::valueOf).toList();
    }

    /**
     * Device pixels of {@code color} (#rrggbb, within a small tolerance for anti-aliasing) that the canvas drew
     * above {@code bottomCss} CSS pixels from its bottom edge.
     */
    long pixelsOfColor(String canvasId, String color, int bottomCss) {
        return ((Number) script("""
                const c = document.getElementById(arguments[0]);
                const [r, g, b] = [1, 3, 5].map(i => parseInt(arguments[1].substr(i, 2), 16));
                const dpr = c.width / Math.max(1, c.clientWidth);
                const h = Math.max(0, c.height - Math.ceil(arguments[2] * dpr));
                if (h === 0 || c.width === 0) return 0;
                const d = c.getContext('2d').getImageData(0, 0, c.width, h).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                  if (d[i + 3] > 200 && Math.abs(d[i] - r) < 40 && Math.abs(d[i + 1] - g) < 40 && Math.abs(d[i + 2] - b) < 40) n++;
                }
                return n;""", canvasId, color, bottomCss)).longValue();
    }

    /** Device pixels of the topic's line in the rate chart, above the chart's zero line (see {@link #pixelsOfColor}). */
    long rateLinePixels(String topic) {
        String color = (String) script(
                "return document.querySelector('#rate-legend li[data-topic=\"' + arguments[0] + '\"]').dataset.color",
                topic);
        return pixelsOfColor("rate-chart", color, 24);
    }

    /** Emulates a viewport (CSS pixels, device pixel ratio, mobile or not) through the DevTools protocol. */
    void viewport(int width, int height, double scale, boolean mobile) {
        browser.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile));
    }

    /**
     * Elements (by selector) whose box reaches past the viewport's right edge or before its left edge, and whether
     * the document is wider than the viewport: what makes a page scroll sideways on a phone.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> horizontalOverflow(String selectors) {
        return (Map<String, Object>) script("""
                const w = document.documentElement.clientWidth;
                const outside = Array.from(document.querySelectorAll(arguments[0]))
                  .filter(e => { const b = e.getBoundingClientRect(); return b.right > w + 0.5 || b.left < -0.5; })
                  .map(e => e.id || e.className || e.tagName);
                return {viewport: w, documentWidth: document.documentElement.scrollWidth, outside};""", selectors);
    }

    /** The tables (by id) that do not fit their panel's width, so that they scroll sideways inside it. */
    List<String> tablesScrollingSideways() {
        Object ids = script("return Array.from(document.querySelectorAll('.scroll'))"
                + ".filter(s => s.scrollWidth > s.clientWidth).map(s => s.querySelector('table').id)");
        return ((List<?>) ids).stream().map(String::valueOf).toList();
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        browser.quit();
        service.stop();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
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
