package io.cxone.kafka.source.export;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.GZIPInputStream;

/**
 * Response bodies read into memory only up to a limit, since the bytes come from a server the task does not control:
 * a declared {@code Content-Length} over the limit is refused before a byte is read, a body that grows past it is
 * cancelled as it arrives, and gzip is inflated against the same limit ({@link #gunzip}).
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** A body (or its inflated content) over the limit: not retried, the same request would get the same answer. */
    static final class TooLargeException extends IOException {
        private final int status;

        TooLargeException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final int status;
    private final long limit;
    private final boolean gzipEncoded;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final TooLargeException refused;
    private Flow.Subscription subscription;

    private BoundedBody(int status, long limit, boolean gzipEncoded, TooLargeException refused) {
        this.status = status;
        this.limit = limit;
        this.gzipEncoded = gzipEncoded;
        this.refused = refused;
    }

    /** Bodies of at most {@code limit} bytes, {@code Content-Encoding: gzip} inflated (within the limit too). */
    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean gzip = info.headers()
                    .firstValue("Content-Encoding")
                    .map(v -> v.trim().equalsIgnoreCase("gzip"))
                    .orElse(false);
            TooLargeException refused = declared > limit
                    ? new TooLargeException(
                            info.statusCode(),
                            "answer of " + declared + " bytes (Content-Length) exceeds the limit of " + limit
                                    + " bytes")
                    : null;
            return new BoundedBody(info.statusCode(), limit, gzip, refused);
        };
    }

    /** {@code bytes} inflated, refused with {@link TooLargeException} as soon as the inflated content passes {@code limit}. */
    static byte[] gunzip(byte[] bytes, long limit) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            byte[] inflated = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
            if (in.read() >= 0) {
                throw new TooLargeException(0, "gzip content inflates to more than the limit of " + limit + " bytes");
            }
            return inflated;
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (refused != null) {
            subscription.cancel();
            body.completeExceptionally(refused);
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if ((long) received.size() + buffer.remaining() > limit) {
                subscription.cancel();
                body.completeExceptionally(
                        new TooLargeException(status, "answer exceeds the limit of " + limit + " bytes"));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            received.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        try {
            body.complete(gzipEncoded ? gunzip(received.toByteArray(), limit) : received.toByteArray());
        } catch (IOException e) {
            body.completeExceptionally(e);
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
