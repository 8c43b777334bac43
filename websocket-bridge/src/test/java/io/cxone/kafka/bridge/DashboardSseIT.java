package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.flush;
import static io.cxone.kafka.bridge.DashboardRecords.event;
import static io.cxone.kafka.bridge.DashboardRecords.produceChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.testkit.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in real headless Chromium behind a proxy that refuses WebSocket upgrades ({@link
 * UpgradeRefusingProxy}), against a bridge on the harness's real Kafka: the page falls back to Server-Sent Events and
 * shows the records as it does over the WebSocket (ids, counts, charts, verified checksums, freshness, export chunk
 * check); when the proxy drops the event stream mid-stream, the page opens a new one with a new ticket and its last
 * event id and ends with every record exactly once; {@code ?transport=sse} uses SSE without trying the WebSocket.
 */
class DashboardSseIT {

    /** Generous: the machine is shared, and the page first tries the WebSocket. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static BridgeServer bridge;
    private static UpgradeRefusingProxy proxy;
    private static DashboardPage page;

    @BeforeAll
    static void start() throws Exception {
        TestServices.connect();
        bridge = BridgeTestSupport.startBridge(m -> {});
        proxy = new UpgradeRefusingProxy(bridge.port());
        page = new DashboardPage(proxy.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (page != null) {
            page.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void behindAProxyThatRefusesWebSocketUpgradesThePageShowsTheRecordsOverSse() throws Exception {
        String events = BridgeTestSupport.uniqueTopic("dashboard-sse", 2);
        String chunks = BridgeTestSupport.uniqueTopic("dashboard-sse-export", 1);
        long eventTime = System.currentTimeMillis() - 5000;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            ids.add(event(events, i, i % 3 == 0 ? "HOLD" : i % 2 == 0 ? "LOGOUT" : "LOGIN", eventTime));
        }
        List<String> rows = List.of("{\"id\":\"r-1\",\"v\":1.5}", "{\"id\":\"r-2\",\"v\":2}", "{\"id\":\"r-3\"}");
        produceChunk(chunks, "sse-job", rows, rows, i -> 0, true);
        ids.addAll(List.of("r-1", "r-2", "r-3"));
        flush();
        int refusedBefore = proxy.refusedUpgrades();
        int streamsBefore = proxy.eventStreamQueries().size();

        page.openClean("topics=" + events + "," + chunks + "&start=earliest");
        page.connectWithToken(BridgeTestSupport.TOKEN);
        page.awaitEvents(ids, 9, WAIT);
        assertThat(page.text("status")).isEqualTo("live · SSE");
        assertThat(proxy.refusedUpgrades()).as("the WebSocket was tried first").isGreaterThan(refusedBefore);
        assertThat(proxy.eventStreamQueries()).hasSize(streamsBefore + 1);
        // The event stream was opened with a single-use ticket: the token is not in its URL.
        assertThat(String.valueOf(page.script("return state.socket.url")))
                .contains("/sse?")
                .contains("ticket=")
                .doesNotContain(BridgeTestSupport.TOKEN);

        // The same views as over the WebSocket, from the same frames.
        assertThat(page.counts())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("LOGIN", "2", "LOGOUT", "2", "HOLD", "2", "export rows · " + chunks, "3"));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.text("verified")).isEqualTo("9"));
        assertThat(page.text("checksum-failures")).isEqualTo("0");
        assertThat(page.text("reconnects")).isEqualTo("0");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.rows("exports")).singleElement().satisfies(row -> assertThat(row)
                    .containsEntry("source", chunks)
                    .containsEntry("rows", "3")
                    .containsEntry("check", "verified"));
            assertThat(page.rows("freshness")).anySatisfy(row -> {
                assertThat(row).containsEntry("topic", events).containsEntry("basis", "event time");
                assertThat(row).containsEntry("samples", "6");
                assertThat(Long.parseLong(row.get("p50"))).isGreaterThanOrEqualTo(5000);
            });
            assertThat(page.rateLinePixels(events)).isGreaterThan(10);
        });
        assertThat(page.pixelsOfColor("counts-chart", DashboardPage.ACTION_COLOR, 0))
                .isGreaterThan(100);
        assertThat(page.pixelsOfColor("counts-chart", DashboardPage.EXPORT_COLOR, 0))
                .isGreaterThan(10);
    }

    @Test
    void anEventStreamDroppedMidStreamResumesFromTheLastEventIdWithNoGapAndNoDuplicate() throws Exception {
        String topic = BridgeTestSupport.uniqueTopic("dashboard-sse-resume", 3);
        // Every record has an action type of its own: the counts table then shows each one exactly once.
        Map<String, String> expected = new ConcurrentHashMap<>();
        for (int i = 1; i <= 20; i++) {
            produceOne(topic, i, expected);
        }
        flush();
        int streamsBefore = proxy.eventStreamQueries().size();
        page.openClean("topics=" + topic + "&start=earliest");
        page.connectWithToken(BridgeTestSupport.TOKEN);
        awaitExactly(expected);
        assertThat(page.text("status")).isEqualTo("live · SSE");

        // Records flow while the proxy drops the stream: some are on the wire, some produced while it reconnects.
        Thread producer = new Thread(() -> {
            for (int i = 21; i <= 120; i++) {
                produceOne(topic, i, expected);
                if (i % 5 == 0) {
                    flush();
                }
            }
        });
        producer.start();
        await().atMost(WAIT).until(() -> Integer.parseInt(page.text("received")) >= 40);
        // At least the live one (streams of earlier pages are gone, but their connections may not be noticed yet).
        assertThat(proxy.dropEventStreams()).as("event streams dropped").isPositive();
        producer.join();
        for (int i = 121; i <= 150; i++) {
            produceOne(topic, i, expected);
        }
        flush();

        awaitExactly(expected);
        assertThat(page.text("reconnects")).isEqualTo("1");
        assertThat(page.text("status")).isEqualTo("live · SSE");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.text("verified")).isEqualTo("150"));
        // The new stream: a new ticket, and the last event id received (the token in neither).
        List<String> streams = proxy.eventStreamQueries();
        assertThat(streams).hasSize(streamsBefore + 2);
        String first = streams.get(streamsBefore);
        String resumed = streams.get(streamsBefore + 1);
        assertThat(first).contains("ticket=").doesNotContain("lastEventId=");
        assertThat(resumed).contains("ticket=").contains("lastEventId=");
        assertThat(ticketOf(resumed)).isNotEqualTo(ticketOf(first));
        assertThat(streams).noneSatisfy(q -> assertThat(q).contains(BridgeTestSupport.TOKEN));
    }

    @Test
    void transportSseInThePageAddressUsesSseWithoutTryingTheWebSocket() {
        String topic = BridgeTestSupport.uniqueTopic("dashboard-sse-forced", 1);
        List<String> ids = List.of(
                event(topic, 1, "LOGIN", System.currentTimeMillis()),
                event(topic, 2, "LOGOUT", System.currentTimeMillis()));
        flush();
        page.openClean("topics=" + topic + "&start=earliest&transport=sse");
        int refusedBefore = proxy.refusedUpgrades();
        page.connectWithToken(BridgeTestSupport.TOKEN);
        page.awaitEvents(ids, 2, WAIT);
        assertThat(page.text("status")).isEqualTo("live · SSE");
        assertThat(proxy.refusedUpgrades()).as("no WebSocket tried").isEqualTo(refusedBefore);
        assertThat(page.counts()).containsExactlyInAnyOrderEntriesOf(Map.of("LOGIN", "1", "LOGOUT", "1"));
    }

    private static void produceOne(String topic, int n, Map<String, String> expected) {
        String action = "ACTION-" + n;
        event(topic, n, action, System.currentTimeMillis());
        expected.put(action, "1");
    }

    /** Waits until the page received exactly the expected records, each counted once. */
    private static void awaitExactly(Map<String, String> expected) {
        Map<String, String> counts = Map.copyOf(expected);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.text("received")).isEqualTo(Integer.toString(counts.size()));
            assertThat(page.counts()).containsExactlyInAnyOrderEntriesOf(counts);
        });
    }

    private static String ticketOf(String query) {
        for (String param : query.split("&")) {
            if (param.startsWith("ticket=")) {
                return param.substring("ticket=".length());
            }
        }
        throw new AssertionError("no ticket in " + query);
    }
}
