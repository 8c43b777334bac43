package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.BridgeServer;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A client's WebSocket ({@link FrameHandler} on Jetty's threads): one frame per message out, subscribe messages in,
 * close frames both ways. Its {@link ClientConnection} does the rest.
 */
public final class WebSocketTransport implements FrameHandler, ClientTransport {

    private static final int MAX_REASON_BYTES = 120;

    private final IncomingMessage incoming;
    /** How long a close handshake may take before the socket is aborted. */
    private final Duration closeGrace;

    private volatile ClientConnection connection;
    private volatile CoreSession session;

    /**
     * @param maxMessageBytes largest message a client may send
     * @param closeGrace how long a close the server started may wait for the client before the socket is aborted
     */
    public WebSocketTransport(int maxMessageBytes, Duration closeGrace) {
        this.incoming = new IncomingMessage(maxMessageBytes);
        this.closeGrace = closeGrace;
    }

    @Override
    public void attach(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public String describe() {
        CoreSession s = session;
        return "websocket extensions=" + (s == null ? "[]" : s.getNegotiatedExtensions());
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        coreSession.demand();
        connection.opened();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT:
            case OpCode.CONTINUATION:
                incoming.append(frame);
                if (frame.isFin()) {
                    connection.received(incoming.take());
                }
                break;
            case OpCode.BINARY:
                connection.messageRefused("binary messages are not accepted; send a JSON subscribe message as text");
                break;
            case OpCode.PING:
                ByteBuffer payload = frame.hasPayload() ? copy(frame.getPayload()) : null;
                session.sendFrame(new Frame(OpCode.PONG, payload), Callback.NOOP, false);
                break;
            case OpCode.CLOSE:
                CloseStatus status = CloseStatus.getCloseStatus(frame);
                connection.closeReason("client closed " + status.getCode()
                        + (status.getReason() == null ? "" : " " + status.getReason()));
                break;
            default:
                break;
        }
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        connection.closeReason("error: " + cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        try {
            connection.closed("closed " + status.getCode() + " " + status.getReason());
        } finally {
            callback.succeeded();
        }
    }

    @Override
    public void send(OutboundFrame frame, Callback callback, boolean more) {
        Frame wsFrame = new Frame(frame.binary() ? OpCode.BINARY : OpCode.TEXT, ByteBuffer.wrap(frame.payload()));
        // Batching lets Jetty gather queued frames into one socket write; the last queued frame flushes them.
        session.sendFrame(wsFrame, callback, more);
    }

    /** Closes with a close frame; if the peer does not complete the close in time the socket is aborted. */
    @Override
    public void close(int code, String reason) {
        CoreSession s = session;
        if (s == null) {
            return;
        }
        s.close(code, truncate(reason), Callback.NOOP);
        BridgeServer.SCHEDULER.schedule(
                () -> {
                    if (!s.isClosed()) {
                        s.abort();
                    }
                },
                closeGrace.toMillis() + 1000,
                TimeUnit.MILLISECONDS);
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer src = buffer.slice();
        ByteBuffer copy = ByteBuffer.allocate(src.remaining());
        copy.put(src).flip();
        return copy;
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        String cut = new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8);
        return cut.substring(0, cut.length() - 1);
    }
}
