package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeTestSupport.AUTH;
import static io.cxone.kafka.bridge.BridgeTestSupport.LIMITED_TOKEN;
import static io.cxone.kafka.bridge.BridgeTestSupport.flush;
import static io.cxone.kafka.bridge.BridgeTestSupport.metric;
import static io.cxone.kafka.bridge.BridgeTestSupport.produce;
import static io.cxone.kafka.bridge.BridgeTestSupport.produceBulk;
import static io.cxone.kafka.bridge.BridgeTestSupport.streamUri;
import static io.cxone.kafka.bridge.BridgeTestSupport.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.sse.StreamPositions;
import io.cxone.kafka.testkit.TestServices;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /sse} on the real embedded Kafka with the JDK's HttpClient reading the stream as it arrives: records as
 * events carrying the WebSocket's frames, resume by {@code Last-Event-ID} without gap or duplicate, the WebSocket's
 * auth, Origin rules and limits, single-use tickets, heartbeats, and slow clients under both policies.
 */
class BridgeSseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static BridgeServer bridge;

    @BeforeAll
    static void start() throws Exception {
        TestServices.connect();
        bridge = BridgeTestSupport.startBridge(m -> {});
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private static URI sse(BridgeServer server, String query) {
        return URI.create("http://127.0.0.1:" + server.port() + "/sse?" + query);
    }

    private static URI api(BridgeServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void recordsArriveAsEventsCarryingTheWebSocketsFramesAndIds() throws Exception {
        String topic = uniqueTopic("sse-events", 2);
        for (int i = 0; i < 6; i++) {
            produce(
                    topic,
                    i % 2,
                    "k-" + i,
                    ("{\"n\":" + i + ",\"text\":\"line\\nbreak\"}").getBytes(StandardCharsets.UTF_8));
        }
        flush();
        List<String> viaWebSocket = new ArrayList<>();
        try (WsTestClient ws =
                WsTestClient.connect(streamUri(bridge, "topics=" + topic + "&start=earliest"), AUTH, false, false)) {
            ws.nextOfType("subscribed", WAIT);
            for (int i = 0; i < 6; i++) {
                viaWebSocket.add(ws.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        try (SseTestClient client =
                SseTestClient.open(sse(bridge, "topics=" + topic + "&start=earliest"), AUTH, false)) {
            SseTestClient.Event subscribed = client.nextEvent(WAIT);
            assertThat(SseTestClient.frame(subscribed).get("type").asText()).isEqualTo("subscribed");
            assertThat(client.retry).as("retry: hint (sse.retry.ms)").isEqualTo(3000);
            assertThat(StreamPositions.parse(subscribed.id(), List.of(topic), 256))
                    .isEqualTo(Map.of(topic, Map.of(0, 0L, 1, 0L)));
            List<String> viaSse = new ArrayList<>();
            Map<Integer, Long> next = new TreeMap<>(Map.of(0, 0L, 1, 0L));
            for (int i = 0; i < 6; i++) {
                SseTestClient.Event event = client.nextEvent(WAIT);
                JsonNode record = SseTestClient.frame(event);
                assertThat(record.get("type").asText()).isEqualTo("record");
                next.put(record.get("partition").asInt(), record.get("offset").asLong() + 1);
                assertThat(StreamPositions.parse(event.id(), List.of(topic), 256))
                        .as("the id: the next offsets of everything delivered so far")
                        .isEqualTo(Map.of(topic, next));
                viaSse.add(event.data());
            }
            // Both partitions interleave differently on the two streams: the same frames, byte for byte.
            assertThat(viaSse).containsExactlyInAnyOrderElementsOf(viaWebSocket);
        }
    }

    @Test
    void reconnectingWithTheLastEventIdResumesWithNoGapAndNoDuplicate() throws Exception {
        String topic = uniqueTopic("sse-resume", 3);
        int total = 1500;
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                produce(topic, null, "k" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                if (i % 50 == 49) {
                    flush();
                }
            }
            flush();
        });
        producer.start();

        BridgeTestSupport.ExactlyOnce received = new BridgeTestSupport.ExactlyOnce();
        Random random = new Random(7);
        String lastId = null;
        int reconnects = 0;
        while (received.count() < total) {
            Map<String, String> headers = new HashMap<>(AUTH);
            String query = "topics=" + topic + "&start=earliest";
            if (lastId != null && reconnects % 3 == 2) {
                query += "&lastEventId=" + lastId; // the fallback for clients that cannot send the header
            } else if (lastId != null) {
                headers.put("Last-Event-ID", lastId);
            }
            try (SseTestClient client = SseTestClient.open(sse(bridge, query), headers, false)) {
                SseTestClient.Event subscribed = client.nextEvent(WAIT);
                assertThat(SseTestClient.frame(subscribed).get("type").asText()).isEqualTo("subscribed");
                if (lastId != null) {
                    assertThat(subscribed.id())
                            .as("resumed where the last event left off")
                            .isEqualTo(lastId);
                }
                lastId = subscribed.id();
                int take = reconnects < 30 ? 1 + random.nextInt(60) : Integer.MAX_VALUE;
                for (int i = 0; i < take && received.count() < total; i++) {
                    SseTestClient.Event event = client.nextEvent(WAIT);
                    received.received(SseTestClient.frame(event));
                    lastId = event.id();
                }
            } // the connection drops mid-stream: later events may be on the wire
            reconnects++;
        }
        producer.join();
        assertThat(reconnects).isGreaterThanOrEqualTo(30);
        assertThat(received.count()).isEqualTo(total);
        assertThat(received.partitions()).isEqualTo(3);
    }

    @Test
    void tokensOriginsAndTopicPermissionsAreTheWebSockets() throws Exception {
        String allowed = uniqueTopic("allowed.sse", 1);
        String secret = uniqueTopic("secret-sse", 1);
        URI uri = sse(bridge, "topics=" + allowed);
        assertAnswer(SseTestClient.refused(uri, Map.of()), 401, "missing token");
        assertThat(SseTestClient.refused(uri, Map.of("Authorization", "Bearer nope-nope-nope"))
                        .status())
                .isEqualTo(401);
        assertThat(SseTestClient.refused(sse(bridge, "topics=" + allowed + "&token=wrong"), Map.of())
                        .status())
                .isEqualTo(401);

        Map<String, String> evil = new HashMap<>(AUTH);
        evil.put("Origin", "http://evil.example");
        SseTestClient.Answer foreign = SseTestClient.refused(uri, evil);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("origin not allowed: http://evil.example");

        SseTestClient.Answer forbidden = SseTestClient.refused(
                sse(bridge, "topics=" + secret), Map.of("Authorization", "Bearer " + LIMITED_TOKEN));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body()).contains("is not allowed for token");

        // The deprecated query token still opens a stream, from the same origin.
        try (SseTestClient ok = SseTestClient.open(
                sse(bridge, "topics=" + allowed + "&token=" + LIMITED_TOKEN),
                Map.of("Origin", "http://127.0.0.1:" + bridge.port()),
                false)) {
            assertThat(ok.next(WAIT).get("type").asText()).isEqualTo("subscribed");
        }
    }

    @Test
    void aTicketOpensOneStreamWithItsTokensPermissionsOnSseAndWebSocket() throws Exception {
        String allowed = uniqueTopic("allowed.ticket", 1);
        String secret = uniqueTopic("secret-ticket", 1);
        Map<String, String> limited = Map.of("Authorization", "Bearer " + LIMITED_TOKEN);

        assertThat(SseTestClient.post(api(bridge, "/api/ticket"), Map.of()).statusCode())
                .isEqualTo(401);
        assertThat(SseTestClient.post(api(bridge, "/api/ticket"), Map.of("Authorization", "Bearer wrong-wrong"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(BridgeTestSupport.get(bridge, "/api/ticket").statusCode()).isEqualTo(405);

        HttpResponse<String> issued = SseTestClient.post(api(bridge, "/api/ticket"), limited);
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(issued.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(issued.body());
        assertThat(body.get("expiresInMs").asLong()).isEqualTo(30_000);
        String ticket = body.get("ticket").asText();
        try (SseTestClient stream =
                SseTestClient.open(sse(bridge, "topics=" + allowed + "&ticket=" + ticket), Map.of(), false)) {
            assertThat(stream.next(WAIT).get("type").asText()).isEqualTo("subscribed");
        }
        assertAnswer(
                SseTestClient.refused(sse(bridge, "topics=" + allowed + "&ticket=" + ticket), Map.of()),
                401,
                "invalid ticket: unknown or already used (a ticket opens one stream)");
        assertThat(SseTestClient.refused(sse(bridge, "topics=" + allowed + "&ticket=made-up-ticket"), Map.of())
                        .status())
                .as("an unknown ticket")
                .isEqualTo(401);

        String forSecret = ticket(bridge, limited);
        assertThat(SseTestClient.refused(sse(bridge, "topics=" + secret + "&ticket=" + forSecret), Map.of())
                        .status())
                .as("a ticket reads only what its token may")
                .isEqualTo(403);

        String forWebSocket = ticket(bridge, limited);
        try (WsTestClient ws = WsTestClient.connect(
                streamUri(bridge, "topics=" + allowed + "&ticket=" + forWebSocket), Map.of(), false, false)) {
            assertThat(ws.next(WAIT).get("type").asText()).isEqualTo("subscribed");
        }
        assertThat(WsTestClient.refusedStatus(
                        streamUri(bridge, "topics=" + allowed + "&ticket=" + forWebSocket), Map.of()))
                .isEqualTo(401);
    }

    @Test
    void expiredTicketsAndAFloodOfTicketRequestsAreBounded() throws Exception {
        BridgeServer small = BridgeTestSupport.startBridge(m -> {
            m.put("auth.tickets.max", "20");
            m.put("auth.ticket.ttl.ms", "1000");
        });
        try {
            String topic = uniqueTopic("ticket-flood", 1);
            long floodStarted = System.nanoTime();
            String kept = ticket(small, AUTH);
            int issued = 1;
            List<String> refusals = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> r = SseTestClient.post(api(small, "/api/ticket"), AUTH);
                if (r.statusCode() == 200) {
                    issued++;
                } else {
                    refusals.add(r.statusCode() + " " + r.body());
                }
            }
            // At most 20 outstanding at any moment: 20 per ticket lifetime the flood lasted (on a loaded machine
            // 200 requests can outlast a 1 s lifetime, and expired tickets make room for new ones).
            long lifetimes =
                    1 + Duration.ofNanos(System.nanoTime() - floodStarted).toMillis() / 1000;
            assertThat(issued)
                    .as("tickets issued in %d ticket lifetime(s)", lifetimes)
                    .isLessThanOrEqualTo(20 * (int) lifetimes);
            assertThat(refusals).isNotEmpty().allSatisfy(r -> assertThat(r)
                    .startsWith("429")
                    .contains("too many outstanding tickets (auth.tickets.max=20)"));
            assertThat(metric(small, "bridge_tickets_outstanding")).isBetween(1L, 20L);

            // Expired tickets are forgotten (the store empties) and refused; new ones are issued again.
            await().atMost(WAIT).until(() -> metric(small, "bridge_tickets_outstanding") == 0);
            SseTestClient.Answer expired =
                    SseTestClient.refused(sse(small, "topics=" + topic + "&ticket=" + kept), Map.of());
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.body()).contains("invalid ticket");
            try (SseTestClient stream = SseTestClient.open(
                    sse(small, "topics=" + topic + "&ticket=" + ticket(small, AUTH)), Map.of(), false)) {
                assertThat(stream.next(WAIT).get("type").asText()).isEqualTo("subscribed");
            }
            assertThat(BridgeTestSupport.get(small, "/metrics").body())
                    .contains("bridge_connections_rejected_total{reason=\"tickets\"} " + refusals.size());
        } finally {
            small.close();
        }
    }

    @Test
    void badRequestsAndLastEventIdsAreRefusedNamingTheProblem() throws Exception {
        String topic = uniqueTopic("sse-bad", 1);
        String other = uniqueTopic("sse-other", 1);
        produce(topic, 0, null, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
        flush();
        String id;
        try (SseTestClient client = SseTestClient.open(sse(bridge, "topics=" + other), AUTH, false)) {
            id = client.nextEvent(WAIT).id();
        }
        URI uri = sse(bridge, "topics=" + topic);
        assertAnswer(
                refusedWith(uri, "Last-Event-ID", "not*an*id"),
                400,
                "Last-Event-ID: not an id of this bridge (not base64url");
        assertAnswer(
                refusedWith(uri, "Last-Event-ID", "A".repeat(4000)),
                400,
                "Last-Event-ID: 4000 characters, longer than any id of a stream of these topics");
        assertAnswer(
                refusedWith(uri, "Last-Event-ID", id),
                400,
                "Last-Event-ID: the id belongs to a stream of other topics");
        assertAnswer(
                SseTestClient.refused(sse(bridge, "topics=" + topic + "&lastEventId=AQID"), AUTH),
                400,
                "lastEventId: not an id of this bridge (too short)");
        String beyond = StreamPositions.of(Map.of(topic, Map.of(0, 99L))).id();
        assertAnswer(refusedWith(uri, "Last-Event-ID", beyond), 400, "offset 99 is beyond the end of the log (1)");
        assertThat(refusedWith(uri, "Last-Event-ID", "A".repeat(9000)).status())
                .as("beyond limits.request.header.bytes")
                .isEqualTo(431);

        assertAnswer(
                SseTestClient.refused(sse(bridge, "topics=" + topic + "&batch=10"), AUTH),
                400,
                "batch is not available on /sse");
        assertAnswer(SseTestClient.refused(sse(bridge, "start=earliest"), AUTH), 400, "start given without topics");
        assertAnswer(SseTestClient.refused(sse(bridge, ""), AUTH), 400, "topics is required");
        assertAnswer(
                SseTestClient.refused(sse(bridge, "topics=missing-" + System.nanoTime()), AUTH), 400, "does not exist");
        assertAnswer(
                SseTestClient.refused(sse(bridge, "topics=__consumer_offsets"), AUTH),
                400,
                "is internal to Kafka or Connect");
    }

    @Test
    void heartbeatsKeepAnIdleStreamOpenAndConnectionLimitsAreShared() throws Exception {
        BridgeServer quiet = BridgeTestSupport.startBridge(m -> {
            m.put("sse.heartbeat.interval.ms", "1000");
            m.put("sse.retry.ms", "500");
            m.put("limits.connections.per.address", "2");
        });
        try {
            String topic = uniqueTopic("sse-idle", 1);
            SseTestClient idle = SseTestClient.open(sse(quiet, "topics=" + topic), AUTH, false);
            WsTestClient ws = WsTestClient.connect(streamUri(quiet, "topics=" + topic), AUTH, false, false);
            assertThat(idle.next(WAIT).get("type").asText()).isEqualTo("subscribed");
            assertThat(idle.retry).isEqualTo(500);
            assertThat(idle.comments.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(": heartbeat");
            assertThat(idle.comments.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(": heartbeat");
            produce(topic, 0, null, "{\"after\":\"quiet\"}".getBytes(StandardCharsets.UTF_8));
            flush();
            assertThat(idle.next(WAIT).at("/value/after").asText()).isEqualTo("quiet");

            // One SSE stream and one WebSocket from this address: both kinds count against the same limit.
            assertAnswer(
                    SseTestClient.refused(sse(quiet, "topics=" + topic), AUTH),
                    429,
                    "limits.connections.per.address=2");
            assertThat(WsTestClient.refusedStatus(streamUri(quiet, "topics=" + topic), AUTH))
                    .isEqualTo(429);

            // Shutdown ends the stream (an EventSource reconnects, to this bridge or another).
            quiet.close();
            idle.awaitEnded(WAIT);
            assertThat(ws.awaitClosed(WAIT).getCode()).isEqualTo(CloseStatus.SHUTDOWN);
        } finally {
            quiet.close();
        }
    }

    @Test
    void aSlowClientLosesTheOldestEventsUnderDropOldestAndIsToldWhich() throws Exception {
        BridgeServer dropping = BridgeTestSupport.startBridge(m -> {
            m.put("client.queue.max.messages", "50");
            m.put("client.slow.policy", "drop-oldest");
        });
        try {
            String topic = uniqueTopic("sse-slow-drop", 1);
            SseTestClient slow = SseTestClient.open(sse(dropping, "topics=" + topic), AUTH, true);
            SseTestClient fast = SseTestClient.open(sse(dropping, "topics=" + topic), AUTH, false);
            fast.nextEvent(WAIT);
            int count = produceBulk(topic, 3000, 8 * 1024);
            for (int i = 0; i < count; i++) {
                assertThat(fast.next(WAIT).get("offset").asLong()).isEqualTo(i);
            }
            await().atMost(WAIT).until(() -> metric(dropping, "bridge_frames_dropped_total") > 0);
            slow.resume();
            SseTestClient.Event dropped;
            long delivered = -1;
            while (true) {
                SseTestClient.Event event = slow.nextEvent(WAIT);
                JsonNode frame = SseTestClient.frame(event);
                if (frame.get("type").asText().equals("dropped")) {
                    dropped = event;
                    break;
                }
                if (frame.get("type").asText().equals("record")) {
                    assertThat(frame.get("offset").asLong()).isEqualTo(++delivered);
                }
            }
            JsonNode range = SseTestClient.frame(dropped).get("ranges").get(0);
            assertThat(range.get("fromOffset").asLong()).isEqualTo(delivered + 1);
            long toOffset = range.get("toOffset").asLong();
            assertThat(StreamPositions.parse(dropped.id(), List.of(topic), 256))
                    .as("the dropped event's id moves past what was dropped")
                    .isEqualTo(Map.of(topic, Map.of(0, toOffset + 1)));
            assertThat(slow.next(WAIT).get("offset").asLong()).isEqualTo(toOffset + 1);
            slow.close();
            fast.close();
        } finally {
            dropping.close();
        }
    }

    @Test
    void aSlowClientIsEndedUnderDisconnectAndResumesFromItsLastEventWithNoGap() throws Exception {
        BridgeServer strict = BridgeTestSupport.startBridge(m -> {
            m.put("client.queue.max.messages", "50");
            m.put("client.slow.policy", "disconnect");
            // The stream ends after the write in flight, which completes once the resumed client has read what its
            // socket buffers hold (megabytes): time enough for that before the bridge would abort the connection.
            m.put("shutdown.grace.ms", "20000");
        });
        try {
            String topic = uniqueTopic("sse-slow-disconnect", 1);
            SseTestClient slow = SseTestClient.open(sse(strict, "topics=" + topic), AUTH, true);
            int count = produceBulk(topic, 3000, 8 * 1024);
            await().atMost(WAIT).until(() -> metric(strict, "bridge_slow_client_disconnects_total") == 1);
            slow.resume();
            slow.awaitEnded(WAIT);
            long next = 0;
            String lastId = null;
            for (SseTestClient.Event event : slow.events) {
                JsonNode frame = SseTestClient.frame(event);
                if (frame.get("type").asText().equals("record")) {
                    assertThat(frame.get("offset").asLong()).isEqualTo(next++);
                }
                lastId = event.id() != null ? event.id() : lastId;
            }
            assertThat(next).as("ended before the end of the backlog").isLessThan(count);
            // A resumed client reads the rest; on a busy machine it may fall 50 messages behind and be ended too, and
            // then resumes again from its last event: each time with no gap and no duplicate.
            for (int resumes = 1; next < count; resumes++) {
                assertThat(resumes)
                        .as("resumes, at %d of %d records", next, count)
                        .isLessThanOrEqualTo(20);
                try (SseTestClient resumed = SseTestClient.open(
                        sse(strict, "topics=" + topic),
                        Map.of("Authorization", AUTH.get("Authorization"), "Last-Event-ID", lastId),
                        false)) {
                    assertThat(resumed.next(WAIT).get("type").asText()).isEqualTo("subscribed");
                    long quietSince = System.nanoTime();
                    while (next < count) {
                        SseTestClient.Event event = resumed.events.poll(200, TimeUnit.MILLISECONDS);
                        if (event == null) {
                            if (resumed.ended.getCount() == 0 && resumed.events.isEmpty()) {
                                break; // ended by the bridge: resume from the last event
                            }
                            assertThat(System.nanoTime() - quietSince)
                                    .as("no event within %s, at %d of %d records", WAIT, next, count)
                                    .isLessThan(WAIT.toNanos());
                            continue;
                        }
                        quietSince = System.nanoTime();
                        JsonNode frame = SseTestClient.frame(event);
                        if (frame.get("type").asText().equals("record")) {
                            assertThat(frame.get("offset").asLong()).isEqualTo(next++);
                        }
                        lastId = event.id() != null ? event.id() : lastId;
                    }
                }
            }
        } finally {
            strict.close();
        }
    }

    private static String ticket(BridgeServer server, Map<String, String> auth) throws Exception {
        HttpResponse<String> r = SseTestClient.post(api(server, "/api/ticket"), auth);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("ticket").asText();
    }

    private static SseTestClient.Answer refusedWith(URI uri, String header, String value) throws Exception {
        Map<String, String> headers = new HashMap<>(AUTH);
        headers.put(header, value);
        return SseTestClient.refused(uri, headers);
    }

    /** The answer has this status and says this (an HTTP error page carries the message). */
    private static void assertAnswer(SseTestClient.Answer answer, int status, String text) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.body()).contains(text);
    }
}
