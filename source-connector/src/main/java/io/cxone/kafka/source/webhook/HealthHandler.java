package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /health} for load balancers: 200 while the task that owns this listener runs, 503 once it is stopping.
 * Where no task of the connector runs, nothing listens and the check fails to connect. It needs no credentials and
 * says only which connector and task answered (tasks on one host share the port, so each check reaches one of
 * them). Other paths go on to the webhook handler.
 */
final class HealthHandler extends Handler.Abstract.NonBlocking {

    static final String PATH = "/health";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] up;
    private final byte[] stopping;
    private volatile boolean running = true;

    HealthHandler(String connector, int taskIndex) {
        this.up = body("up", connector, taskIndex);
        this.stopping = body("stopping", connector, taskIndex);
    }

    /** From now on the check answers 503, so a load balancer stops sending before the listener closes. */
    void stopping() {
        running = false;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(Request.getPathInContext(request))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            response.write(
                    true,
                    ByteBuffer.wrap("{\"status\":405,\"error\":\"use GET\"}".getBytes(StandardCharsets.UTF_8)),
                    callback);
            return true;
        }
        boolean ok = running;
        response.setStatus(ok ? 200 : 503);
        response.write(true, ByteBuffer.wrap(ok ? up : stopping), callback);
        return true;
    }

    private static byte[] body(String status, String connector, int taskIndex) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("connector", connector);
        body.put("task", taskIndex);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
