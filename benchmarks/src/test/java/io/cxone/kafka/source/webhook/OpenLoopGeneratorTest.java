package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's open-loop generator against a real Jetty server that closes idle connections. */
class OpenLoopGeneratorTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void everyRequestIsAnsweredOnceAlsoAfterTheServerClosedIdleConnections() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(200);
        AtomicInteger opened = new AtomicInteger();
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
        try (OpenLoopGenerator generator =
                new OpenLoopGenerator("http://127.0.0.1:" + connector.getLocalPort() + "/events", 4)) {
            assertAllAnswered(generator);
            // the server closes the 4 idle connections and the generator opens them again: it must list each as free
            // once, or two requests go out on one connection and one answer arrives "to no request"
            await().atMost(Duration.ofSeconds(10)).until(() -> opened.get() >= 8);
            assertAllAnswered(generator);
        }
    }

    private static void assertAllAnswered(OpenLoopGenerator generator) throws InterruptedException {
        OpenLoopGenerator.Phase phase = generator.start(200, 2_000, k -> new byte[] {(byte) k});
        phase.await(Duration.ofSeconds(30));
        assertThat(phase.failures).isZero();
        assertThat(Arrays.stream(phase.latencies).filter(l -> l < 0)).isEmpty();
        assertThat(phase.answered).isEqualTo(200);
    }
}
