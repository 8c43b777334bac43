package io.cxone.kafka.source.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load on the webhook for a broker-kill run: {@code clients} threads, each on its own keep-alive
 * connection, post one event per request with an event id of its own, and record each request's outcome by event id: the
 * HTTP status, or how it failed without one (reset, closed without answer, no answer within the hang bound). A
 * refused connection is counted apart (nothing was sent); the client retries after a short pause. A probe opens a new
 * connection for {@code GET /health} every 100 ms, so the port is sampled even while every client is busy on a
 * keep-alive connection, and the refused intervals (from the first refused connection to the next accepted one, by
 * clients or probe) are recorded. Plain sockets, because HTTP client libraries fold a refusal, a reset and a close into
 * one exception.
 */
final class WebhookKillLoad implements AutoCloseable {

    static final int RESET = -1;
    static final int CLOSED = -2;
    static final int HUNG = -3;

    private static final long PROBE_INTERVAL_MS = 100;

    private final InetSocketAddress address;
    private final String path;
    private final String prefix;
    private final int hangMillis;
    private final long thinkMillis;
    private final long startNanos = System.nanoTime();
    private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    private final Queue<Long> answerMicros = new ConcurrentLinkedQueue<>();
    private final LongAdder refused = new LongAdder();
    private final Map<Integer, LongAdder> probe = new ConcurrentHashMap<>();
    private final List<double[]> refusedIntervals = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private long refusedSince = -1; // guarded by this

    WebhookKillLoad(int port, String path, int clients, String prefix, Duration hangBound, long thinkMillis) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.path = path;
        this.prefix = prefix;
        this.hangMillis = (int) hangBound.toMillis();
        this.thinkMillis = thinkMillis;
        for (int i = 0; i < clients; i++) {
            int index = i;
            threads.add(new Thread(() -> runClient(index), "kill-load-" + i));
        }
        threads.add(new Thread(this::runProbe, "kill-load-probe"));
        threads.forEach(Thread::start);
    }

    /** Seconds since the load started. */
    double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void runClient(int index) {
        long sequence = 0;
        Connection connection = null;
        while (running) {
            if (connection == null) {
                connection = connect(refused);
                if (connection == null) {
                    pause(20);
                    continue;
                }
            }
            String eventId = prefix + "-" + index + "-" + sequence++;
            long sent = System.nanoTime();
            int outcome = connection.exchange(post(eventId));
            if (outcome >= 0) {
                answerMicros.add((System.nanoTime() - sent) / 1000);
            }
            outcomes.put(eventId, outcome);
            if (outcome < 0 || connection.parser.closed()) {
                connection.close();
                connection = null;
            }
            pause(thinkMillis);
        }
        if (connection != null) {
            connection.close();
        }
    }

    private void runProbe() {
        byte[] health = ("GET " + HealthHandler.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (running) {
            Connection connection = connect(null);
            int outcome = connection == null ? 0 : connection.exchange(health);
            if (connection != null) {
                connection.close();
            }
            probe.computeIfAbsent(outcome, k -> new LongAdder()).increment();
            pause(PROBE_INTERVAL_MS);
        }
    }

    /** A new connection, or null if it was refused (or could not be made within the hang bound). */
    private Connection connect(LongAdder refusals) {
        Socket socket = new Socket();
        try {
            socket.connect(address, hangMillis);
            socket.setSoTimeout(hangMillis);
            socket.setTcpNoDelay(true);
            accepted();
            return new Connection(socket);
        } catch (IOException e) { // refused, or not taken within the hang bound
            refused();
            if (refusals != null) {
                refusals.increment();
            }
        }
        closeQuietly(socket);
        return null;
    }

    private synchronized void refused() {
        if (refusedSince < 0) {
            refusedSince = System.nanoTime();
        }
    }

    private synchronized void accepted() {
        if (refusedSince >= 0) {
            refusedIntervals.add(
                    new double[] {(refusedSince - startNanos) / 1e9, (System.nanoTime() - startNanos) / 1e9});
            refusedSince = -1;
        }
    }

    private byte[] post(String eventId) {
        byte[] body = ("{\"event_id\":\"" + eventId + "\",\"timestamp\":" + System.currentTimeMillis()
                        + ",\"action_type\":\"EXPORT_STARTED\",\"user_id\":\"u1\",\"metadata\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** Stops the clients and waits for each to finish its request in flight (at most the hang bound). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
        accepted(); // a refused interval still open ends here
    }

    /** Every request sent, by event id: its status, or {@link #RESET}, {@link #CLOSED} or {@link #HUNG}. */
    Map<String, Integer> outcomes() {
        return outcomes;
    }

    /** p50, p99 and the longest time to an answer, in milliseconds, over the requests that got one. */
    double[] answerMillis() {
        long[] sorted =
                answerMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new double[] {0, 0, 0};
        }
        return new double[] {
            sorted[sorted.length / 2] / 1e3,
            sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e3,
            sorted[sorted.length - 1] / 1e3
        };
    }

    /** Connections the clients found refused (the probe's are in {@link #probeOutcomes} as 0). */
    long refusedConnections() {
        return refused.sum();
    }

    /** The probe's outcomes: HTTP status, 0 for a refused connection, or a negative failure code. */
    Map<Integer, Long> probeOutcomes() {
        Map<Integer, Long> counts = new TreeMap<>();
        probe.forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    /** [from, to] seconds since the load started of each interval in which connections were refused. */
    synchronized List<double[]> refusedIntervals() {
        return List.copyOf(refusedIntervals);
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One keep-alive connection with one request in flight. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ResponseParser parser = new ResponseParser();
        private final byte[] buffer = new byte[8192];

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Sends {@code request} and returns the answer's status, or how the exchange failed. */
        int exchange(byte[] request) {
            try {
                out.write(request);
                out.flush();
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return CLOSED;
                    }
                    int status = parser.next(ByteBuffer.wrap(buffer, 0, n));
                    if (status >= 0) {
                        return status;
                    }
                }
            } catch (SocketTimeoutException e) {
                return HUNG;
            } catch (IOException e) {
                return RESET;
            }
        }

        void close() {
            closeQuietly(socket);
        }
    }
}
