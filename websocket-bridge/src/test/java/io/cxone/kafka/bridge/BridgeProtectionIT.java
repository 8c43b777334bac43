package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.AUTH;
import static io.cxone.kafka.bridge.BridgeTestSupport.flush;
import static io.cxone.kafka.bridge.BridgeTestSupport.metric;
import static io.cxone.kafka.bridge.BridgeTestSupport.produce;
import static io.cxone.kafka.bridge.BridgeTestSupport.produceBulk;
import static io.cxone.kafka.bridge.BridgeTestSupport.streamUri;
import static io.cxone.kafka.bridge.BridgeTestSupport.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.testkit.TestServices;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Auth, Origin, limits, slow clients and shutdown, against the real embedded Kafka. */
class BridgeProtectionIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static BridgeServer bridge;

    @BeforeAll
    static void start() throws Exception {
        TestServices.connect();
        bridge = BridgeTestSupport.startBridge(m -> {
            m.put("limits.connections.per.address", "5");
            m.put("limits.subscriptions.per.client", "2");
        });
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void tokensAndOriginsAreChecked() throws Exception {
        String topic = uniqueTopic("allowed.auth", 1);
        String uri = "topics=" + topic;
        assertThat(WsTestClient.refusedStatus(streamUri(bridge, uri), Map.of()))
                .as("no token")
                .isEqualTo(401);
        assertThat(WsTestClient.refusedStatus(streamUri(bridge, uri), Map.of("Authorization", "Bearer nope-nope-nope")))
                .isEqualTo(401);
        assertThat(WsTestClient.refusedStatus(streamUri(bridge, uri + "&token=wrong"), Map.of()))
                .isEqualTo(401);

        Map<String, String> evil = new HashMap<>(AUTH);
        evil.put("Origin", "http://evil.example");
        assertThat(WsTestClient.refusedStatus(streamUri(bridge, uri), evil))
                .as("foreign origin")
                .isEqualTo(403);

        Map<String, String> same = new HashMap<>();
        same.put("Origin", "http://127.0.0.1:" + bridge.port());
        try (WsTestClient ok = WsTestClient.connect(
                streamUri(bridge, uri + "&token=" + BridgeTestSupport.LIMITED_TOKEN), same, false, false)) {
            assertThat(ok.next(WAIT).get("type").asText())
                    .as("query token, same origin")
                    .isEqualTo("subscribed");
        }

        // A token only gets the topics its patterns allow: error frame, then close 1008 with the reason.
        String secret = uniqueTopic("secret", 1);
        WsTestClient denied = WsTestClient.connect(
                streamUri(bridge, "topics=" + secret),
                Map.of("Authorization", "Bearer " + BridgeTestSupport.LIMITED_TOKEN),
                false,
                false);
        JsonNode error = denied.next(WAIT);
        assertThat(error.get("code").asText()).isEqualTo("bad_subscribe");
        assertThat(error.get("message").asText()).contains("topic '" + secret + "' is not allowed for token 'limited'");
        CloseStatus status = denied.awaitClosed(WAIT);
        assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION);
        assertThat(status.getReason()).contains("not allowed");

        assertThat(BridgeTestSupport.get(bridge, "/metrics").body())
                .contains(
                        "bridge_connections_rejected_total{reason=\"auth\"} 3",
                        "bridge_connections_rejected_total{reason=\"origin\"} 1");
    }

    @Test
    void badSubscribeMessagesAndLimitsAreExplained() throws Exception {
        String a = uniqueTopic("lim-a", 1);
        String b = uniqueTopic("lim-b", 1);
        String c = uniqueTopic("lim-c", 1);
        try (WsTestClient client = WsTestClient.connect(streamUri(bridge, ""), AUTH, false, false)) {
            client.send("{\"type\":\"subscribe\",\"topics\":\"" + a + "\"}");
            assertThat(client.next(WAIT).get("message").asText()).contains("topics: expected a non-empty array");
            client.send("{\"type\":\"subscribe\",\"topics\":[\"does-not-exist-" + System.nanoTime() + "\"]}");
            assertThat(client.next(WAIT).get("message").asText()).contains("does not exist");
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + a + "\",\"" + b + "\"]}");
            assertThat(client.next(WAIT).get("type").asText()).isEqualTo("subscribed");
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + c + "\"]}");
            assertThat(client.next(WAIT).get("message").asText()).contains("subscription limit: at most 2 topics");
            produce(b, 0, null, "{\"still\":\"streaming\"}".getBytes(StandardCharsets.UTF_8));
            flush();
            assertThat(client.next(WAIT).at("/value/still").asText()).isEqualTo("streaming");
        }
    }

    @Test
    void resumeOffsetBeyondTheLogEndIsRefusedAndOneAtTheEndWaitsForTheNextRecord() throws Exception {
        String topic = uniqueTopic("resume-end", 1);
        produce(topic, 0, null, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
        flush();
        try (WsTestClient client = WsTestClient.connect(streamUri(bridge, ""), AUTH, false, false)) {
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"],\"offsets\":{\"" + topic
                    + "\":{\"0\":5}}}");
            JsonNode error = client.next(WAIT);
            assertThat(error.get("code").asText()).isEqualTo("bad_subscribe");
            assertThat(error.get("message").asText())
                    .contains("topic '" + topic + "' partition 0: offset 5 is beyond the end of the log (1)");
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"],\"offsets\":{\"" + topic
                    + "\":{\"0\":1}}}");
            assertThat(client.next(WAIT).get("type").asText()).isEqualTo("subscribed");
            produce(topic, 0, null, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            flush();
            JsonNode next = client.next(WAIT);
            assertThat(next.get("offset").asLong()).isEqualTo(1);
            assertThat(next.at("/value/n").asInt()).isEqualTo(1);
        }
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        String topic = uniqueTopic("per-address", 1);
        WsTestClient[] open = new WsTestClient[5];
        await().atMost(WAIT).until(() -> bridge.clientCount() == 0);
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = WsTestClient.connect(streamUri(bridge, "topics=" + topic), AUTH, false, false);
            }
            assertThat(WsTestClient.refusedStatus(streamUri(bridge, "topics=" + topic), AUTH))
                    .isEqualTo(429);
        } finally {
            for (WsTestClient c : open) {
                if (c != null) {
                    c.close();
                }
            }
        }
        await().atMost(WAIT).until(() -> bridge.clientCount() == 0);
        WsTestClient.connect(streamUri(bridge, "topics=" + topic), AUTH, false, false)
                .close();
    }

    @Test
    void slowClientLosesOldestFramesAndNeverDelaysAFastOne() throws Exception {
        BridgeServer dropping = BridgeTestSupport.startBridge(m -> {
            m.put("client.queue.max.messages", "50");
            m.put("client.slow.policy", "drop-oldest");
        });
        try {
            String topic = uniqueTopic("slow-drop", 1);
            WsTestClient slow = WsTestClient.connect(streamUri(dropping, "topics=" + topic), AUTH, false, true);
            WsTestClient fast = WsTestClient.connect(streamUri(dropping, "topics=" + topic), AUTH, false, false);
            slow.nextOfType("subscribed", WAIT);
            fast.nextOfType("subscribed", WAIT);
            int count = produceBulk(topic, 3000, 8 * 1024);
            for (int i = 0; i < count; i++) {
                assertThat(fast.next(WAIT).get("offset").asLong()).isEqualTo(i);
            }
            await().atMost(WAIT).until(() -> metric(dropping, "bridge_frames_dropped_total") > 0);
            slow.resume();
            JsonNode dropped = slow.nextOfType("dropped", WAIT);
            assertThat(dropped.get("frames").asLong()).isPositive();
            JsonNode range = dropped.get("ranges").get(0);
            assertThat(range.get("topic").asText()).isEqualTo(topic);
            long after = slow.nextOfType("record", WAIT).get("offset").asLong();
            assertThat(after).isEqualTo(range.get("toOffset").asLong() + 1);
            slow.close();
            fast.close();
        } finally {
            dropping.close();
        }
    }

    @Test
    void slowClientIsDisconnectedWithAReasonUnderTheDisconnectPolicy() throws Exception {
        BridgeServer strict = BridgeTestSupport.startBridge(m -> {
            m.put("client.queue.max.messages", "50");
            m.put("client.slow.policy", "disconnect");
            m.put("shutdown.grace.ms", "20000");
        });
        try {
            String topic = uniqueTopic("slow-disconnect", 1);
            WsTestClient slow = WsTestClient.connect(streamUri(strict, "topics=" + topic), AUTH, false, true);
            WsTestClient fast = WsTestClient.connect(streamUri(strict, "topics=" + topic), AUTH, false, false);
            slow.nextOfType("subscribed", WAIT);
            fast.nextOfType("subscribed", WAIT);
            int count = produceBulk(topic, 3000, 8 * 1024);
            for (int i = 0; i < count; i++) {
                assertThat(fast.next(WAIT).get("offset").asLong()).isEqualTo(i);
            }
            await().atMost(WAIT).until(() -> metric(strict, "bridge_slow_client_disconnects_total") == 1);
            slow.resume();
            CloseStatus status = slow.awaitClosed(WAIT);
            assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION);
            assertThat(status.getReason()).contains("slow client: outgoing queue full");
            fast.close();
        } finally {
            strict.close();
        }
    }

    @Test
    void shutdownSendsCloseFrames() throws Exception {
        BridgeServer stopping = BridgeTestSupport.startBridge(m -> {});
        String topic = uniqueTopic("shutdown", 1);
        WsTestClient client = WsTestClient.connect(streamUri(stopping, "topics=" + topic), AUTH, false, false);
        client.nextOfType("subscribed", WAIT);
        stopping.close();
        CloseStatus status = client.awaitClosed(WAIT);
        assertThat(status.getCode()).isEqualTo(CloseStatus.SHUTDOWN);
        assertThat(status.getReason()).isEqualTo("server shutting down");
    }

    @Test
    void tlsOption() throws Exception {
        java.nio.file.Path keystore =
                java.nio.file.Files.createTempDirectory("bridge-tls").resolve("bridge.p12");
        Process keytool = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "bridge",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .inheritIO()
                .start();
        assertThat(keytool.waitFor()).isZero();
        BridgeServer tls = BridgeTestSupport.startBridge(m -> {
            m.put("tls.enabled", "true");
            m.put("tls.keystore.path", keystore.toString());
            m.put("tls.keystore.password", "changeit");
        });
        try {
            String topic = uniqueTopic("tls", 1);
            Map<String, String> headers = new HashMap<>(AUTH);
            headers.put("Origin", "https://127.0.0.1:" + tls.port());
            URI uri = URI.create("wss://127.0.0.1:" + tls.port() + "/stream?topics=" + topic);
            try (WsTestClient client = WsTestClient.connect(uri, headers, false, false)) {
                client.nextOfType("subscribed", WAIT);
                produce(topic, 0, null, "{\"secure\":true}".getBytes(StandardCharsets.UTF_8));
                flush();
                assertThat(client.nextOfType("record", WAIT).at("/value/secure").asBoolean())
                        .isTrue();
            }
            headers.put("Origin", "http://127.0.0.1:" + tls.port());
            assertThat(WsTestClient.refusedStatus(uri, headers))
                    .as("plain-http origin on a TLS listener")
                    .isEqualTo(403);
        } finally {
            tls.close();
        }
    }
}
