package io.cxone.kafka.sink.elasticsearch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of the real test Elasticsearch that can fail on purpose: {@link #down()} closes
 * its port (connections are refused, like a stopped cluster) until {@link #up()}; {@link #rejectEveryNthBulk(int)}
 * answers 429 to every n-th {@code _bulk} call with Elasticsearch's own error body. It records the bodies of
 * requests whose path contains a marker, so a test can check what the connector sent.
 */
final class FaultyElasticsearchProxy implements AutoCloseable {

    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");

    private final int targetPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final AtomicInteger bulkCalls = new AtomicInteger();
    private final AtomicInteger rejectedBulks = new AtomicInteger();
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private volatile int rejectEvery;
    private volatile String recordMarker = "\u0000";
    private final int port;
    private HttpServer server;

    FaultyElasticsearchProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void down() {
        server.stop(0);
    }

    synchronized void up() throws IOException {
        server = bind(port);
    }

    void rejectEveryNthBulk(int n) {
        rejectEvery = n;
    }

    void recordRequestsContaining(String pathMarker) {
        recordMarker = pathMarker;
    }

    List<String> recorded() {
        return recorded;
    }

    int bulkCalls() {
        return bulkCalls.get();
    }

    int rejectedBulks() {
        return rejectedBulks.get();
    }

    private HttpServer bind(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 50);
        s.createContext("/", this::forward);
        s.setExecutor(executor);
        s.start();
        return s;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.contains(recordMarker)) {
                recorded.add(exchange.getRequestMethod() + " " + path + " " + new String(body, StandardCharsets.UTF_8));
            }
            if (path.endsWith("/_bulk")) {
                int call = bulkCalls.incrementAndGet();
                int n = rejectEvery;
                if (n > 0 && call % n == 0) {
                    rejectedBulks.incrementAndGet();
                    byte[] error = ("{\"error\":{\"root_cause\":[{\"type\":\"es_rejected_execution_exception\",\"reason\":\"injected by test\"}],"
                            + "\"type\":\"es_rejected_execution_exception\",\"reason\":\"injected by test\"},\"status\":429}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
                    exchange.sendResponseHeaders(429, error.length);
                    exchange.getResponseBody().write(error);
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + targetPort + path + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                if (!RESTRICTED.contains(header.getKey().toLowerCase())) {
                    header.getValue().forEach(v -> request.header(header.getKey(), v));
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] out = response.body();
            boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || out.length == 0;
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : out.length);
            if (!noBody) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
