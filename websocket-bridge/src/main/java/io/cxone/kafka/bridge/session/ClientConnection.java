package io.cxone.kafka.bridge.session;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.BridgeMetrics;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client, whatever its transport ({@link ClientTransport}: a WebSocket or an SSE stream): its subscriptions and
 * its bounded {@link Outbox}. Records come from the shared {@link PartitionFeed}s (encoded once for all clients,
 * see {@link FeedSubscriptions}); a client starting behind a feed's head first reads with its own short-lived
 * {@link CatchUpReader}. Nothing is committed, except in group mode, where the connection has its own
 * {@link GroupReader} in a consumer group ({@link ConnectionReaders}). A slow client only fills its own queue, so it
 * holds back nobody else.
 */
public final class ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** Error code of a subscription refused because it would exceed a consumer or partition limit. */
    public static final String LIMIT_EXCEEDED = "limit_exceeded";
    /** Error code of a subscription that cannot be honoured as asked (topic, offsets, permissions). */
    public static final String BAD_SUBSCRIBE = "bad_subscribe";
    /** Error code of a connection ended because Kafka failed. */
    public static final String KAFKA_ERROR = "kafka_error";

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
    private final ClientTransport transport;

    private final SubscribeRequest initialRequest;
    private final String initialError;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

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
            ClientTransport transport,
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
        this.transport = transport;
        this.onClosed = onClosed;
        this.subscriptions = new ConnectionSubscriptions(config, token);
        this.readers = new ConnectionReaders(this, config, metrics, frames, hub, lookup);
        this.outbox = new Outbox(
                config.queueMaxMessages(),
                config.queueMaxBytes(),
                queuedBytesTotal,
                config.queueMaxBytesTotal(),
                config.slowClientPolicy(),
                transport,
                readers.commitTracking(),
                // The notice accounts for the dropped records (its spans), as the frames it replaces did.
                report -> new OutboundFrame(
                        shape(RecordFrames.dropped(report.frames(), report.ranges())), gzip, report.ranges(), 0),
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

    // ---- transport side ----

    /** The transport is open: applies the subscription given with the connection request (or reports its error). */
    public void opened() {
        LOG.info(
                "client connected id={} remote={} token={} transport={}", id, remote, token.id(), transport.describe());
        if (initialError != null) {
            reject(initialError);
        } else if (initialRequest != null) {
            subscribe(initialRequest);
        }
    }

    /** A complete text message from the client: a subscribe request; null when it exceeded the size limit. */
    public void received(String text) {
        if (text == null) {
            messageRefused("message larger than " + config.maxMessageBytes() + " bytes ("
                    + BridgeConfig.LIMIT_MESSAGE_MAX_BYTES + ")");
            return;
        }
        try {
            subscribe(SubscribeRequest.fromJson(text, SubscribeRequest.Limits.of(config)));
        } catch (SubscribeRequest.BadSubscribeException e) {
            rejections.rejected("id=" + id, remote, BAD_SUBSCRIBE, e.getMessage());
            sendError(BAD_SUBSCRIBE, e.getMessage());
        }
    }

    /** A message the client may not send (binary): answered with an error frame, the connection goes on. */
    public void messageRefused(String message) {
        sendError(BAD_SUBSCRIBE, message);
    }

    /** Why the connection ends, as the transport learnt it (the client's close, a socket error); the first wins. */
    public void closeReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /**
     * The transport is closed, by either side: stops the readers, leaves the feeds and gives back the connection's
     * slots. Called once by the transport; later calls do nothing.
     */
    public void closed(String reason) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            closing.set(true);
            outbox.close();
            readers.stopReaders();
            // Off the transport's thread: leaving a feed waits for its lock, which a hand-over in progress holds.
            try {
                hub.work().execute(readers.feeds()::releaseFeeds);
            } catch (RejectedExecutionException e) {
                readers.feeds().releaseFeeds(); // the hub is already shut down: its feeds are stopping anyway
            }
            LOG.info(
                    "client disconnected id={} remote={} token={} reason={}",
                    id,
                    remote,
                    token.id(),
                    closeReason != null ? closeReason : reason);
        } finally {
            onClosed.run();
        }
    }

    /** Checks topic permissions and limits on the transport's thread, then hands the request to a reader. */
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
        refuse(BAD_SUBSCRIBE, message);
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
        reject(BAD_SUBSCRIBE, message);
    }

    private void reject(String code, String message) {
        end(CloseStatus.POLICY_VIOLATION, code, message);
    }

    /** Ends the connection for a reason the client is told: by the transport's own refusal, or an error frame and a close. */
    private void end(int closeCode, String code, String message) {
        if (!closing.get() && transport.refuse(code, message)) {
            closing.set(true);
            closeReason("refused " + code + ": " + message);
            return;
        }
        sendError(code, message);
        close(closeCode, message);
    }

    void unsubscribeFailed(SubscribeRequest request, String message) {
        unsubscribeFailed(request, BAD_SUBSCRIBE, message);
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

    /** Ends the connection from the server's side (see {@link ClientTransport#close}); only the first call counts. */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeReason("server closed " + code + " " + reason);
        transport.close(code, reason);
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

    private byte[] shape(byte[] text) {
        return gzip ? RecordFrames.gzip(text) : text;
    }

    void kafkaFailed(String message, Throwable cause) {
        if (closing.get()) {
            return;
        }
        LOG.error("client id={} Kafka failure: {}", id, message, cause);
        end(CloseStatus.SERVER_ERROR, KAFKA_ERROR, message);
    }

    public void awaitStopped(Duration timeout) throws InterruptedException {
        readers.awaitStopped(timeout);
    }
}
