package io.cxone.kafka.bridge.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.BridgeServer;
import io.cxone.kafka.bridge.frame.FrameChecksum;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.session.ClientConnection;
import io.cxone.kafka.bridge.session.ClientTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A client's Server-Sent Events stream ({@code GET /sse}): every frame the WebSocket would send becomes one event
 * whose {@code data:} is that frame's JSON text; the events of frames that account for records (records, too large
 * records, dropped notices) and the "subscribed" event carry an {@code id:} with the stream's next offsets
 * ({@link StreamPositions}), from which a reconnect resumes. The response starts (200) with the first event, so a
 * subscription refused before it is answered with an HTTP error status instead ({@link #refuse}). A stream with
 * nothing to send for {@code sse.heartbeat.interval.ms} gets a comment line, so proxies keep it open.
 *
 * <p>Writes are asynchronous, one at a time: the connection's outbox hands over one frame at a time, and a heartbeat
 * is written only between them (a frame offered meanwhile waits for it).
 */
public final class SseTransport implements ClientTransport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    /** What follows the checksum in a "subscribed" frame's text. */
    private static final byte[] SUBSCRIBED = "\",\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);

    private final Request request;
    private final Response response;
    private final Callback done;
    private final long retryMillis;
    private final Duration heartbeatInterval;
    private final Duration closeGrace;

    private final Object lock = new Object();
    /** The 200 and its headers are written (with the first event). */
    private boolean started;
    /** A write (event or heartbeat) is in flight. */
    private boolean writing;
    /** The stream is to end once the write in flight completes. */
    private boolean ending;
    /** The response is being completed or failed; nothing more is written. */
    private boolean finished;
    /** Jetty's callback of the request is completed. */
    private boolean completed;
    /** A frame offered while a heartbeat was in flight. */
    private Pending pending;

    private long lastWriteNanos = System.nanoTime();
    private StreamPositions positions;
    private volatile ClientConnection connection;
    private volatile ScheduledFuture<?> heartbeat;

    private record Pending(OutboundFrame frame, Callback callback) {}

    /** @param done Jetty's callback of the request: completed when the stream ends */
    public SseTransport(Request request, Response response, Callback done, BridgeConfig config) {
        this.request = request;
        this.response = response;
        this.done = done;
        this.retryMillis = config.sseRetryMillis();
        this.heartbeatInterval = config.sseHeartbeat();
        this.closeGrace = config.shutdownGrace();
        // A write stalled this long (the client stopped reading) ends the stream; heartbeats keep an idle one active.
        request.getConnectionMetaData()
                .getConnection()
                .getEndPoint()
                .setIdleTimeout(config.writeTimeout()
                        .plus(heartbeatInterval.multipliedBy(2))
                        .toMillis());
    }

    @Override
    public void attach(ClientConnection connection) {
        this.connection = connection;
    }

    /** Opens the stream: its subscription is applied, its first event starts the response. */
    public void open() {
        // Checked four times an interval: no write for longer than 1.25 intervals.
        long every = heartbeatInterval.toMillis() / 4;
        heartbeat = BridgeServer.SCHEDULER.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        connection.opened();
    }

    @Override
    public String describe() {
        return "sse";
    }

    @Override
    public void send(OutboundFrame frame, Callback callback, boolean more) {
        ByteBuffer event;
        synchronized (lock) {
            if (ending || finished) {
                event = null;
            } else if (writing) {
                pending = new Pending(frame, callback);
                return;
            } else {
                if (!started) {
                    response.setStatus(HttpStatus.OK_200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                    // nginx would otherwise buffer the stream.
                    response.getHeaders().put("X-Accel-Buffering", "no");
                }
                event = ByteBuffer.wrap(event(frame));
                started = true;
                writing = true;
            }
        }
        if (event == null) {
            callback.failed(new IOException("stream ended"));
            return;
        }
        response.write(
                false,
                event,
                Callback.from(
                        () -> {
                            afterWrite(null);
                            callback.succeeded();
                        },
                        x -> {
                            afterWrite(x);
                            callback.failed(x);
                        }));
    }

    /** The event of a frame (called in send order, under the lock: ids follow the order of the stream). */
    private byte[] event(OutboundFrame frame) {
        String id = null;
        if (isSubscribed(frame.payload())) {
            positions = StreamPositions.of(subscribedPositions(frame.payload()));
            id = positions.id();
        } else if (positions != null && !frame.spans().isEmpty()) {
            frame.spans().forEach(positions::advance);
            id = positions.id();
        }
        return event(started ? -1 : retryMillis, id, frame.payload());
    }

    /**
     * One event: {@code retry:} (when not negative), {@code id:} (when not null), then the data, one {@code data:}
     * line per line of it (a line ends at CR, LF or CRLF, as an event stream's parser reads it), then a blank line.
     */
    static byte[] event(long retry, String id, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 32 + (id == null ? 0 : id.length()));
        if (retry >= 0) {
            out.writeBytes(("retry: " + retry + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (id != null) {
            out.writeBytes(("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n' || data[i] == '\r') {
                out.writeBytes(DATA);
                out.write(data, start, i - start);
                out.write('\n');
                if (i + 1 < data.length && data[i] == '\r' && data[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static boolean isSubscribed(byte[] frame) {
        return frame.length > FrameChecksum.HEX_END + SUBSCRIBED.length
                && Arrays.equals(
                        frame,
                        FrameChecksum.HEX_END,
                        FrameChecksum.HEX_END + SUBSCRIBED.length,
                        SUBSCRIBED,
                        0,
                        SUBSCRIBED.length);
    }

    private static Map<String, Map<Integer, Long>> subscribedPositions(byte[] frame) {
        try {
            Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
            JsonNode node = JSON.readTree(frame).get("positions");
            node.fields().forEachRemaining(topic -> {
                Map<Integer, Long> byPartition = new LinkedHashMap<>();
                topic.getValue()
                        .fields()
                        .forEachRemaining(p -> byPartition.put(
                                Integer.parseInt(p.getKey()), p.getValue().asLong()));
                positions.put(topic.getKey(), byPartition);
            });
            return positions;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable subscribed frame: " + e.getMessage(), e);
        }
    }

    /** Sends a comment line if nothing was written for a heartbeat interval and nothing is being written. */
    private void heartbeat() {
        synchronized (lock) {
            if (!started
                    || writing
                    || ending
                    || finished
                    || System.nanoTime() - lastWriteNanos < heartbeatInterval.toNanos()) {
                return;
            }
            writing = true;
        }
        response.write(false, ByteBuffer.wrap(HEARTBEAT), Callback.from(() -> afterWrite(null), this::afterWrite));
    }

    /** A write completed (failure null) or failed: the frame that waited for it follows, or the stream ends. */
    private void afterWrite(Throwable failure) {
        Pending next;
        boolean end;
        synchronized (lock) {
            writing = false;
            lastWriteNanos = System.nanoTime();
            next = pending;
            pending = null;
            end = failure != null || ending;
        }
        if (next != null) {
            if (end) {
                next.callback().failed(new IOException("stream ended"));
            } else {
                send(next.frame(), next.callback(), false);
            }
        }
        if (failure != null) {
            finish(failure, "client gone");
        } else if (end) {
            finish(null, null);
        }
    }

    /**
     * Ends the stream after the write in flight (a stream that has not started answers 503 with the reason); a client
     * that stopped reading cannot take the end of the stream, so its connection is closed after the grace period.
     */
    @Override
    public void close(int code, String reason) {
        boolean now;
        boolean begun;
        synchronized (lock) {
            if (ending || finished) {
                return;
            }
            ending = true;
            now = !writing;
            begun = started;
        }
        if (!begun) {
            answer(HttpStatus.SERVICE_UNAVAILABLE_503, reason);
        } else if (now) {
            finish(null, null);
        }
        BridgeServer.SCHEDULER.schedule(this::abortIfOpen, closeGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    /** The write in flight fails with the connection, and the stream with it ({@link #afterWrite}). */
    private void abortIfOpen() {
        synchronized (lock) {
            if (completed) {
                return;
            }
        }
        request.getConnectionMetaData()
                .getConnection()
                .getEndPoint()
                .close(new TimeoutException("stream not ended within " + closeGrace.toMillis() + " ms"));
    }

    @Override
    public boolean refuse(String code, String message) {
        synchronized (lock) {
            if (started || ending || finished) {
                return false;
            }
            ending = true;
        }
        int status =
                switch (code) {
                    case ClientConnection.LIMIT_EXCEEDED -> HttpStatus.TOO_MANY_REQUESTS_429;
                    case ClientConnection.KAFKA_ERROR -> HttpStatus.SERVICE_UNAVAILABLE_503;
                    default -> HttpStatus.BAD_REQUEST_400;
                };
        answer(status, message);
        return true;
    }

    /** Answers the request with an error status instead of a stream. */
    private void answer(int status, String message) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
        }
        cancelHeartbeat();
        String reason = "refused " + status + ": " + message;
        Response.writeError(request, response, completion(reason), status, message);
    }

    /** Completes the response (failure null) or fails it, once. */
    private void finish(Throwable failure, String reason) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
        }
        cancelHeartbeat();
        if (failure == null) {
            response.write(true, BufferUtil.EMPTY_BUFFER, completion("stream ended"));
        } else {
            completion(reason).failed(failure);
        }
    }

    /** Completes Jetty's callback of the request, then releases the connection. */
    private Callback completion(String reason) {
        return Callback.from(() -> completed(null, reason), x -> completed(x, reason + " (" + x + ")"));
    }

    private void completed(Throwable failure, String reason) {
        synchronized (lock) {
            completed = true;
        }
        if (failure == null) {
            done.succeeded();
        } else {
            done.failed(failure);
        }
        connection.closed(reason);
    }

    private void cancelHeartbeat() {
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
        }
    }
}
