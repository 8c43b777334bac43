package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP proxy in front of the real test Elasticsearch that can fail on purpose: {@link #down()} closes
 * its port (connections are refused, like a stopped cluster) until {@link #up()}; {@link #rejectEveryNthBulk(int)}
 * answers 429 to every n-th {@code _bulk} call with Elasticsearch's own error body;
 * {@link #rejectEveryNthBulkItem(int)} holds back every n-th document of a bulk call from Elasticsearch and answers
 * 429 for it inside the otherwise real bulk response, as a node with a full write queue does. With a TLS context it
 * terminates https like a secured cluster, and {@link #requireAuthorization(String)} answers 401 to any other
 * Authorization header. It records the bodies of requests whose path contains a marker, so a test can check what the
 * connector sent.
 */
final class FaultyElasticsearchProxy implements AutoCloseable {

    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

    private final int targetPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final AtomicInteger bulkCalls = new AtomicInteger();
    private final AtomicInteger rejectedBulks = new AtomicInteger();
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile int rejectEvery;
    private volatile int rejectEveryItem;
    private final AtomicInteger bulkItems = new AtomicInteger();
    private final AtomicInteger rejectedItems = new AtomicInteger();
    private volatile String requiredAuthorization;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final SSLContext tls;
    private volatile String recordMarker = "\u0000";
    private final int port;
    private HttpServer server;

    FaultyElasticsearchProxy(int targetPort) throws IOException {
        this(targetPort, null);
    }

    /** An https proxy when {@code tls} is given. */
    FaultyElasticsearchProxy(int targetPort, SSLContext tls) throws IOException {
        this.targetPort = targetPort;
        this.tls = tls;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
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

    void rejectEveryNthBulkItem(int n) {
        rejectEveryItem = n;
    }

    void requireAuthorization(String headerValue) {
        requiredAuthorization = headerValue;
    }

    /** The Authorization header of each request (absent: "-"). */
    List<String> authorizations() {
        return authorizations;
    }

    int rejectedItems() {
        return rejectedItems.get();
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
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), p);
        HttpServer s;
        if (tls == null) {
            s = HttpServer.create(address, 50);
        } else {
            HttpsServer https = HttpsServer.create(address, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            s = https;
        }
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
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "-" : authorization);
            String required = requiredAuthorization;
            if (required != null && !required.equals(authorization)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\", charset=\"UTF-8\"");
                respond(
                        exchange,
                        401,
                        "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user "
                                + "for REST request [" + path + "]\"},\"status\":401}");
                return;
            }
            List<Integer> heldBack = List.of();
            if (path.endsWith("/_bulk") && rejectEveryItem > 0) {
                HeldBack held = holdBack(body);
                body = held.body;
                heldBack = held.positions;
            }
            if (!heldBack.isEmpty() && body.length == 0) {
                respond(
                        exchange,
                        200,
                        new String(
                                withRejectedItems(
                                        "{\"took\":0,\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8),
                                        heldBack),
                                StandardCharsets.UTF_8));
                return;
            }
            if (path.endsWith("/_bulk")) {
                int call = bulkCalls.incrementAndGet();
                int n = rejectEvery;
                if (n > 0 && call % n == 0) {
                    rejectedBulks.incrementAndGet();
                    respond(
                            exchange,
                            429,
                            "{\"error\":{\"root_cause\":[{\"type\":\"es_rejected_execution_exception\",\"reason\":"
                                    + "\"injected by test\"}],\"type\":\"es_rejected_execution_exception\",\"reason\":\"injected by test\"},\"status\":429}");
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + targetPort + path + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header :
                    exchange.getRequestHeaders().entrySet()) {
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
            byte[] out = heldBack.isEmpty() || response.statusCode() != 200
                    ? response.body()
                    : withRejectedItems(response.body(), heldBack);
            boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || out.length == 0;
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : out.length);
            if (!noBody) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    private record HeldBack(byte[] body, List<Integer> positions) {}

    /** Drops every n-th operation (action line and, unless a delete, its source line) from an NDJSON bulk body. */
    private HeldBack holdBack(byte[] body) {
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        StringBuilder kept = new StringBuilder();
        List<Integer> positions = new ArrayList<>();
        int item = 0;
        for (int i = 0; i < lines.length; i++) {
            boolean delete = lines[i].startsWith("{\"delete\"");
            String source = delete || i + 1 >= lines.length ? null : lines[++i];
            if (bulkItems.incrementAndGet() % rejectEveryItem == 0) {
                positions.add(item);
            } else {
                kept.append(lines[delete ? i : i - 1]).append('\n');
                if (source != null) {
                    kept.append(source).append('\n');
                }
            }
            item++;
        }
        return new HeldBack(kept.toString().getBytes(StandardCharsets.UTF_8), positions);
    }

    /** Elasticsearch's real bulk answer with a 429 item put back at each held-back position. */
    private byte[] withRejectedItems(byte[] response, List<Integer> positions) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(response);
        ArrayNode real = (ArrayNode) root.path("items");
        ArrayNode items = JSON.createArrayNode();
        int next = 0;
        for (int i = 0; i < real.size() + positions.size(); i++) {
            if (positions.contains(i)) {
                ObjectNode rejected = items.addObject().putObject("index");
                rejected.put("_index", "held-back")
                        .put("status", 429)
                        .putObject("error")
                        .put("type", "es_rejected_execution_exception")
                        .put("reason", "injected by test: write queue full");
                rejectedItems.incrementAndGet();
            } else {
                items.add(real.get(next++));
            }
        }
        root.set("items", items);
        root.put("errors", true);
        return JSON.writeValueAsBytes(root);
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
