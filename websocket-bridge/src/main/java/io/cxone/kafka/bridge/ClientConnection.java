package io.cxone.kafka.bridge;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import io.cxone.kafka.common.RejectionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket client: its socket ({@link FrameHandler} on Jetty's threads), its bounded {@link Outbox}, and
 * its position per partition. Records come from the shared {@link PartitionFeed}s (encoded once for all
 * clients); a client starting behind a feed's head first reads with its own short-lived catch-up reader. Nothing
 * is committed, except in group mode, where the connection has its own consumer in a consumer group. A slow
 * client only fills its own queue, so it holds back nobody else.
 */
final class ClientConnection implements FrameHandler, PartitionFeed.Client {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int MAX_REASON_BYTES = 120;

    private final long id;
    private final String remote;
    private final BridgeConfig.Token token;
    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final RecordFrames frames;
    private final Runnable onClosed;
    private final Outbox outbox;
    private final FeedHub hub;
    private final Admin admin;
    private final RejectionLog rejections;

    private final SubscribeRequest initialRequest;
    private final String initialError;
    private final Set<String> topics = new HashSet<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ByteArrayOutputStream incoming = new ByteArrayOutputStream();
    private boolean incomingTooLarge;

    private volatile CoreSession session;
    private volatile boolean gzip;
    private volatile int batch = 1;
    private volatile String closeReason;
    /** Partitions read through feeds, and catch-up readers; this list's monitor also orders subscriptions. */
    private final List<Attached> attached = new ArrayList<>();
    private final List<CatchUpReader> readers = new ArrayList<>();
    private CompletableFuture<Void> applying = CompletableFuture.completedFuture(null);
    /** Kafka consumers of this connection alone (catch-up readers, group reader), for limits.consumers.per.connection. */
    private final java.util.concurrent.atomic.AtomicInteger ownConsumers = new java.util.concurrent.atomic.AtomicInteger();
    /** Error code of a subscription refused because it would exceed a consumer or partition limit. */
    static final String LIMIT_EXCEEDED = "limit_exceeded";
    private volatile SubscribeRequest groupRequest;
    private volatile Thread groupThread;
    private volatile KafkaConsumer<byte[], byte[]> groupConsumer;
    private volatile Map<String, Long> groupLag = Map.of();
    /** Group mode: the consumer group name, fixed by the connection's first (and only) subscription. */
    private volatile String group;
    /** Group mode: next offsets to commit, for records already written to the socket (or reported dropped). */
    private final Map<TopicPartition, Long> toCommit = new java.util.concurrent.ConcurrentHashMap<>();

    ClientConnection(long id, String remote, BridgeConfig.Token token, BridgeConfig config, BridgeMetrics metrics,
                     RecordFrames frames, FeedHub hub, Admin admin, java.util.concurrent.atomic.AtomicLong queuedBytesTotal,
                     RejectionLog rejections, SubscribeRequest initialRequest, String initialError, Runnable onClosed) {
        this.hub = hub;
        this.admin = admin;
        this.rejections = rejections;
        this.id = id;
        this.remote = remote;
        this.token = token;
        this.config = config;
        this.metrics = metrics;
        this.frames = frames;
        this.initialRequest = initialRequest;
        this.initialError = initialError;
        this.onClosed = onClosed;
        this.outbox = new Outbox(config.queueMaxMessages(), config.queueMaxBytes(), queuedBytesTotal, config.queueMaxBytesTotal(),
                config.slowClientPolicy(),
                this::write, new CommitTracking(), report -> OutboundFrame.control(shape(RecordFrames.dropped(report.frames(), report.ranges())), gzip),
                hub.writer());
    }

    long id() {
        return id;
    }

    /** Lag of this client's own consumers (group mode, catch-up readers); feeds report theirs through the hub. */
    Map<String, Long> lagByTopic() {
        Map<String, Long> lag = new HashMap<>(groupLag);
        synchronized (attached) {
            readers.forEach(r -> r.lag.forEach((t, l) -> lag.merge(t, l, Long::sum)));
        }
        return lag;
    }

    Outbox outbox() {
        return outbox;
    }

    boolean isClosed() {
        CoreSession s = session;
        return s == null || s.isClosed();
    }

    // ---- socket side (Jetty threads) ----

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        LOG.info("client connected id={} remote={} token={} extensions={}", id, remote, token.id(),
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
                appendIncoming(frame);
                if (frame.isFin()) {
                    byte[] message = incoming.toByteArray();
                    boolean tooLarge = incomingTooLarge;
                    incoming.reset();
                    incomingTooLarge = false;
                    if (tooLarge) {
                        sendError("bad_subscribe", "message larger than " + config.maxMessageBytes() + " bytes ("
                                + BridgeConfig.LIMIT_MESSAGE_MAX_BYTES + ")");
                    } else {
                        onMessage(new String(message, StandardCharsets.UTF_8));
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
                    closeReason = "client closed " + status.getCode() + (status.getReason() == null ? "" : " " + status.getReason());
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
            stopReaders();
            // Off Jetty's thread: leaving a feed waits for its lock, which a hand-over in progress holds.
            try {
                hub.work().execute(this::releaseFeeds);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                releaseFeeds(); // the hub is already shut down: its feeds are stopping anyway
            }
            String reason = closeReason != null ? closeReason : "closed " + status.getCode() + " " + status.getReason();
            LOG.info("client disconnected id={} remote={} token={} reason={}", id, remote, token.id(), reason);
        } finally {
            onClosed.run();
            callback.succeeded();
        }
    }

    private void appendIncoming(Frame frame) {
        if (incomingTooLarge) {
            return;
        }
        // Jetty's maxTextMessageSize only applies to its message-level handlers; this one sees raw frames.
        if (incoming.size() + frame.getPayloadLength() > config.maxMessageBytes()) {
            incomingTooLarge = true;
            incoming.reset();
            return;
        }
        if (frame.hasPayload()) {
            ByteBuffer data = frame.getPayload().slice();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            incoming.write(bytes, 0, bytes.length);
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

    /** Checks topic permissions and limits on the socket thread, then hands the request to the poll thread. */
    private void subscribe(SubscribeRequest request) {
        synchronized (topics) {
            if (group != null) {
                refuse("this connection is in group mode (group '" + group + "'); open another connection for more topics");
                return;
            }
            if (request.group() != null && !topics.isEmpty()) {
                refuse("group mode must be the first subscription of a connection");
                return;
            }
        }
        for (String topic : request.topics()) {
            if (config.internalTopic(topic)) {
                refuse("topic '" + topic + "' is internal to Kafka or Connect and never streamed (names starting with __, and "
                        + BridgeConfig.TOPICS_INTERNAL + ")");
                return;
            }
            if (!token.allows(topic)) {
                refuse("topic '" + topic + "' is not allowed for token '" + token.id() + "'");
                return;
            }
        }
        synchronized (topics) {
            for (String topic : request.topics()) {
                if (topics.contains(topic)) {
                    refuse("topic '" + topic + "' is already subscribed on this connection");
                    return;
                }
            }
            if (topics.size() + request.topics().size() > config.maxSubscriptionsPerClient()) {
                refuse("subscription limit: at most " + config.maxSubscriptionsPerClient() + " topics per connection ("
                        + BridgeConfig.LIMIT_SUBSCRIPTIONS_PER_CLIENT + ")");
                return;
            }
            topics.addAll(request.topics());
            if (request.group() != null) {
                group = request.group();
            }
        }
        if (request.group() != null) {
            String limit = reserveOwnConsumer();
            if (limit != null) {
                unsubscribeFailed(request, LIMIT_EXCEEDED, limit);
                return;
            }
            groupRequest = request;
            startGroupReader();
        } else {
            applyLater(request);
        }
    }

    private void refuse(String message) {
        refuse("bad_subscribe", message);
    }

    /** A subscribe from the URL closes the connection (nothing else to do); one from a message only errors. */
    private void refuse(String code, String message) {
        rejections.rejected("id=" + id, remote, code, message);
        if (initialRequest != null && topics.isEmpty()) {
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

    /**
     * Takes a slot for one more Kafka consumer of this connection (catch-up or group reader) from
     * {@code limits.consumers.per.connection} and {@code limits.consumers.total}; null when taken, else the
     * refusal naming the limit. Paired with {@link #releaseOwnConsumer} once that consumer is closed.
     */
    private String reserveOwnConsumer() {
        if (ownConsumers.incrementAndGet() > config.maxConsumersPerConnection()) {
            ownConsumers.decrementAndGet();
            return "consumer limit reached: this connection already runs " + config.maxConsumersPerConnection()
                    + " Kafka consumers of its own (" + BridgeConfig.LIMIT_CONSUMERS_PER_CONNECTION + "="
                    + config.maxConsumersPerConnection() + "; catch-up and group readers); retry once it has caught up";
        }
        if (!hub.tryAcquireConsumer()) {
            ownConsumers.decrementAndGet();
            return hub.totalLimitMessage();
        }
        return null;
    }

    private void releaseOwnConsumer() {
        ownConsumers.decrementAndGet();
        hub.releaseConsumer();
    }

    private void sendError(String code, String message) {
        enqueue(OutboundFrame.control(shape(RecordFrames.error(code, message)), gzip));
    }

    /** Closes with a close frame; if the peer does not complete the close in time the socket is aborted. */
    void close(int code, String reason) {
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
        BridgeServer.SCHEDULER.schedule(() -> {
            if (!s.isClosed()) {
                s.abort();
            }
        }, config.shutdownGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    private void enqueue(OutboundFrame frame) {
        enqueueAll(List.of(frame));
    }

    private void enqueueAll(List<OutboundFrame> frames) {
        enqueueAll(frames, false);
    }

    /** {@code onWriter}: a feed's hand-over, written by the hub's writer threads so the feed goes on reading. */
    private void enqueueAll(List<OutboundFrame> frames, boolean onWriter) {
        Outbox.Offer offer = outbox.offerAll(frames, onWriter);
        if (offer == Outbox.Offer.REJECTED_FULL) {
            metrics.slowClientDisconnects.increment();
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

    // ---- Kafka side: shared partition feeds, this client's catch-up readers, or its group consumer ----

    /** A partition this client reads through a shared feed. */
    private static final class Attached {
        final PartitionFeed feed;
        final PartitionFeed.Member member;
        private final AtomicBoolean detached = new AtomicBoolean();

        Attached(PartitionFeed feed, PartitionFeed.Member member) {
            this.feed = feed;
            this.member = member;
        }

        /** Leaves the feed (idempotent) and gives the hub back its reference once. */
        void release(FeedHub hub) {
            feed.leave(member);
            if (detached.compareAndSet(false, true)) {
                hub.detach(feed);
            }
        }
    }

    /** Subscriptions are applied one after the other, off Jetty's threads (they wait for Kafka metadata). */
    private void applyLater(SubscribeRequest request) {
        synchronized (attached) {
            applying = applying.thenRunAsync(() -> {
                try {
                    applyShared(request);
                } catch (RuntimeException e) {
                    kafkaFailed("subscribe failed: " + e.getMessage(), e);
                }
            }, hub.work());
        }
    }

    /**
     * Resolves partitions and start positions, sends "subscribed", then joins each partition's feed: at its
     * head (start latest) at once, or, for a position behind the head, after a catch-up reader has read up to it.
     */
    private void applyShared(SubscribeRequest request) {
        if (closing.get()) {
            return;
        }
        Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
        for (String topic : request.topics()) {
            List<TopicPartition> tps = partitionsOf(topic);
            if (tps == null) {
                unsubscribeFailed(request, "topic '" + topic + "' does not exist");
                return;
            }
            partitions.put(topic, tps);
        }
        for (Map.Entry<String, Map<Integer, Long>> e : request.offsets().entrySet()) {
            for (Integer p : e.getValue().keySet()) {
                if (partitions.get(e.getKey()).stream().noneMatch(tp -> tp.partition() == p)) {
                    unsubscribeFailed(request, "offsets: topic '" + e.getKey() + "' has no partition " + p);
                    return;
                }
            }
        }
        List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
        int reading;
        synchronized (attached) {
            reading = attached.size();
        }
        if (reading + all.size() > config.maxPartitionsPerClient()) {
            unsubscribeFailed(request, LIMIT_EXCEEDED, "partition limit: these topics have " + all.size() + " partitions, this connection reads "
                    + reading + ", at most " + config.maxPartitionsPerClient() + " per connection (" + BridgeConfig.LIMIT_PARTITIONS_PER_CLIENT + ")");
            return;
        }
        gzip = request.gzip();
        batch = request.batch();
        Map<TopicPartition, Long> starts = startOffsets(request, all);
        Optional<String> beyondEnd = offsetBeyondLogEnd(request, starts);
        if (beyondEnd.isPresent()) {
            unsubscribeFailed(request, beyondEnd.get());
            return;
        }
        // A start behind the head needs a catch-up reader: its consumer slot is taken before anything is attached,
        // so a refusal leaves the connection as it was.
        boolean readerReserved = false;
        if (!starts.isEmpty()) {
            String limit = reserveOwnConsumer();
            if (limit != null) {
                unsubscribeFailed(request, LIMIT_EXCEEDED, limit);
                return;
            }
            readerReserved = true;
        }
        boolean readerStarted = false;
        try {
            readerStarted = attachAll(request, all, starts);
        } finally {
            if (readerReserved && !readerStarted) {
                releaseOwnConsumer();
            }
        }
    }

    /** Joins every partition's feed (or a new catch-up reader); true if a catch-up reader was started. */
    private boolean attachAll(SubscribeRequest request, List<TopicPartition> all, Map<TopicPartition, Long> starts) {
        Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
        List<Attached> atHead = new ArrayList<>();
        List<Attached> behind = new ArrayList<>();
        List<Attached> mine = new ArrayList<>();
        for (TopicPartition tp : all) {
            Attached a;
            try {
                a = new Attached(hub.attachReclaiming(tp), new PartitionFeed.Member(this, -1));
            } catch (FeedHub.ConsumerLimitException e) {
                // A new feed would exceed limits.consumers.total: undo this subscription, keep the earlier ones.
                synchronized (attached) {
                    attached.removeAll(mine);
                }
                mine.forEach(m -> m.release(hub));
                unsubscribeFailed(request, LIMIT_EXCEEDED, e.getMessage());
                return false;
            }
            mine.add(a);
            synchronized (attached) {
                attached.add(a);
            }
            awaitReady(a.feed);
            Long start = starts.get(tp);
            long position;
            if (start == null) {
                position = a.feed.joinAtHead(a.member);
                atHead.add(a);
            } else {
                a.member.next(start);
                position = start;
                behind.add(a);
            }
            positions.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), position);
        }
        LOG.info("client id={} subscribed topics={} start={} positions={} batch={} gzip={}", id, request.topics(),
                request.start().kind(), positions, batch, gzip);
        enqueue(OutboundFrame.control(shape(RecordFrames.subscribed(positions)), gzip));
        atHead.forEach(a -> a.feed.release(a.member));
        behind.removeIf(a -> a.feed.tryJoin(a.member));
        boolean started = false;
        if (!behind.isEmpty()) {
            CatchUpReader reader = new CatchUpReader(behind);
            synchronized (attached) {
                if (!closing.get()) {
                    readers.add(reader);
                    reader.thread.start();
                    started = true;
                }
            }
        }
        if (closing.get()) {
            releaseFeeds();
        }
        return started;
    }

    /** The partitions of a topic, sorted; null if the topic does not exist. */
    private List<TopicPartition> partitionsOf(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(10, TimeUnit.SECONDS);
            List<TopicPartition> tps = new ArrayList<>();
            description.partitions().forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
            tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            return tps;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("describing topic '" + topic + "' failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("describing topic '" + topic + "' failed: " + e, e);
        }
    }

    /** Explicit offsets, and earliest/timestamp starts looked up (read_committed); absent = join at the head. */
    private Map<TopicPartition, Long> startOffsets(SubscribeRequest request, List<TopicPartition> all) {
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, OffsetSpec> lookups = new HashMap<>();
        for (TopicPartition tp : all) {
            Long explicit = request.offsets().getOrDefault(tp.topic(), Map.of()).get(tp.partition());
            if (explicit != null) {
                starts.put(tp, explicit);
            } else if (request.start().kind() == SubscribeRequest.Start.Kind.EARLIEST) {
                lookups.put(tp, OffsetSpec.earliest());
            } else if (request.start().kind() == SubscribeRequest.Start.Kind.TIMESTAMP) {
                lookups.put(tp, OffsetSpec.forTimestamp(request.start().timestamp()));
            }
        }
        if (lookups.isEmpty()) {
            return starts;
        }
        // A timestamp after the last record finds nothing (offset -1): the client starts at the head.
        committedOffsets(lookups, "start").forEach((tp, info) -> {
            if (info.offset() >= 0) {
                starts.put(tp, info.offset());
            }
        });
        return starts;
    }

    /** Offsets of {@code specs} as a read_committed reader sees them (one admin round trip). */
    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> committedOffsets(Map<TopicPartition, OffsetSpec> specs,
            String what) {
        try {
            return admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("looking up " + what + " offsets failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("looking up " + what + " offsets failed: " + e, e);
        }
    }

    /**
     * An explicit resume offset past the partition's end (read_committed) cannot come from a frame this bridge sent:
     * most likely the topic was recreated or the client mixed up topics. Waiting there would show nothing, silently,
     * until the log grows past it; say so instead.
     */
    private Optional<String> offsetBeyondLogEnd(SubscribeRequest request, Map<TopicPartition, Long> starts) {
        Map<TopicPartition, OffsetSpec> explicit = new HashMap<>();
        request.offsets().forEach((topic, byPartition) -> byPartition.keySet()
                .forEach(partition -> explicit.put(new TopicPartition(topic, partition), OffsetSpec.latest())));
        if (explicit.isEmpty()) {
            return Optional.empty();
        }
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : committedOffsets(explicit, "end").entrySet()) {
            long requested = starts.get(end.getKey());
            if (requested > end.getValue().offset()) {
                return Optional.of("offsets: topic '" + end.getKey().topic() + "' partition " + end.getKey().partition()
                        + ": offset " + requested + " is beyond the end of the log (" + end.getValue().offset()
                        + "); resume from the offset after the last record received");
            }
        }
        return Optional.empty();
    }

    private static void awaitReady(PartitionFeed feed) {
        try {
            feed.ready().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("feed of " + feed.partition() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("feed of " + feed.partition() + " not ready: " + e, e);
        }
    }

    private void releaseFeeds() {
        List<Attached> all;
        synchronized (attached) {
            all = new ArrayList<>(attached);
            attached.clear();
        }
        all.forEach(a -> a.release(hub));
    }

    /**
     * Records of one partition, from a feed or a reader: encoded frames become this client's frames, never
     * blocking. Record frames are the shared ones; batch frames are shared with every other member of the same
     * hand-over that asked for the same batch size and compression from the same first record.
     */
    @Override
    public void deliver(List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared) {
        if (closing.get() || records.isEmpty()) {
            return;
        }
        boolean gz = gzip;
        int size = batch;
        List<OutboundFrame> out;
        if (size <= 1) {
            out = new ArrayList<>(records.size());
            for (EncodedRecord r : records) {
                OutboundFrame frame = gz ? r.gzipped() : r.plain();
                out.add(frame.size() > config.frameMaxBytes() ? tooLarge(r, frame.size()) : frame);
            }
        } else if (shared != null) {
            // A hand-over's members differ only in where they start: the record count identifies the suffix.
            long shape = ((long) records.size() << 32) | ((long) size << 1) | (gz ? 1 : 0);
            out = shared.computeIfAbsent(shape, k -> batches(records, size, gz));
        } else {
            out = batches(records, size, gz);
        }
        enqueueAll(out, shared != null);
    }

    private List<OutboundFrame> batches(List<EncodedRecord> records, int size, boolean gz) {
        List<OutboundFrame> out = new ArrayList<>(records.size() / size + 1);
        for (int i = 0; i < records.size(); i += size) {
            addBatch(records.subList(i, Math.min(records.size(), i + size)), gz, out);
        }
        return out;
    }

    /** One batch frame, halved until it fits the frame limit; a lone record over it becomes an error frame. */
    private void addBatch(List<EncodedRecord> records, boolean gz, List<OutboundFrame> out) {
        byte[] text = RecordFrames.batchOf(records);
        byte[] payload = gz ? RecordFrames.gzip(text) : text;
        if (payload.length > config.frameMaxBytes()) {
            if (records.size() > 1) {
                int half = records.size() / 2;
                addBatch(records.subList(0, half), gz, out);
                addBatch(records.subList(half, records.size()), gz, out);
            } else {
                out.add(tooLarge(records.get(0), payload.length));
            }
            return;
        }
        EncodedRecord first = records.get(0);
        out.add(new OutboundFrame(payload, gz, List.of(new OutboundFrame.Span(first.topic(), first.partition(), first.offset(),
                records.get(records.size() - 1).offset())), records.size()));
    }

    private OutboundFrame tooLarge(EncodedRecord r, int size) {
        metrics.recordsTooLarge.increment();
        LOG.warn("client id={} record too large topic={} partition={} offset={} frameBytes={} limit={}", id, r.topic(),
                r.partition(), r.offset(), size, config.frameMaxBytes());
        byte[] error = shape(RecordFrames.tooLarge(r.topic(), r.partition(), r.offset(), size, config.frameMaxBytes()));
        return new OutboundFrame(error, gzip, List.of(new OutboundFrame.Span(r.topic(), r.partition(), r.offset(), r.offset())), 0);
    }

    @Override
    public void feedFailed(TopicPartition partition, String reason) {
        kafkaFailed("partition feed of " + partition + " failed: " + reason, null);
    }

    private void kafkaFailed(String message, Throwable cause) {
        if (closing.get()) {
            return;
        }
        LOG.error("client id={} Kafka failure: {}", id, message, cause);
        sendError("kafka_error", message);
        close(CloseStatus.SERVER_ERROR, "Kafka consumer failed");
    }

    private List<EncodedRecord> encode(List<ConsumerRecord<byte[], byte[]>> records) {
        List<EncodedRecord> encoded = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            encoded.add(frames.encode(record));
        }
        return encoded;
    }

    /**
     * Reads, for this client alone, the partitions it starts behind their feed's head (earliest, a timestamp,
     * resume offsets), and hands each over to its feed as soon as it has caught up: its next offset has reached
     * the head. Waits while the client's queue is half full, so catching up drops nothing for a client that
     * reads slowly. Exits once every partition has joined.
     */
    private final class CatchUpReader {
        private final Map<TopicPartition, Attached> behind = new HashMap<>();
        private final Thread thread;
        private volatile KafkaConsumer<byte[], byte[]> consumer;
        private volatile Map<String, Long> lag = Map.of();

        CatchUpReader(List<Attached> partitions) {
            partitions.forEach(a -> behind.put(a.feed.partition(), a));
            thread = new Thread(this::run, "bridge-client-" + id + "-catch-up");
            thread.setDaemon(true);
        }

        void stop() {
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }

        /** Reads, then gives back this reader's consumer slot (taken by the subscription that started it). */
        private void run() {
            try {
                read();
            } finally {
                releaseOwnConsumer();
            }
        }

        private void read() {
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(hub.consumerProperties("websocket-bridge-client-" + id));
            consumer = c;
            try {
                if (closing.get()) {
                    return;
                }
                c.assign(behind.keySet());
                behind.forEach((tp, a) -> c.seek(tp, a.member.next()));
                LOG.info("client id={} catching up partitions={}", id, behind.keySet());
                while (!closing.get() && !behind.isEmpty()) {
                    awaitRoom();
                    ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
                    for (TopicPartition tp : records.partitions()) {
                        deliver(encode(records.records(tp)), null);
                    }
                    List<TopicPartition> joined = new ArrayList<>();
                    for (Map.Entry<TopicPartition, Attached> e : behind.entrySet()) {
                        PartitionFeed.Member member = e.getValue().member;
                        member.next(c.position(e.getKey(), Duration.ofSeconds(10)));
                        if (e.getValue().feed.tryJoin(member)) {
                            joined.add(e.getKey());
                        }
                    }
                    if (!joined.isEmpty()) {
                        c.pause(joined);
                        joined.forEach(behind::remove);
                        LOG.info("client id={} caught up partitions={} joined their feeds", id, joined);
                    }
                    Map<String, Long> l = new HashMap<>();
                    for (TopicPartition tp : behind.keySet()) {
                        c.currentLag(tp).ifPresent(v -> l.merge(tp.topic(), v, Long::sum));
                    }
                    lag = l;
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                kafkaFailed("consumer failed: " + e.getMessage(), e);
            } finally {
                consumer = null;
                lag = Map.of();
                Thread.interrupted();
                c.close(Duration.ofSeconds(2));
            }
        }

        private void awaitRoom() {
            while (!closing.get() && outbox.queuedMessages() > config.queueMaxMessages() / 2) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    // ---- group mode: this connection's own consumer in a consumer group ----

    /** Starts the group reader with the consumer slot its subscription took (given back if it cannot start). */
    private synchronized void startGroupReader() {
        if (groupThread == null && !closing.get()) {
            groupThread = new Thread(() -> {
                try {
                    groupLoop();
                } finally {
                    releaseOwnConsumer();
                }
            }, "bridge-client-" + id);
            groupThread.setDaemon(true);
            groupThread.start();
        } else {
            releaseOwnConsumer();
        }
    }

    private void stopReaders() {
        // wakeup(), not interrupt(): an interrupted thread cannot close its consumer cleanly.
        KafkaConsumer<byte[], byte[]> c = groupConsumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (attached) {
            readers.forEach(CatchUpReader::stop);
        }
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        Thread t = groupThread;
        if (t != null) {
            t.join(timeout.toMillis());
        }
        List<CatchUpReader> all;
        synchronized (attached) {
            all = new ArrayList<>(readers);
        }
        for (CatchUpReader r : all) {
            r.thread.join(timeout.toMillis());
        }
    }

    private void groupLoop() {
        SubscribeRequest request = groupRequest;
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaClients.groupConsumer(config, "websocket-bridge-client-" + id,
                request.group(), request.start().kind() == SubscribeRequest.Start.Kind.EARLIEST ? "earliest" : "latest"));
        groupConsumer = c;
        boolean subscribed = false;
        try {
            if (closing.get()) {
                return;
            }
            for (String topic : request.topics()) {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    unsubscribeFailed(request, "topic '" + topic + "' does not exist");
                    return;
                }
            }
            gzip = request.gzip();
            batch = request.batch();
            c.subscribe(request.topics(), new GroupRebalance(c));
            subscribed = true;
            LOG.info("client id={} joined group={} topics={} batch={} gzip={}", id, "websocket-bridge." + request.group(),
                    request.topics(), batch, gzip);
            while (!closing.get()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
                for (TopicPartition tp : records.partitions()) {
                    deliver(encode(records.records(tp)), null);
                }
                Map<String, Long> lag = new HashMap<>();
                for (TopicPartition tp : c.assignment()) {
                    c.currentLag(tp).ifPresent(l -> lag.merge(tp.topic(), l, Long::sum));
                }
                groupLag = lag;
                commit(c, false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            kafkaFailed("consumer failed: " + e.getMessage(), e);
        } finally {
            groupConsumer = null;
            Thread.interrupted();
            if (subscribed) {
                try {
                    commit(c, true);
                } catch (RuntimeException e) {
                    LOG.warn("client id={} group={} final commit failed: {}", id, group, e.toString());
                }
            }
            c.close(Duration.ofSeconds(2));
        }
    }

    private void unsubscribeFailed(SubscribeRequest request, String message) {
        unsubscribeFailed(request, "bad_subscribe", message);
    }

    private void unsubscribeFailed(SubscribeRequest request, String code, String message) {
        synchronized (topics) {
            topics.removeAll(request.topics());
            if (request.group() != null) {
                group = null;
            }
        }
        refuse(code, message);
    }

    /** Group mode: commits what was written; synchronously on revocation and close. */
    private void commit(KafkaConsumer<byte[], byte[]> c, boolean sync) {
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : new ArrayList<>(toCommit.keySet())) {
            Long next = toCommit.remove(tp);
            if (next != null && c.assignment().contains(tp)) {
                offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(next));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            c.commitSync(offsets, Duration.ofSeconds(5));
        } else {
            c.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.warn("client id={} group={} commit failed: {}", id, group, error.toString());
                }
            });
        }
    }

    /** Group mode: commits before partitions move to another connection, reports new ones to the client. */
    private final class GroupRebalance implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        GroupRebalance(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            try {
                commit(c, true);
            } catch (RuntimeException e) {
                LOG.warn("client id={} group={} commit on revocation failed: {}", id, group, e.toString());
            }
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
            for (TopicPartition tp : c.assignment()) {
                positions.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), c.position(tp, Duration.ofSeconds(10)));
            }
            LOG.info("client id={} group={} assigned positions={}", id, group, positions);
            enqueue(OutboundFrame.control(shape(RecordFrames.subscribed(positions, group)), gzip));
        }
    }

    /** Counts sent and dropped frames; in group mode also records their offsets for the next commit. */
    private final class CommitTracking implements Outbox.Listener {
        @Override
        public void sent(OutboundFrame frame) {
            metrics.sent(frame);
            track(frame);
        }

        @Override
        public void dropped(OutboundFrame frame) {
            metrics.dropped(frame);
            track(frame);
        }

        private void track(OutboundFrame frame) {
            if (group != null) {
                for (OutboundFrame.Span span : frame.spans()) {
                    toCommit.merge(new TopicPartition(span.topic(), span.partition()), span.lastOffset() + 1, Math::max);
                }
            }
        }
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
