package io.cxone.kafka.source.webhook;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The non-blocking body reader on a real Jetty server, fed by a raw socket so the body can arrive in pieces: the
 * reader then waits for more (demand) without holding a thread, and a chunked body is cut off at the limit.
 */
class BoundedBodyReaderTest {

    private static final int LIMIT = 100;
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                BoundedBodyReader.read(request, LIMIT, (body, rejected) -> {
                    response.setStatus(rejected == null ? 200 : rejected.status());
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
                "ijklmnopq", "rstuvwxyz"));
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nabcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void aChunkedBodyWithinTheLimitIsReadWhole() throws Exception {
        String answer = exchange(List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n",
                "6\r\n world\r\n", "0\r\n\r\n"));
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhello world");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        String sixty = "x".repeat(60);
        String answer = exchange(List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3c\r\n" + sixty + "\r\n",
                "3c\r\n" + sixty + "\r\n", "0\r\n\r\n"));
        assertThat(answer).startsWith("HTTP/1.1 413").contains("body exceeds request.max.bytes=" + LIMIT);
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
            InputStream in = socket.getInputStream();
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
}
