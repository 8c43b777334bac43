package io.cxone.kafka.bridge.frame;

import io.cxone.kafka.bridge.BridgeConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.eclipse.jetty.util.Callback;

/**
 * A client's bounded outgoing queue. Producers (partition feeds, the client's catch-up or group reader) never block: when the queue
 * is full, the {@link BridgeConfig.SlowClientPolicy} decides. At most one message is in flight on the socket;
 * the write callback pulls the next one, so a slow socket only ever holds back its own client.
 *
 * <p>Under drop-oldest, dropped records are reported to the client in a "dropped" frame sent ahead of the
 * next frame, with an offset range per partition.
 */
public final class Outbox {

    /**
     * Sends one message asynchronously and completes the callback when written (or failed); {@code more} says
     * further frames are already queued, so the socket may aggregate this one with them before flushing.
     */
    public interface Sink {
        void send(OutboundFrame frame, Callback callback, boolean more);
    }

    /** Counters the outbox reports into (shared metrics). */
    public interface Listener {
        void sent(OutboundFrame frame);

        void dropped(OutboundFrame frame);
    }

    public enum Offer {
        QUEUED,
        QUEUED_AFTER_DROPS,
        DROPPED,
        REJECTED_FULL,
        CLOSED
    }

    private final int maxMessages;
    private final long maxBytes;
    private final BridgeConfig.SlowClientPolicy policy;
    private final Sink sink;
    private final Listener listener;
    private final Function<DroppedReport, OutboundFrame> droppedNotice;
    private final AtomicLong globalBytes;
    private final Executor writer;
    /** A write run is queued on the writer (guarded by lock). */
    private boolean scheduled;

    private final long globalMaxBytes;

    private final Object lock = new Object();
    private final ArrayDeque<OutboundFrame> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean sending;
    private boolean closed;
    private long droppedFrames;
    private final Map<String, OutboundFrame.Span> droppedRanges = new LinkedHashMap<>();

    /** Frames dropped since the last notice, with per-partition offset ranges. */
    public record DroppedReport(long frames, List<OutboundFrame.Span> ranges) {}

    /**
     * @param globalBytes bytes queued by all clients together, checked against {@code globalMaxBytes}: server
     *                    memory stays bounded whatever the number of clients
     */
    public Outbox(
            int maxMessages,
            long maxBytes,
            AtomicLong globalBytes,
            long globalMaxBytes,
            BridgeConfig.SlowClientPolicy policy,
            Sink sink,
            Listener listener,
            Function<DroppedReport, OutboundFrame> droppedNotice) {
        this(maxMessages, maxBytes, globalBytes, globalMaxBytes, policy, sink, listener, droppedNotice, null);
    }

    /**
     * @param writer runs the socket writes of queued frames (null: the offering thread writes). A partition feed
     *               offers to every client; with a writer the sockets are written on other threads (cores)
     *               while the feed goes on reading.
     */
    public Outbox(
            int maxMessages,
            long maxBytes,
            AtomicLong globalBytes,
            long globalMaxBytes,
            BridgeConfig.SlowClientPolicy policy,
            Sink sink,
            Listener listener,
            Function<DroppedReport, OutboundFrame> droppedNotice,
            Executor writer) {
        this.writer = writer;
        this.globalBytes = globalBytes;
        this.globalMaxBytes = globalMaxBytes;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
        this.sink = sink;
        this.listener = listener;
        this.droppedNotice = droppedNotice;
    }

    /** Queues a frame without blocking; a control frame (no spans) is never dropped to make room for itself. */
    public Offer offer(OutboundFrame frame) {
        return offerAll(List.of(frame));
    }

    /**
     * Queues frames in order without blocking, taking the lock once per run rather than per frame (a partition
     * feed hands over a whole poll's worth of frames at a time). When the queue is full, what it holds is first
     * handed to the socket; only if there is still no room does the slow-client policy apply, so a burst larger
     * than the queue costs a client that keeps up nothing. Returns the worst outcome:
     * {@link Offer#REJECTED_FULL} (disconnect policy) stops at the frame that did not fit.
     */
    public Offer offerAll(List<OutboundFrame> frames) {
        return offerAll(frames, false);
    }

    /**
     * As {@link #offerAll(List)}; with {@code onWriter}, the frames that fit are written by the writer (when the
     * outbox has one) instead of this thread. Control frames are offered without it: a close that follows an
     * error frame must find that frame already handed to the socket.
     */
    public Offer offerAll(List<OutboundFrame> frames, boolean onWriter) {
        Offer result = Offer.QUEUED;
        int next = 0;
        boolean pumped = false;
        while (true) {
            boolean more;
            synchronized (lock) {
                if (closed) {
                    return Offer.CLOSED;
                }
                int from = next;
                while (next < frames.size() && fits(frames.get(next))) {
                    add(frames.get(next++));
                }
                // No room even right after the socket was handed what it would take: the policy decides.
                if (next < frames.size() && next == from && pumped) {
                    Offer one = queueLocked(frames.get(next++));
                    if (one == Offer.REJECTED_FULL) {
                        return one;
                    }
                    if (one.ordinal() > result.ordinal()) {
                        result = one;
                    }
                }
                more = next < frames.size();
            }
            if (!more) {
                if (onWriter) {
                    schedulePump();
                } else {
                    pump();
                }
                return result;
            }
            // No room left: hand the socket what it takes now, on this thread, before any policy applies.
            pump();
            pumped = true;
        }
    }

    private Offer queueLocked(OutboundFrame frame) {
        Offer result = Offer.QUEUED;
        while (!fits(frame)) {
            if (policy == BridgeConfig.SlowClientPolicy.DISCONNECT) {
                return Offer.REJECTED_FULL;
            }
            if (queue.isEmpty()) {
                // Only the shared budget can be short here: this client's newest frame is the one to go.
                recordDrop(frame);
                return Offer.DROPPED;
            }
            OutboundFrame oldest = queue.pollFirst();
            unqueued(oldest);
            recordDrop(oldest);
            result = Offer.QUEUED_AFTER_DROPS;
        }
        add(frame);
        return result;
    }

    private void add(OutboundFrame frame) {
        queue.addLast(frame);
        queuedBytes += frame.size();
        globalBytes.addAndGet(frame.size());
    }

    private boolean fits(OutboundFrame frame) {
        return queue.size() < maxMessages
                && queuedBytes + frame.size() <= maxBytes
                && globalBytes.get() + frame.size() <= globalMaxBytes;
    }

    private void unqueued(OutboundFrame frame) {
        queuedBytes -= frame.size();
        globalBytes.addAndGet(-frame.size());
    }

    private void clearQueue() {
        globalBytes.addAndGet(-queuedBytes);
        queue.clear();
        queuedBytes = 0;
    }

    private void recordDrop(OutboundFrame frame) {
        droppedFrames++;
        for (OutboundFrame.Span span : frame.spans()) {
            String key = span.topic() + "\u0000" + span.partition();
            OutboundFrame.Span previous = droppedRanges.get(key);
            droppedRanges.put(
                    key,
                    previous == null
                            ? span
                            : new OutboundFrame.Span(
                                    span.topic(), span.partition(), previous.firstOffset(), span.lastOffset()));
        }
        listener.dropped(frame);
    }

    /** Stops accepting frames and forgets queued ones (the connection is closing). */
    public void close() {
        synchronized (lock) {
            closed = true;
            clearQueue();
        }
    }

    public int queuedMessages() {
        synchronized (lock) {
            return queue.size();
        }
    }

    public long queuedBytes() {
        synchronized (lock) {
            return queuedBytes;
        }
    }

    /** True when nothing is queued or in flight. */
    public boolean isIdle() {
        synchronized (lock) {
            return queue.isEmpty() && !sending;
        }
    }

    private void schedulePump() {
        if (writer == null) {
            pump();
            return;
        }
        synchronized (lock) {
            if (scheduled || sending || closed || (queue.isEmpty() && droppedFrames == 0)) {
                return;
            }
            scheduled = true;
        }
        try {
            writer.execute(() -> {
                synchronized (lock) {
                    scheduled = false;
                }
                pump();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (lock) {
                scheduled = false;
            }
            pump(); // the writer is shut down (server stopping): write here
        }
    }

    /** Sends queued frames one at a time; loops while writes complete synchronously, so there is no recursion. */
    private void pump() {
        while (true) {
            OutboundFrame next;
            boolean more;
            synchronized (lock) {
                if (sending || closed) {
                    return;
                }
                if (droppedFrames > 0) {
                    DroppedReport report = new DroppedReport(droppedFrames, new ArrayList<>(droppedRanges.values()));
                    droppedFrames = 0;
                    droppedRanges.clear();
                    next = droppedNotice.apply(report);
                } else {
                    next = queue.pollFirst();
                    if (next == null) {
                        return;
                    }
                    unqueued(next);
                }
                sending = true;
                more = !queue.isEmpty();
            }
            SendCallback callback = new SendCallback(next);
            sink.send(next, callback, more);
            synchronized (lock) {
                if (!callback.completed) {
                    callback.async = true;
                    return;
                }
            }
        }
    }

    private final class SendCallback implements Callback {
        private final OutboundFrame frame;
        private boolean completed;
        private boolean async;

        SendCallback(OutboundFrame frame) {
            this.frame = frame;
        }

        @Override
        public void succeeded() {
            listener.sent(frame);
            done();
        }

        @Override
        public void failed(Throwable x) {
            // The connection is failing; its close path reports why. Stop sending.
            synchronized (lock) {
                closed = true;
                clearQueue();
            }
            done();
        }

        private void done() {
            boolean resume;
            synchronized (lock) {
                completed = true;
                sending = false;
                resume = async;
            }
            if (resume) {
                pump();
            }
        }
    }
}
