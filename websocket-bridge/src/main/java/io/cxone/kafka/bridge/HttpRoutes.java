package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.session.ClientConnection;
import io.cxone.kafka.bridge.subscription.Tickets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The bridge's plain HTTP routes (everything that is not a WebSocket upgrade): the SSE stream {@code /sse}
 * ({@link SseRoute}), {@code POST /api/ticket} ({@link TicketRoute}), {@code /health}, {@code /metrics} and the
 * dashboard at {@code /}. Apart from the two streams' own routes they only read the server's state, so they stand
 * apart from its upgrade checks and lifecycle in {@link BridgeServer}.
 */
final class HttpRoutes extends Handler.Abstract {

    private static final Map<String, String> STATIC = Map.of(
            "/", "dashboard/index.html",
            "/index.html", "dashboard/index.html",
            "/dashboard.js", "dashboard/dashboard.js",
            "/charts.js", "dashboard/charts.js",
            "/chunks.js", "dashboard/chunks.js",
            "/streams.js", "dashboard/streams.js",
            "/dashboard.css", "dashboard/dashboard.css");

    private final Admin admin;
    private final FeedHub hub;
    private final BridgeMetrics metrics;
    private final ClientRegistry clients;
    private final Tickets tickets;
    private final SseRoute sse;
    private final TicketRoute ticket;
    private final BooleanSupplier accepting;
    private volatile long healthCheckedAt;
    private volatile String kafkaHealth = "UNKNOWN";

    /**
     * @param clients the server's open connections
     * @param accepting whether the server still accepts sockets (false once shutting down: health reports DOWN)
     */
    HttpRoutes(
            Admin admin,
            FeedHub hub,
            BridgeMetrics metrics,
            ClientRegistry clients,
            Tickets tickets,
            SseRoute sse,
            TicketRoute ticket,
            BooleanSupplier accepting) {
        this.admin = admin;
        this.hub = hub;
        this.metrics = metrics;
        this.clients = clients;
        this.tickets = tickets;
        this.sse = sse;
        this.ticket = ticket;
        this.accepting = accepting;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.equals("/sse") && method.equals("GET")) {
            sse.handle(request, response, callback);
            return true;
        }
        if (path.equals("/api/ticket") && method.equals("POST")) {
            ticket.handle(request, response, callback);
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD") || path.equals("/sse") || path.equals("/api/ticket")) {
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        switch (path) {
            case "/health" -> health(response, callback);
            case "/metrics" -> metrics(response, callback);
            case "/stream" ->
                Response.writeError(
                        request, response, callback, HttpStatus.BAD_REQUEST_400, "WebSocket upgrade required");
            default -> {
                String resource = STATIC.get(path);
                if (resource == null) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                } else {
                    serve(resource, response, callback);
                }
            }
        }
        return true;
    }

    private void health(Response response, Callback callback) {
        long now = System.nanoTime();
        if (now - healthCheckedAt > Duration.ofSeconds(2).toNanos()) {
            try {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                kafkaHealth = "UP";
            } catch (Exception e) {
                kafkaHealth = "DOWN";
            }
            healthCheckedAt = now;
        }
        boolean up = accepting.getAsBoolean() && "UP".equals(kafkaHealth);
        response.setStatus(up ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String body = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"kafka\":\"" + kafkaHealth + "\",\"clients\":"
                + clients.size() + "}";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void metrics(Response response, Callback callback) {
        long queuedMessages = 0;
        long queuedBytes = 0;
        Map<String, Long> maxLag = new HashMap<>(hub.lagByTopic());
        for (ClientConnection client : clients.all()) {
            queuedMessages += client.outbox().queuedMessages();
            queuedBytes += client.outbox().queuedBytes();
            client.lagByTopic().forEach((topic, lag) -> maxLag.merge(topic, lag, Math::max));
        }
        String text = metrics.render(
                clients.size(),
                hub.consumerCount(),
                hub.idleFeedCount(),
                queuedMessages,
                queuedBytes,
                maxLag,
                tickets.outstanding());
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void serve(String resource, Response response, Callback callback) throws IOException {
        byte[] bytes;
        try (InputStream in = HttpRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                response.setStatus(HttpStatus.NOT_FOUND_404);
                callback.succeeded();
                return;
            }
            bytes = in.readAllBytes();
        }
        String type = resource.endsWith(".html")
                ? "text/html; charset=utf-8"
                : resource.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
