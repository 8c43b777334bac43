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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consumer and input limits, and internal topics, against the real embedded Kafka: a subscription that would
 * exceed a limit is refused with a frame naming the limit and its setting, while the other clients stream on.
 */
class BridgeLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void start() {
        TestServices.connect();
    }

    @Test
    void newFeedsAndGroupReadersBeyondTheTotalAreRefusedWhileSharedFeedsAndOtherClientsGoOn() throws Exception {
        BridgeServer bridge = BridgeTestSupport.startBridge(m -> {
            m.put("limits.consumers.total", "2");
        });
        List<WsTestClient> open = new ArrayList<>();
        try {
            String a = uniqueTopic("cap-a", 1);
            String b = uniqueTopic("cap-b", 1);
            String c = uniqueTopic("cap-c", 1);
            WsTestClient onA = connect(bridge, "topics=" + a, open);
            WsTestClient onB = connect(bridge, "topics=" + b, open);
            onA.nextOfType("subscribed", WAIT);
            onB.nextOfType("subscribed", WAIT);
            assertThat(metric(bridge, "bridge_kafka_consumers")).isEqualTo(2);

            // A third partition would need a third feed: refused, the URL subscription closes with the reason.
            WsTestClient onC = connect(bridge, "topics=" + c, open);
            JsonNode refused = onC.next(WAIT);
            assertThat(refused.get("code").asText()).isEqualTo("limit_exceeded");
            assertThat(refused.get("message").asText()).contains("limits.consumers.total=2");
            CloseStatus status = onC.awaitClosed(WAIT);
            assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION);
            assertThat(status.getReason()).contains("consumer limit");

            // A group-mode reader is a consumer of its own: refused too (the connection stays open for another try).
            WsTestClient group = connect(bridge, "", open);
            group.send("{\"type\":\"subscribe\",\"topics\":[\"" + a + "\"],\"group\":\"cap\"}");
            JsonNode groupRefused = group.next(WAIT);
            assertThat(groupRefused.get("code").asText()).isEqualTo("limit_exceeded");
            assertThat(groupRefused.get("message").asText()).contains("limits.consumers.total=2");

            // The same partition as a running feed shares it: no new consumer, accepted.
            WsTestClient alsoOnA = connect(bridge, "topics=" + a, open);
            alsoOnA.nextOfType("subscribed", WAIT);
            assertThat(metric(bridge, "bridge_kafka_consumers")).isEqualTo(2);

            produce(a, 0, null, "{\"on\":\"a\"}".getBytes(StandardCharsets.UTF_8));
            produce(b, 0, null, "{\"on\":\"b\"}".getBytes(StandardCharsets.UTF_8));
            flush();
            assertThat(onA.nextOfType("record", WAIT).at("/value/on").asText()).isEqualTo("a");
            assertThat(alsoOnA.nextOfType("record", WAIT).at("/value/on").asText())
                    .isEqualTo("a");
            assertThat(onB.nextOfType("record", WAIT).at("/value/on").asText()).isEqualTo("b");

            // A feed whose clients left keeps its consumer for a while (for a quick reconnect), unless that consumer
            // is needed: at the limit it is stopped and a new subscription gets its slot.
            onB.close();
            await().atMost(WAIT).until(() -> metric(bridge, "bridge_partition_feeds_idle") == 1);
            WsTestClient nowOnC = connect(bridge, "topics=" + c, open);
            assertThat(nowOnC.next(WAIT).get("type").asText()).isEqualTo("subscribed");
            assertThat(metric(bridge, "bridge_kafka_consumers")).isEqualTo(2);
            produce(c, 0, null, "{\"on\":\"c\"}".getBytes(StandardCharsets.UTF_8));
            flush();
            assertThat(nowOnC.nextOfType("record", WAIT).at("/value/on").asText())
                    .isEqualTo("c");
        } finally {
            open.forEach(WsTestClient::close);
        }
        // Every slot taken is given back: the feeds stop once unused for their linger time.
        await().atMost(WAIT).until(() -> metric(bridge, "bridge_kafka_consumers") == 0);
        bridge.close();
    }

    @Test
    void aSecondCatchUpReaderOnOneConnectionIsRefusedWhileItsFirstAndOtherClientsStream() throws Exception {
        BridgeServer bridge = BridgeTestSupport.startBridge(m -> {
            m.put("limits.consumers.per.connection", "1");
            m.put("client.queue.max.messages", "50");
            // Small polls: the catch-up reader waits for room in the paused client's queue and drops nothing.
            m.put("kafka.consumer.max.poll.records", "10");
        });
        List<WsTestClient> open = new ArrayList<>();
        try {
            String backlog = uniqueTopic("cap-backlog", 1);
            String other = uniqueTopic("cap-other", 1);
            // More than the socket buffers hold: the paused client's catch-up reader cannot finish.
            produceBulk(backlog, 3000, 8 * 1024);
            produce(other, 0, null, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
            flush();
            WsTestClient streaming = connect(bridge, "topics=" + other, open);
            streaming.nextOfType("subscribed", WAIT);

            WsTestClient paused = WsTestClient.connect(streamUri(bridge, ""), AUTH, false, true);
            open.add(paused);
            paused.send("{\"type\":\"subscribe\",\"topics\":[\"" + backlog + "\"],\"start\":\"earliest\"}");
            await().atMost(WAIT)
                    .until(() -> metric(bridge, "bridge_kafka_consumers") == 3); // 2 feeds + 1 catch-up reader
            paused.send("{\"type\":\"subscribe\",\"topics\":[\"" + other + "\"],\"start\":\"earliest\"}");

            produce(other, 0, null, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            flush();
            assertThat(streaming.nextOfType("record", WAIT).at("/value/n").asInt())
                    .isEqualTo(1);

            paused.resume();
            long expected = 0;
            while (true) {
                JsonNode frame = paused.next(WAIT);
                String type = frame.get("type").asText();
                if (type.equals("error")) {
                    assertThat(frame.get("code").asText()).isEqualTo("limit_exceeded");
                    assertThat(frame.get("message").asText()).contains("limits.consumers.per.connection=1");
                    break;
                }
                assertThat(type).as("frame before the refusal: %s", frame).isIn("subscribed", "record");
                if (type.equals("record")) {
                    assertThat(frame.get("offset").asLong()).isEqualTo(expected++);
                }
            }
            // The first subscription goes on to the end of the backlog, in order, nothing dropped.
            while (expected < 3000) {
                assertThat(paused.nextOfType("record", WAIT).get("offset").asLong())
                        .isEqualTo(expected++);
            }
        } finally {
            open.forEach(WsTestClient::close);
            bridge.close();
        }
    }

    @Test
    void internalTopicsAreNeverStreamedWhateverTheTokenAllows() throws Exception {
        String mirrorInternal = uniqueTopic("ops-internal", 1);
        BridgeServer bridge =
                BridgeTestSupport.startBridge(m -> m.put("topics.internal", "connect-offsets," + mirrorInternal));
        List<WsTestClient> open = new ArrayList<>();
        try {
            // The IT token's pattern is ".*".
            WsTestClient byUrl = connect(bridge, "topics=__consumer_offsets&start=earliest", open);
            JsonNode refused = byUrl.next(WAIT);
            assertThat(refused.get("code").asText()).isEqualTo("bad_subscribe");
            assertThat(refused.get("message").asText())
                    .contains("topic '__consumer_offsets' is internal", "topics.internal");
            assertThat(byUrl.awaitClosed(WAIT).getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION);

            WsTestClient byMessage = connect(bridge, "", open);
            for (String topic : List.of(mirrorInternal, "connect-offsets", "__transaction_state")) {
                byMessage.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"],\"start\":\"earliest\"}");
                assertThat(byMessage.next(WAIT).get("message").asText()).contains("topic '" + topic + "' is internal");
            }
            byMessage.send("{\"type\":\"subscribe\",\"topics\":[\"__consumer_offsets\"],\"group\":\"peek\"}");
            assertThat(byMessage.next(WAIT).get("message").asText()).contains("topic '__consumer_offsets' is internal");

            // Ordinary topics still stream on the same connection.
            String ordinary = uniqueTopic("not-internal", 1);
            byMessage.send("{\"type\":\"subscribe\",\"topics\":[\"" + ordinary + "\"]}");
            assertThat(byMessage.next(WAIT).get("type").asText()).isEqualTo("subscribed");
        } finally {
            open.forEach(WsTestClient::close);
            bridge.close();
        }
    }

    @Test
    void oversizeMessagesAndRequestLinesAreRefusedNamingTheSetting() throws Exception {
        BridgeServer bridge = BridgeTestSupport.startBridge(m -> {
            m.put("limits.message.max.bytes", "1024");
            m.put("limits.request.header.bytes", "2048");
        });
        List<WsTestClient> open = new ArrayList<>();
        try {
            WsTestClient client = connect(bridge, "", open);
            client.send("{\"type\":\"subscribe\",\"topics\":[\"" + "t".repeat(1500) + "\"]}");
            assertThat(client.next(WAIT).get("message").asText())
                    .isEqualTo("message larger than 1024 bytes (limits.message.max.bytes)");

            int status = WsTestClient.refusedStatus(streamUri(bridge, "token=" + "x".repeat(3000)), java.util.Map.of());
            assertThat(status)
                    .as("query string beyond limits.request.header.bytes")
                    .isIn(414, 431);

            // A presented token longer than any secret can be is refused before it is compared.
            assertThat(upgradeResponse(bridge, "Bearer " + "x".repeat(BridgeConfig.TOKEN_MAX_CHARS + 1)))
                    .startsWith("HTTP/1.1 401")
                    .contains("invalid token: longer than 512 characters");
        } finally {
            open.forEach(WsTestClient::close);
            bridge.close();
        }
    }

    /**
     * The raw answer to an upgrade request (status line, headers and error body): Jetty's WebSocket client only
     * reports the status of a refused upgrade, Java's HttpClient does not send Upgrade headers.
     */
    private static String upgradeResponse(BridgeServer bridge, String authorization) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", bridge.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            String request = "GET /stream HTTP/1.1\r\nHost: 127.0.0.1:" + bridge.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: " + authorization + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static WsTestClient connect(BridgeServer bridge, String query, List<WsTestClient> open) throws Exception {
        WsTestClient client = WsTestClient.connect(streamUri(bridge, query), AUTH, false, false);
        open.add(client);
        return client;
    }
}
