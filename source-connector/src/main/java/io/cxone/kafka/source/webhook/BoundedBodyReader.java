package io.cxone.kafka.source.webhook;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a whole request body without holding a thread while it arrives: it fails with 413 once the body passes the
 * limit (a chunked body declares no length) and with 408 when the whole body has not arrived within the time allowed
 * (a caller trickling bytes cannot hold the connection). Memory follows the bytes received: nothing is allocated
 * before the first byte arrives, and the array at most doubles what has arrived, whatever Content-Length declares.
 *
 * <p>Hand-written over Jetty's read()/demand() loop because Jetty 12.0's bounded reader
 * ({@code Content.Source.asByteArrayAsync(source, max)}, deprecated for removal) keeps a reference to every chunk until
 * the body is complete, and each chunk pins the connection's whole input buffer: a caller sending one byte per packet
 * pins kilobytes per byte. Its other whole-body readers block a thread ({@code asInputStream}), have no size bound
 * ({@code asByteBuffer(source, promise)}), or answer with their own error page instead of this endpoint's JSON
 * rejection ({@code SizeLimitHandler}). Each chunk here is copied and released at once.
 */
final class BoundedBodyReader implements Invocable.Task {

    /** The first array allocated once bytes arrive (less when the limit or a declared length is smaller). */
    static final int INITIAL_CAPACITY = 8192;

    private final Request request;
    private final int limit;
    private final long timeoutMillis;
    private final BiConsumer<byte[], RejectedRequest> done;
    /** False: the bytes are counted and dropped, never kept ({@link #discard}). */
    private final boolean keep;
    /** Set by whoever ends the read first: the reader, or the deadline (which starts when the reader first waits). */
    private final AtomicBoolean finished = new AtomicBoolean();

    private volatile Scheduler.Task deadline;
    private byte[] bytes;
    private int size;

    /**
     * Starts reading; {@code done} gets the body, or the rejection, exactly once: on the calling thread when the body
     * has already arrived, else on a Jetty thread (the scheduler's for the 408).
     */
    static void read(Request request, int limit, long timeoutMillis, BiConsumer<byte[], RejectedRequest> done) {
        new BoundedBodyReader(request, limit, timeoutMillis, done, true).run();
    }

    /**
     * Reads the body and drops it, within the same size and time limits: {@code done} gets an empty array once the
     * whole body was read, or the rejection. Nothing is kept, whatever arrives.
     */
    static void discard(Request request, int limit, long timeoutMillis, BiConsumer<byte[], RejectedRequest> done) {
        new BoundedBodyReader(request, limit, timeoutMillis, done, false).run();
    }

    private BoundedBodyReader(
            Request request, int limit, long timeoutMillis, BiConsumer<byte[], RejectedRequest> done, boolean keep) {
        this.request = request;
        this.limit = limit;
        this.timeoutMillis = timeoutMillis;
        this.done = done;
        this.keep = keep;
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                if (!finished.get()) {
                    if (deadline == null) {
                        // only for bodies that did not come with their headers (the usual small one did): no timer
                        // to schedule and cancel for those
                        deadline = request.getComponents()
                                .getScheduler()
                                .schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
                    }
                    request.demand(this);
                }
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // a transient failure (an idle timeout while the caller is slow) ends the read too: the caller retries
                finish(
                        null,
                        new RejectedRequest(
                                400,
                                "body could not be read: " + chunk.getFailure().getMessage()));
                return;
            }
            if (finished.get()) { // the deadline passed: the answer is out, the rest is not read
                chunk.release();
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            if (n > limit - size) {
                chunk.release();
                finish(null, new RejectedRequest(413, "body exceeds request.max.bytes=" + limit));
                return;
            }
            if (n > 0 && keep) {
                ensureCapacity(n);
                buffer.get(bytes, size, n);
            }
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                finish(bytes == null ? new byte[0] : size == bytes.length ? bytes : Arrays.copyOf(bytes, size), null);
                return;
            }
        }
    }

    private void ensureCapacity(int n) {
        if (bytes == null) {
            long declared = request.getLength();
            int first = declared > 0 ? (int) Math.min(declared, INITIAL_CAPACITY) : INITIAL_CAPACITY;
            bytes = new byte[Math.min(limit, Math.max(n, first))];
        } else if (n > bytes.length - size) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + (long) n, 2L * bytes.length)));
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private void expire() {
        finish(
                null,
                new RejectedRequest(
                        408,
                        "body not received within request.body.timeout.ms=" + timeoutMillis + " (" + size
                                + " bytes arrived)"));
    }

    private void finish(byte[] body, RejectedRequest rejection) {
        if (finished.compareAndSet(false, true)) {
            Scheduler.Task task = deadline;
            if (task != null) {
                task.cancel();
            }
            done.accept(body, rejection);
        }
    }
}
