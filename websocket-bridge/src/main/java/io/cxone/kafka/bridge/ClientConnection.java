package io.cxone.kafka.bridge;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
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
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket client: its socket ({@link FrameHandler} on Jetty's threads), its bounded {@link Outbox}, and
 * its own Kafka consumer on its own thread (assign/seek, no group, nothing committed), so each client has its
 * own position and a slow one holds back nobody else.
 */
final class ClientConnection implements FrameHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int MAX_INCOMING_MESSAGE = 64 * 1024;
    private static final int MAX_REASON_BYTES = 120;

    private final long id;
    private final String remote;
    private final BridgeConfig.Token token;
    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final RecordFrames frames;
    private final Runnable onClosed;
    private final Outbox outbox;

    private final SubscribeRequest initialRequest;
    private final String initialError;
    private final LinkedBlockingQueue<SubscribeRequest> pending = new LinkedBlockingQueue<>();
    private final Set<String> topics = new HashSet<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ByteArrayOutputStream incoming = new ByteArrayOutputStream();
    private boolean incomingTooLarge;

    private volatile CoreSession session;
    private volatile Thread pollThread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean gzip;
    private volatile int batch = 1;
    private volatile String closeReason;
    private volatile Map<String, Long> lagByTopic = Map.of();
    /** Group mode: the consumer group name, fixed by the connection's first (and only) subscription. */
    private volatile String group;
    /** Group mode: next offsets to commit, for records already written to the socket (or reported dropped). */
    private final Map<TopicPartition, Long> toCommit = new java.util.concurrent.ConcurrentHashMap<>();

    ClientConnection(long id, String remote, BridgeConfig.Token token, BridgeConfig config, BridgeMetrics metrics,
                     RecordFrames frames, java.util.concurrent.atomic.AtomicLong queuedBytesTotal,
                     SubscribeRequest initialRequest, String initialError, Runnable onClosed) {
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
                this::write, new CommitTracking(), report -> OutboundFrame.control(shape(RecordFrames.dropped(report.frames(), report.ranges())), gzip));
    }

    long id() {
        return id;
    }

    Map<String, Long> lagByTopic() {
        return lagByTopic;
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
                        sendError("bad_subscribe", "message larger than " + MAX_INCOMING_MESSAGE + " bytes");
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
            stopPolling();
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
        if (incoming.size() + frame.getPayloadLength() > MAX_INCOMING_MESSAGE) {
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
            subscribe(SubscribeRequest.fromJson(text, config.batchMaxRecords()));
        } catch (SubscribeRequest.BadSubscribeException e) {
            LOG.info("client id={} bad subscribe message: {}", id, e.getMessage());
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
        pending.add(request);
        startPolling();
    }

    /** A subscribe from the URL closes the connection (nothing else to do); one from a message only errors. */
    private void refuse(String message) {
        LOG.info("client id={} subscribe refused: {}", id, message);
        if (initialRequest != null && topics.isEmpty()) {
            reject(message);
        } else {
            sendError("bad_subscribe", message);
        }
    }

    private void reject(String message) {
        sendError("bad_subscribe", message);
        close(CloseStatus.POLICY_VIOLATION, message);
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
        Outbox.Offer offer = outbox.offer(frame);
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

    // ---- Kafka side (the client's poll thread) ----

    private synchronized void startPolling() {
        if (pollThread == null && !closing.get()) {
            pollThread = new Thread(this::pollLoop, "bridge-client-" + id);
            pollThread.setDaemon(true);
            pollThread.start();
        }
    }

    private void stopPolling() {
        // wakeup(), not interrupt(): an interrupted thread cannot close its consumer cleanly.
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        Thread t = pollThread;
        if (t != null) {
            t.join(timeout.toMillis());
        }
    }

    private void pollLoop() {
        SubscribeRequest first = pending.peek();
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties(first));
        consumer = c;
        try {
            if (closing.get()) {
                return;
            }
            while (!closing.get()) {
                boolean groupMode = group != null && !c.subscription().isEmpty();
                SubscribeRequest request = c.assignment().isEmpty() && !groupMode ? pending.poll(500, TimeUnit.MILLISECONDS) : pending.poll();
                if (request != null) {
                    apply(c, request);
                    groupMode = group != null && !c.subscription().isEmpty();
                }
                if ((c.assignment().isEmpty() && !groupMode) || closing.get()) {
                    continue;
                }
                deliver(c.poll(config.pollTimeout()));
                updateLag(c);
                if (groupMode) {
                    commit(c, false);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.error("client id={} Kafka consumer failed: {}", id, e.toString(), e);
                sendError("kafka_error", "consumer failed: " + e.getMessage());
                close(CloseStatus.SERVER_ERROR, "Kafka consumer failed");
            }
        } finally {
            consumer = null;
            Thread.interrupted();
            if (group != null && !c.subscription().isEmpty()) {
                try {
                    commit(c, true);
                } catch (RuntimeException e) {
                    LOG.warn("client id={} group={} final commit failed: {}", id, group, e.toString());
                }
            }
            c.close(Duration.ofSeconds(2));
        }
    }

    private Properties consumerProperties(SubscribeRequest first) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "websocket-bridge-client-" + id);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A resume offset already deleted by retention restarts at the log start rather than failing.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // Per-client fetch buffers are part of the memory bound: keep them small (overridable via kafka.consumer.*).
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(512 * 1024));
        // Every client has its own consumer: let the broker gather records for up to 25 ms per fetch instead of
        // answering each new record with its own fetch round trip (which, times the client count, swamps it).
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(64 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "25");
        p.putAll(config.consumerOverrides());
        if (first != null && first.group() != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "websocket-bridge." + first.group());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    first.start().kind() == SubscribeRequest.Start.Kind.EARLIEST ? "earliest" : "latest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private void apply(KafkaConsumer<byte[], byte[]> c, SubscribeRequest request) {
        Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
        for (String topic : request.topics()) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                unsubscribeFailed(request, "topic '" + topic + "' does not exist");
                return;
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
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
        gzip = request.gzip();
        batch = request.batch();
        if (request.group() != null) {
            c.subscribe(request.topics(), new GroupRebalance(c));
            LOG.info("client id={} joined group={} topics={} batch={} gzip={}", id, "websocket-bridge." + request.group(),
                    request.topics(), batch, gzip);
            return;
        }
        List<TopicPartition> added = partitions.values().stream().flatMap(List::stream).toList();
        Set<TopicPartition> assignment = new HashSet<>(c.assignment());
        assignment.addAll(added);
        c.assign(assignment);

        List<TopicPartition> toEnd = new ArrayList<>();
        List<TopicPartition> toBeginning = new ArrayList<>();
        Map<TopicPartition, Long> toTime = new HashMap<>();
        for (TopicPartition tp : added) {
            Long explicit = request.offsets().getOrDefault(tp.topic(), Map.of()).get(tp.partition());
            if (explicit != null) {
                c.seek(tp, explicit);
            } else {
                switch (request.start().kind()) {
                    case EARLIEST -> toBeginning.add(tp);
                    case TIMESTAMP -> toTime.put(tp, request.start().timestamp());
                    default -> toEnd.add(tp);
                }
            }
        }
        if (!toTime.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(toTime, Duration.ofSeconds(10));
            for (TopicPartition tp : toTime.keySet()) {
                OffsetAndTimestamp at = found.get(tp);
                if (at == null) {
                    toEnd.add(tp);
                } else {
                    c.seek(tp, at.offset());
                }
            }
        }
        if (!toBeginning.isEmpty()) {
            c.seekToBeginning(toBeginning);
        }
        if (!toEnd.isEmpty()) {
            c.seekToEnd(toEnd);
        }
        Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
        for (TopicPartition tp : added) {
            positions.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), c.position(tp, Duration.ofSeconds(10)));
        }
        LOG.info("client id={} subscribed topics={} start={} positions={} batch={} gzip={}", id, request.topics(),
                request.start().kind(), positions, batch, gzip);
        enqueue(OutboundFrame.control(shape(RecordFrames.subscribed(positions)), gzip));
    }

    private void unsubscribeFailed(SubscribeRequest request, String message) {
        synchronized (topics) {
            topics.removeAll(request.topics());
            if (request.group() != null) {
                group = null;
            }
        }
        refuse(message);
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        int size = batch;
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            if (size <= 1) {
                for (ConsumerRecord<byte[], byte[]> record : list) {
                    if (closing.get()) {
                        return;
                    }
                    send(List.of(record));
                }
            } else {
                for (int i = 0; i < list.size() && !closing.get(); i += size) {
                    send(list.subList(i, Math.min(list.size(), i + size)));
                }
            }
        }
    }

    /** Sends records as one frame, splitting a batch that exceeds the frame limit; a lone oversize record becomes an error frame. */
    private void send(List<ConsumerRecord<byte[], byte[]>> records) {
        byte[] text = records.size() == 1 && batch <= 1 ? frames.record(records.get(0)) : frames.batch(records);
        byte[] payload = shape(text);
        if (payload.length > config.frameMaxBytes()) {
            if (records.size() > 1) {
                int half = records.size() / 2;
                send(records.subList(0, half));
                send(records.subList(half, records.size()));
                return;
            }
            ConsumerRecord<byte[], byte[]> r = records.get(0);
            metrics.recordsTooLarge.increment();
            LOG.warn("client id={} record too large topic={} partition={} offset={} frameBytes={} limit={}", id, r.topic(),
                    r.partition(), r.offset(), payload.length, config.frameMaxBytes());
            byte[] error = shape(RecordFrames.tooLarge(r.topic(), r.partition(), r.offset(), payload.length, config.frameMaxBytes()));
            enqueue(new OutboundFrame(error, gzip, List.of(new OutboundFrame.Span(r.topic(), r.partition(), r.offset(), r.offset())), 0));
            return;
        }
        ConsumerRecord<byte[], byte[]> first = records.get(0);
        ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
        enqueue(new OutboundFrame(payload, gzip,
                List.of(new OutboundFrame.Span(first.topic(), first.partition(), first.offset(), last.offset())), records.size()));
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

    private void updateLag(KafkaConsumer<byte[], byte[]> c) {
        Map<String, Long> lag = new HashMap<>();
        for (TopicPartition tp : c.assignment()) {
            c.currentLag(tp).ifPresent(l -> lag.merge(tp.topic(), l, Long::sum));
        }
        lagByTopic = lag;
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
