package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.frame.FrameChecksum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;

/**
 * A WebSocket test client on Jetty's core client, which sees every wire frame: it counts any frame that is
 * not a complete single-frame message (FIN unset or a continuation), and can stop reading to act as a slow client.
 */
final class WsTestClient implements FrameHandler, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static WebSocketCoreClient client;

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final AtomicInteger fragmentedFrames = new AtomicInteger();
    final AtomicInteger binaryMessages = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile CloseStatus closeStatus;
    private volatile CoreSession session;
    private volatile boolean paused;
    private volatile boolean demandPending;

    static synchronized WebSocketCoreClient jetty() throws Exception {
        if (client == null) {
            HttpClient http = new HttpClient();
            client = new WebSocketCoreClient(http, null);
            client.start();
        }
        return client;
    }

    private static WebSocketCoreClient tlsClient;

    /** A client for wss:// that trusts any certificate (the tests use a throw-away self-signed one). */
    static synchronized WebSocketCoreClient jettyTls() throws Exception {
        if (tlsClient == null) {
            org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
            connector.setSslContextFactory(new org.eclipse.jetty.util.ssl.SslContextFactory.Client(true));
            HttpClient http =
                    new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
            tlsClient = new WebSocketCoreClient(http, null);
            tlsClient.start();
        }
        return tlsClient;
    }

    static WsTestClient connect(URI uri, Map<String, String> headers, boolean deflate, boolean paused)
            throws Exception {
        WsTestClient handler = new WsTestClient();
        handler.paused = paused;
        WebSocketCoreClient jetty = uri.getScheme().equals("wss") ? jettyTls() : jetty();
        CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(jetty, uri, handler);
        request.headers(h -> headers.forEach(h::put));
        if (deflate) {
            // The client's inflate buffer must hold a whole message, as it too runs without auto-fragmentation.
            request.addExtensions(ExtensionConfig.parse("permessage-deflate; @inflate_buffer_size=4194304"));
        }
        Configuration.ConfigurationCustomizer c = new Configuration.ConfigurationCustomizer();
        c.setMaxFrameSize(64L * 1024 * 1024);
        c.setMaxTextMessageSize(64L * 1024 * 1024);
        c.setMaxBinaryMessageSize(64L * 1024 * 1024);
        c.setIdleTimeout(Duration.ofMinutes(2));
        // Deliver frames exactly as they were on the wire (Jetty would otherwise hand over large frames in pieces).
        c.setAutoFragment(false);
        request.setConfiguration(c);
        CompletableFuture<CoreSession> future = jetty.connect(request);
        future.get(20, TimeUnit.SECONDS);
        return handler;
    }

    /** The HTTP status of a refused upgrade. */
    static int refusedStatus(URI uri, Map<String, String> headers) throws Exception {
        try {
            connect(uri, headers, false, false).close();
            return 101;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof UpgradeException)) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw e;
            }
            return ((UpgradeException) cause).getResponseStatusCode();
        }
    }

    CoreSession session() {
        return session;
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
        if (op == OpCode.TEXT || op == OpCode.BINARY || op == OpCode.CONTINUATION) {
            if (!frame.isFin() || op == OpCode.CONTINUATION) {
                fragmentedFrames.incrementAndGet();
            }
            byte[] bytes = bytes(frame.getPayload());
            if (op == OpCode.BINARY) {
                binaryMessages.incrementAndGet();
                messages.add(new String(gunzip(bytes), StandardCharsets.UTF_8));
            } else {
                messages.add(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        callback.succeeded();
        if (paused) {
            demandPending = true;
        } else {
            session.demand();
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        closeStatus = status;
        closed.countDown();
        callback.succeeded();
    }

    void resume() {
        paused = false;
        if (demandPending) {
            demandPending = false;
            session.demand();
        }
    }

    void send(String text) {
        session.sendFrame(new Frame(OpCode.TEXT, text), Callback.NOOP, false);
    }

    /** The next message as JSON, after checking its checksum; fails on timeout. */
    JsonNode next(Duration timeout) throws InterruptedException {
        String text = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError("no message within " + timeout);
        }
        if (!FrameChecksum.verify(text)) {
            throw new AssertionError("checksum mismatch: " + text);
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next message of the given type, skipping others. */
    JsonNode nextOfType(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode node = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (type.equals(node.path("type").asText())) {
                return node;
            }
        }
    }

    CloseStatus awaitClosed(Duration timeout) throws InterruptedException {
        if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("connection not closed within " + timeout);
        }
        return closeStatus;
    }

    @Override
    public void close() {
        CoreSession s = session;
        if (s != null && !s.isClosed()) {
            s.close(CloseStatus.NORMAL, "test done", Callback.NOOP);
        }
    }

    void abort() {
        CoreSession s = session;
        if (s != null) {
            s.abort();
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuffer b = buffer.slice();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
