package io.cxone.kafka.source.webhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The open-loop phase's load generator: one thread ({@code bench-generator}) running a java.nio selector over
 * keep-alive HTTP/1.1 connections to the listener. Request k of a phase is due at start + k / rate; when it is due it
 * goes out on a free connection, or waits, in order, for one (at most one request in flight per connection, no
 * pipelining, as HTTP/1.1 callers do). Its latency counts from its due time, whenever it left.
 * <p>
 * Why hand-written rather than an HTTP client library: a load generator must cost much less CPU than the server it
 * measures, or on two cores the benchmark measures the generator. Jetty's HttpClient (8 clients, their threads plus
 * the sending thread) cost about as much CPU per request as the listener itself.
 * Like wrk, this does only what the benchmark needs: a prebuilt header, one write per request, and a minimal
 * response parser ({@link ResponseParser}) that fails loudly on anything it could miscount.
 */
final class OpenLoopGenerator implements AutoCloseable {
    private final InetSocketAddress address;
    private final byte[] head; // the request up to the Content-Length value
    private final Selector selector = Selector.open();
    private final ArrayDeque<Connection> free = new ArrayDeque<>();
    private final Thread thread = new Thread(this::loop, "bench-generator");
    private volatile Phase phase;
    private volatile boolean closed;
    private volatile Exception failure;

    /** One phase's plan and, once {@link #await} returned, its outcome (written by the generator's thread only). */
    final class Phase {
        final int planned;
        final long started = System.nanoTime();
        final double nanosPerRequest;
        final IntFunction<byte[]> body;
        final long[] latencies; // micros from the due time; -1 for an answer other than 200, or none yet
        final long[] lateness; // micros between the due time and the generator taking the request up
        int due; // requests due so far; [sent, due) wait for a connection
        int sent;
        int answered;
        int failures;
        int firstFailure = -1; // status; 0 for a connection closed before its answer
        int maxUnanswered;
        long lastAnswer;
        private final CountDownLatch done = new CountDownLatch(1);

        private Phase(int planned, double offered, IntFunction<byte[]> body) {
            this.planned = planned;
            this.nanosPerRequest = 1e9 / offered;
            this.body = body;
            this.latencies = new long[planned];
            Arrays.fill(latencies, -1);
            this.lateness = new long[planned];
        }

        long dueAt(int k) {
            return started + (long) (k * nanosPerRequest);
        }

        /**
         * Whether every request was answered within {@code timeout}. If not, the phase goes on in the generator, so
         * no other phase may start; {@link #latencies} then shows what was answered so far.
         */
        boolean awaitAtMost(Duration timeout) throws InterruptedException {
            boolean all = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            checkFailure();
            return all;
        }

        void await(Duration timeout) throws InterruptedException {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(answered + " of " + planned + " requests answered after " + timeout);
            }
            checkFailure();
        }
    }

    private static final class Connection {
        final ByteBuffer in = ByteBuffer.allocate(4096);
        ResponseParser parser = new ResponseParser();
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        int request = -1; // in flight on it, -1 when free
    }

    OpenLoopGenerator(String url, int connections) throws IOException {
        URI uri = URI.create(url);
        address = new InetSocketAddress(uri.getHost(), uri.getPort());
        head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                        + "\r\nContent-Type: application/avro\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < connections; i++) {
            connect(new Connection()); // connected by the generator's thread, before the first phase needs them
        }
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a phase of {@code planned} requests at {@code offered} per second; request k's body is body(k). */
    Phase start(int planned, double offered, IntFunction<byte[]> body) {
        checkFailure();
        Phase next = new Phase(planned, offered, body);
        phase = next;
        selector.wakeup();
        return next;
    }

    private void checkFailure() {
        if (failure != null) {
            throw new IllegalStateException("open-loop generator failed: " + failure.getMessage(), failure);
        }
    }

    private void loop() {
        while (!closed) {
            Phase p = phase;
            try {
                long wait = p == null ? Long.MAX_VALUE : takeDue(p, System.nanoTime());
                int ready = wait >= 1_000_000
                        ? selector.select(wait == Long.MAX_VALUE ? 0 : wait / 1_000_000)
                        : selector.selectNow();
                if (ready == 0 && wait < 1_000_000) {
                    LockSupport.parkNanos(wait); // epoll waits whole milliseconds; answers meanwhile are read after
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        handle((Connection) key.attachment(), key, p);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                failure = e;
                if (p != null) {
                    p.done.countDown();
                }
                return;
            }
        }
    }

    /** Marks the requests that have come due, sends what free connections allow; nanos until the next is due. */
    private long takeDue(Phase p, long now) throws IOException {
        for (; p.due < p.planned && p.dueAt(p.due) <= now; p.due++) {
            p.lateness[p.due] = (now - p.dueAt(p.due)) / 1000;
        }
        p.maxUnanswered = Math.max(p.maxUnanswered, p.due - p.answered);
        while (p.sent < p.due && !free.isEmpty()) {
            int k = p.sent++;
            send(free.poll(), p.body.apply(k), k);
        }
        return p.due < p.planned ? p.dueAt(p.due) - now : Long.MAX_VALUE; // > 0: every request due by now is taken
    }

    private void send(Connection c, byte[] body, int request) throws IOException {
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        c.out = ByteBuffer.allocate(head.length + length.length + body.length)
                .put(head)
                .put(length)
                .put(body)
                .flip();
        c.request = request;
        c.channel.write(c.out);
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void handle(Connection c, SelectionKey key, Phase p) throws IOException {
        if (key.isConnectable()) {
            c.channel.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            free.add(c);
            return;
        }
        if (key.isWritable()) {
            c.channel.write(c.out);
            if (!c.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }
        if (key.isReadable()) {
            if (c.channel.read(c.in) < 0) { // the server closed it: idle, or with a request unanswered
                if (c.request >= 0) {
                    answered(c, p, 0);
                }
                reconnect(c);
                return;
            }
            c.in.flip();
            for (int status = c.parser.next(c.in); status >= 0; status = c.parser.next(c.in)) {
                if (c.request < 0) {
                    throw new IllegalStateException("response " + status + " to no request");
                }
                answered(c, p, status);
                if (c.parser.closed()) {
                    reconnect(c);
                    return;
                }
                free.add(c);
            }
            c.in.compact();
        }
    }

    private void answered(Connection c, Phase p, int status) {
        long now = System.nanoTime();
        p.latencies[c.request] = status == 200 ? (now - p.dueAt(c.request)) / 1000 : -1;
        if (status != 200 && p.failures++ == 0) {
            p.firstFailure = status;
        }
        c.request = -1;
        p.lastAnswer = now;
        if (++p.answered == p.planned) {
            phase = null;
            p.done.countDown();
        }
    }

    private void reconnect(Connection c) throws IOException {
        free.remove(c); // an idle connection the server closed is still listed as free; connect() lists it again
        c.channel.close();
        c.in.clear();
        c.parser = new ResponseParser(); // a response may have been cut short
        connect(c);
    }

    private void connect(Connection c) throws IOException {
        c.channel = SocketChannel.open();
        c.channel.configureBlocking(false);
        c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
        if (c.channel.connect(address)) {
            c.key.interestOps(SelectionKey.OP_READ);
            free.add(c);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        selector.wakeup();
        thread.join(5_000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
