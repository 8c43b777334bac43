package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.BridgeMetrics;
import io.cxone.kafka.bridge.BridgeServer;
import io.cxone.kafka.bridge.catchup.CatchUpReader;
import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.feed.PartitionFeed;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.frame.Outbox;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.bridge.group.GroupReader;
import io.cxone.kafka.bridge.subscription.ConnectionSubscriptions;
import io.cxone.kafka.bridge.subscription.PartitionLookup;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import io.cxone.kafka.common.RejectionLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client: the frame protocol on its socket ({@link FrameHandler} on Jetty's threads), its
 * subscriptions, and its bounded {@link Outbox}. Records come from the shared {@link PartitionFeed}s (encoded
 * once for all clients, see {@link FeedSubscriptions}); a client starting behind a feed's head first reads with
 * its own short-lived {@link CatchUpReader}. Nothing is committed, except in group mode, where the connection
 * has its own {@link GroupReader} in a consumer group ({@link ConnectionReaders}). A slow client only fills its
 * own queue, so it holds back nobody else.
 */
public final class ClientConnection implements FrameHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int MAX_REASON_BYTES = 120;
    /** Error code of a subscription refused because it would exceed a consumer or partition limit. */
    static final String LIMIT_EXCEEDED = "limit_exceeded";

    private final long id;
    private final String remote;
    private final BridgeConfig.Token token;
    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final Runnable onClosed;
    private final Outbox outbox;
    private final FeedHub hub;
    private final RejectionLog rejections;
    private final ConnectionSubscriptions subscriptions;
    private final ConnectionReaders readers;

    private final SubscribeRequest initialRequest;
    private final String initialError;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final IncomingMessage incoming;

    private volatile CoreSession session;
    private volatile boolean gzip;
    private volatile int batch = 1;
    private volatile String closeReason;

    public ClientConnection(
            long id,
            String remote,
            BridgeConfig.Token token,
            BridgeConfig config,
            BridgeMetrics metrics,
            RecordFrames frames,
            FeedHub hub,
            PartitionLookup lookup,
            AtomicLong queuedBytesTotal,
            RejectionLog rejections,
            SubscribeRequest initialRequest,
            String initialError,
            Runnable onClosed) {
        this.hub = hub;
        this.rejections = rejections;
        this.id = id;
        this.remote = remote;
        this.token = token;
        this.config = config;
        this.metrics = metrics;
        this.initialRequest = initialRequest;
        this.initialError = initialError;
        this.onClosed = onClosed;
        this.incoming = new IncomingMessage(config.maxMessageBytes());
        this.subscriptions = new ConnectionSubscriptions(config, token);
        this.readers = new ConnectionReaders(this, config, metrics, frames, hub, lookup);
        this.outbox = new Outbox(
                config.queueMaxMessages(),
                config.queueMaxBytes(),
                queuedBytesTotal,
                config.queueMaxBytesTotal(),
                config.slowClientPolicy(),
                this::write,
                readers.commitTracking(),
                report -> OutboundFrame.control(shape(RecordFrames.dropped(report.frames(), report.ranges())), gzip),
                hub.writer());
    }

    long id() {
        return id;
    }

    /** Lag of this client's own consumers (group mode, catch-up readers); feeds report theirs through the hub. */
    public Map<String, Long> lagByTopic() {
        return readers.lagByTopic();
    }

    boolean closing() {
        return closing.get();
    }

    boolean gzip() {
        return gzip;
    }

    int batch() {
        return batch;
    }

    boolean inGroupMode() {
        return subscriptions.group() != null;
    }

    public Outbox outbox() {
        return outbox;
    }

    public boolean isClosed() {
        CoreSession s = session;
        return s == null || s.isClosed();
    }

    // ---- socket side (Jetty threads) ----

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        LOG.info(
                "client connected id={} remote={} token={} extensions={}",
                id,
                remote,
                token.id(),
                coreSession.getNegotiatedExtensions());
        coreSession.demand();
        if (initialError != null) {
            reject(initialError);
        } else if (initialRequest != null) {
            subscribe(initialRequest);
        }
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT:
            case OpCode.CONTINUATION:
                incoming.append(frame);
                if (frame.isFin()) {
                    String message = incoming.take();
                    if (message == null) {
                        sendError(
                                "bad_subscribe",
                                "message larger than " + config.maxMessageBytes() + " bytes ("
                                        + BridgeConfig.LIMIT_MESSAGE_MAX_BYTES + ")");
                    } else {
                        onMessage(message);
                    }
                }
                break;
            case OpCode.BINARY:
                sendError("bad_subscribe", "binary messages are not accepted; send a JSON subscribe message as text");
                break;
            case OpCode.PING:
                ByteBuffer payload = frame.hasPayload() ? copy(frame.getPayload()) : null;
                session.sendFrame(new Frame(OpCode.PONG, payload), Callback.NOOP, false);
                break;
            case OpCode.CLOSE:
                CloseStatus status = CloseStatus.getCloseStatus(frame);
                if (closeReason == null) {
                    closeReason = "client closed " + status.getCode()
                            + (status.getReason() == null ? "" : " " + status.getReason());
                }
                break;
            default:
                break;
        }
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        if (closeReason == null) {
            closeReason = "error: " + cause;
        }
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        try {
            closing.set(true);
            outbox.close();
            readers.stopReaders();
            // Off Jetty's thread: leaving a feed waits for its lock, which a hand-over in progress holds.
            try {
                hub.work().execute(readers.feeds()::releaseFeeds);
            } catch (RejectedExecutionException e) {
                readers.feeds().releaseFeeds(); // the hub is already shut down: its feeds are stopping anyway
            }
            String reason = closeReason != null ? closeReason : "closed " + status.getCode() + " " + status.getReason();
            LOG.info("client disconnected id={} remote={} token={} reason={}", id, remote, token.id(), reason);
        } finally {
            onClosed.run();
            callback.succeeded();
        }
    }

    private void onMessage(String text) {
        try {
            subscribe(SubscribeRequest.fromJson(text, SubscribeRequest.Limits.of(config)));
        } catch (SubscribeRequest.BadSubscribeException e) {
            rejections.rejected("id=" + id, remote, "bad_subscribe", e.getMessage());
            sendError("bad_subscribe", e.getMessage());
        }
    }

    /** Checks topic permissions and limits on the socket thread, then hands the request to a reader. */
    private void subscribe(SubscribeRequest request) {
        String refusal = subscriptions.admit(request);
        if (refusal != null) {
            refuse(refusal);
            return;
        }
        if (request.group() != null) {
            String limit = readers.startGroupReader(request);
            if (limit != null) {
                unsubscribeFailed(request, LIMIT_EXCEEDED, limit);
            }
        } else {
            readers.feeds().applyLater(request);
        }
    }

    private void refuse(String message) {
        refuse("bad_subscribe", message);
    }

    /** A subscribe from the URL closes the connection (nothing else to do); one from a message only errors. */
    private void refuse(String code, String message) {
        rejections.rejected("id=" + id, remote, code, message);
        if (initialRequest != null && subscriptions.isEmpty()) {
            reject(code, message);
        } else {
            sendError(code, message);
        }
    }

    private void reject(String message) {
        reject("bad_subscribe", message);
    }

    private void reject(String code, String message) {
        sendError(code, message);
        close(CloseStatus.POLICY_VIOLATION, message);
    }

    void unsubscribeFailed(SubscribeRequest request, String message) {
        unsubscribeFailed(request, "bad_subscribe", message);
    }

    void unsubscribeFailed(SubscribeRequest request, String code, String message) {
        subscriptions.withdraw(request);
        refuse(code, message);
    }

    private void sendError(String code, String message) {
        enqueue(OutboundFrame.control(shape(RecordFrames.error(code, message)), gzip));
    }

    /** Sends "subscribed" with the start position of each partition (and the group, in group mode). */
    void sendSubscribed(Map<String, Map<Integer, Long>> positions, String group) {
        enqueue(OutboundFrame.control(shape(RecordFrames.subscribed(positions, group)), gzip));
    }

    /** From now on, record frames take the request's batch size and compression. */
    void shapeFrames(SubscribeRequest request) {
        gzip = request.gzip();
        batch = request.batch();
    }

    /** Closes with a close frame; if the peer does not complete the close in time the socket is aborted. */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (closeReason == null) {
            closeReason = "server closed " + code + " " + reason;
        }
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
                config.shutdownGrace().toMillis() + 1000,
                TimeUnit.MILLISECONDS);
    }

    private void enqueue(OutboundFrame frame) {
        enqueueAll(List.of(frame), false);
    }

    /** {@code onWriter}: a feed's hand-over, written by the hub's writer threads so the feed goes on reading. */
    void enqueueAll(List<OutboundFrame> frames, boolean onWriter) {
        Outbox.Offer offer = outbox.offerAll(frames, onWriter);
        if (offer == Outbox.Offer.REJECTED_FULL) {
            metrics.slowClientDisconnected();
            String reason = "slow client: outgoing queue full (" + config.queueMaxMessages() + " messages / "
                    + config.queueMaxBytes() + " bytes)";
            LOG.warn("client id={} {}", id, reason);
            close(CloseStatus.POLICY_VIOLATION, reason);
        }
    }

    private void write(OutboundFrame frame, Callback callback, boolean more) {
        CoreSession s = session;
        Frame wsFrame = new Frame(frame.binary() ? OpCode.BINARY : OpCode.TEXT, ByteBuffer.wrap(frame.payload()));
        // Batching lets Jetty gather queued frames into one socket write; the last queued frame flushes them.
        s.sendFrame(wsFrame, callback, more);
    }

    private byte[] shape(byte[] text) {
        return gzip ? RecordFrames.gzip(text) : text;
    }

    void kafkaFailed(String message, Throwable cause) {
        if (closing.get()) {
            return;
        }
        LOG.error("client id={} Kafka failure: {}", id, message, cause);
        sendError("kafka_error", message);
        close(CloseStatus.SERVER_ERROR, "Kafka consumer failed");
    }

    public void awaitStopped(Duration timeout) throws InterruptedException {
        readers.awaitStopped(timeout);
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
