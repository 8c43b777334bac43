package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.bench.LatencySamples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;

/**
 * A WebSocket client of the bridge that measures freshness as the dashboard does (dashboard.js,
 * {@code onFrame}/{@code sampleFreshness}): the arrival time of a message, taken when it is complete, minus the CXone
 * event time in the record's value ({@code timestamp}, epoch milliseconds). It asks for permessage-deflate as a
 * browser does, and batch frames of up to {@value #DASHBOARD_BATCH} records as the dashboard's subscription does
 * (streams.js, {@code WEBSOCKET_BATCH}); each record of a batch arrives when its frame is complete.
 */
public final class FrameFreshnessClient implements FrameHandler, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DASHBOARD_BATCH = 100;

    private record Measuring(String idPrefix, LatencySamples target) {}

    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final AtomicLong droppedNotices = new AtomicLong();
    private final AtomicLong otherRecords = new AtomicLong();
    private volatile Measuring measuring;
    private volatile CoreSession session;
    private volatile CloseStatus closeStatus;

    private FrameFreshnessClient() {}

    /** Connects with the token in a header and waits for the "subscribed" answer to {@code ?topics=...}. */
    public static FrameFreshnessClient subscribe(BridgeServer bridge, String topic, String token) throws Exception {
        FrameFreshnessClient client = new FrameFreshnessClient();
        URI uri = BridgeTestSupport.streamUri(bridge, "topics=" + topic + "&batch=" + DASHBOARD_BATCH);
        CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(WsTestClient.jetty(), uri, client);
        request.headers(h -> h.put("Authorization", "Bearer " + token));
        request.addExtensions(ExtensionConfig.parse("permessage-deflate"));
        Configuration.ConfigurationCustomizer wire = new Configuration.ConfigurationCustomizer();
        wire.setMaxTextMessageSize(4L * 1024 * 1024);
        wire.setIdleTimeout(Duration.ofMinutes(10));
        request.setConfiguration(wire);
        WsTestClient.jetty().connect(request).get(30, TimeUnit.SECONDS);
        if (!client.subscribed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no \"subscribed\" frame within 30 s from " + uri);
        }
        return client;
    }

    /** From now on, records whose event_id starts with {@code idPrefix} go to {@code target}; others are counted. */
    public void measureInto(String idPrefix, LatencySamples target) {
        measuring = new Measuring(idPrefix, target);
    }

    /** "dropped" notices the bridge sent (a slow client's records it skipped). */
    public long droppedNotices() {
        return droppedNotices.get();
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte op = frame.getOpCode();
        if (op == OpCode.TEXT || op == OpCode.CONTINUATION) {
            ByteBuffer payload = frame.getPayload();
            if (payload != null) {
                byte[] bytes = new byte[payload.remaining()];
                payload.slice().get(bytes);
                message.writeBytes(bytes);
            }
            if (frame.isFin()) {
                long arrivalMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                try {
                    onMessage(JSON.readTree(message.toByteArray()), arrivalMicros);
                } catch (IOException e) {
                    throw new IllegalStateException("a frame that is not JSON: " + e.getMessage(), e);
                } finally {
                    message.reset();
                }
            }
        }
        callback.succeeded();
        session.demand();
    }

    private void onMessage(JsonNode frame, long arrivalMicros) {
        switch (frame.path("type").asText()) {
            case "subscribed" -> subscribed.countDown();
            case "record" -> onRecord(frame.path("value"), arrivalMicros);
            case "batch" -> frame.path("records").forEach(r -> onRecord(r.path("value"), arrivalMicros));
            case "dropped" -> droppedNotices.incrementAndGet();
            default -> {}
        }
    }

    private void onRecord(JsonNode value, long arrivalMicros) {
        Measuring m = measuring;
        if (m != null && value.path("event_id").asText().startsWith(m.idPrefix())) {
            m.target().add(arrivalMicros - value.path("timestamp").asLong() * 1000);
        } else {
            otherRecords.incrementAndGet();
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        System.out.println("freshness client: " + cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        closeStatus = status;
        callback.succeeded();
    }

    /** Why the bridge closed the connection, if it did; null while open. */
    public CloseStatus closeStatus() {
        return closeStatus;
    }

    @Override
    public void close() {
        CoreSession s = session;
        if (s != null) {
            s.close(CloseStatus.NORMAL, "done", Callback.NOOP);
        }
    }
}
