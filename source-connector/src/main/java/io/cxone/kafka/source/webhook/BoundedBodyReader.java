package io.cxone.kafka.source.webhook;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Reads a whole request body without holding a thread while it arrives, and fails with 413 once it passes the
 * limit (a chunked body declares no length). Written over Jetty's read()/demand() loop because Jetty's own
 * whole-body readers either block a thread ({@code Content.Source.asInputStream}), have no size bound
 * ({@code Content.Source.asByteBuffer(source, promise)}), or answer with their own error page instead of this
 * endpoint's JSON rejection ({@code SizeLimitHandler}).
 */
final class BoundedBodyReader implements Runnable {

    private final Request request;
    private final int limit;
    private final BiConsumer<byte[], RejectedRequest> done;
    private byte[] bytes;
    private int size;

    /**
     * Starts reading; {@code done} gets the body, or the rejection, exactly once, on the calling thread when the body
     * has already arrived, else on a Jetty thread.
     */
    static void read(Request request, int limit, BiConsumer<byte[], RejectedRequest> done) {
        new BoundedBodyReader(request, limit, done).run();
    }

    private BoundedBodyReader(Request request, int limit, BiConsumer<byte[], RejectedRequest> done) {
        this.request = request;
        this.limit = limit;
        this.done = done;
        long declared = request.getLength(); // at most limit: larger declared bodies are refused before reading
        this.bytes = new byte[declared >= 0 && declared <= limit ? (int) declared : Math.min(limit, 8192)];
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // a transient failure (an idle timeout while the caller is slow) ends the read too: the caller retries
                done.accept(null, new RejectedRequest(400, "body could not be read: " + chunk.getFailure().getMessage()));
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            if (n > limit - size) {
                chunk.release();
                done.accept(null, new RejectedRequest(413, "body exceeds request.max.bytes=" + limit));
                return;
            }
            if (n > bytes.length - size) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + (long) n, 2L * bytes.length)));
            }
            buffer.get(bytes, size, n);
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                done.accept(size == bytes.length ? bytes : Arrays.copyOf(bytes, size), null);
                return;
            }
        }
    }
}
