package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking body reader on a real Jetty server, fed by a raw socket so the body can arrive in pieces: the
 * reader then waits for more (demand) without holding a thread, a chunked body is cut off at the limit, a trickling
 * body at the deadline, and memory follows the bytes that arrived, not the length the headers declare.
 */
class BoundedBodyReaderTest {

    private static final int LIMIT = 100;
    private static final int LARGE_LIMIT = 1024 * 1024;
    private static final long TIMEOUT_MILLIS = 1_000;
    private Server server;
    private int port;
    /** Requests whose reading has started. */
    private final AtomicInteger reading = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                int limit = request.getHttpURI().getPath().equals("/large") ? LARGE_LIMIT : LIMIT;
                reading.incrementAndGet();
                BoundedBodyReader.read(request, limit, TIMEOUT_MILLIS, (body, rejected) -> {
                    response.setStatus(rejected == null ? 200 : rejected.status());
                    if (rejected != null) {
                        response.getHeaders()
                                .put(HttpHeader.CONNECTION, "close"); // as the webhook does: the rest is unread
                    }
                    String text = rejected == null ? new String(body, StandardCharsets.US_ASCII) : rejected.reason();
                    response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), callback);
                });
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aBodyArrivingInPiecesIsReadWhole() throws Exception {
        String answer = exchange(List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 26\r\nConnection: close\r\n\r\nabcdefgh",
                "ijklmnopq",
                "rstuvwxyz"));
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nabcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void aChunkedBodyWithinTheLimitIsReadWhole() throws Exception {
        String answer = exchange(List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n",
                "6\r\n world\r\n",
                "0\r\n\r\n"));
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhello world");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        String sixty = "x".repeat(60);
        String answer = exchange(List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3c\r\n" + sixty
                        + "\r\n",
                "3c\r\n" + sixty + "\r\n",
                "0\r\n\r\n"));
        assertThat(answer).startsWith("HTTP/1.1 413").contains("body exceeds request.max.bytes=" + LIMIT);
    }

    /**
     * A body trickling in (a byte every 50 ms of 1,000 declared, so it would take 50 s) is cut off at the deadline with
     * 408 naming the setting, and the connection is closed.
     */
    @Test
    void aTricklingBodyIsCutOffAtTheDeadline() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 1000; i++) {
                        out.write('x');
                        out.flush();
                        TimeUnit.MILLISECONDS.sleep(50); // the slow caller
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: the point of the test
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            String answer = readUntilClosed(socket.getInputStream());
            assertThat(answer)
                    .startsWith("HTTP/1.1 408")
                    .contains("Connection: close")
                    .contains("body not received within request.body.timeout.ms=" + TIMEOUT_MILLIS);
            trickle.interrupt();
        }
    }

    /**
     * Connections that send only headers declaring a 1 MiB body leave the heap about where it was: the reader allocates
     * nothing before bytes arrive (it allocated the declared length up front: 64 MiB here).
     */
    @Test
    void headersDeclaringLargeBodiesAllocateNothingBeforeBytesArrive() throws Exception {
        int connections = 64;
        long before = heapUsedAfterGc();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                sockets.add(socket);
                socket.getOutputStream()
                        .write(("POST /large HTTP/1.1\r\nHost: x\r\nContent-Length: " + LARGE_LIMIT + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> reading.get() == connections);
            long grown = heapUsedAfterGc() - before;
            System.out.printf(
                    "heap growth with %d header-only connections declaring %d bytes each: %d KiB%n",
                    connections, LARGE_LIMIT, grown / 1024);
            assertThat(grown).as("heap growth in bytes").isLessThan(connections * (long) LARGE_LIMIT / 8);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Sends the pieces with a pause between them (so they arrive apart) and returns everything the server answered. */
    private String exchange(List<String> pieces) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            try {
                for (String piece : pieces) {
                    out.write(piece.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(100); // a slow caller, not a wait for a condition
                }
            } catch (IOException e) {
                // the server answered and closed before the last piece (a refused body): read its answer
            }
            return readUntilClosed(socket.getInputStream());
        }
    }

    /** Everything the server sends until it closes the connection. */
    static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) { // until the server closes (Connection: close)
                answer.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // reset after its answer, as it closed with our unread bytes: the answer is what came before
        }
        return answer.toString(StandardCharsets.US_ASCII);
    }
}
