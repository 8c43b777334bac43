package io.cxone.kafka.simulator;

import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.fault.FaultPlan;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.fault.RequestLog;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.SimResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests and applies the faults that do not depend on the endpoint: delay first, then the short-circuit
 * errors (server-error, rate-limit, unauthorized, in that order), then the endpoint itself, then the body faults
 * (malformed JSON, truncated body). Endpoint-specific faults (drift, different rows, expired URL, throttle, failed
 * job) are applied by the endpoints. Every CXone request is counted in the {@link RequestLog}.
 */
final class SimulatorHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(SimulatorHandler.class);

    /** A route; {@code endpoint} is null for the simulator's own endpoints (health, admin), which faults never touch. */
    record Route(
            String method,
            Pattern path,
            List<String> variables,
            Endpoint endpoint,
            Function<Exchange, SimResponse> action) {
        /** {@code template} is a literal path with {@code {name}} segments, e.g. {@code /jobs/{jobId}}. */
        static Route of(String method, String template, Endpoint endpoint, Function<Exchange, SimResponse> action) {
            StringBuilder regex = new StringBuilder();
            List<String> variables = new ArrayList<>();
            Matcher variable = Pattern.compile("\\{(\\w+)}").matcher(template);
            int literalStart = 0;
            while (variable.find()) {
                regex.append(Pattern.quote(template.substring(literalStart, variable.start())))
                        .append("(?<")
                        .append(variable.group(1))
                        .append(">[^/]+)");
                variables.add(variable.group(1));
                literalStart = variable.end();
            }
            regex.append(Pattern.quote(template.substring(literalStart)));
            return new Route(method, Pattern.compile(regex.toString()), List.copyOf(variables), endpoint, action);
        }
    }

    private final List<Route> routes;
    private final FaultPlan faults;
    private final RequestLog requests;

    SimulatorHandler(List<Route> routes, FaultPlan faults, RequestLog requests) {
        this.routes = List.copyOf(routes);
        this.faults = faults;
        this.requests = requests;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        List<Route> pathMatches =
                routes.stream().filter(r -> r.path().matcher(path).matches()).toList();
        Optional<Route> route =
                pathMatches.stream().filter(r -> r.method().equals(method)).findFirst();
        if (route.isEmpty()) {
            SimResponse error = pathMatches.isEmpty()
                    ? new ApiException(404, "not_found", "no endpoint " + method + " " + path).toResponse()
                    : new ApiException(405, "method_not_allowed", method + " is not allowed on " + path)
                            .toResponse()
                            .header(
                                    "Allow",
                                    pathMatches.stream().map(Route::method).collect(Collectors.joining(", ")));
            send(response, error, callback, false);
            return true;
        }
        Exchange exchange = new Exchange(request, route.get().endpoint(), pathVariables(route.get(), path), faults);
        // Read the whole body before answering, even when the answer (401, 429, a fault) ignores it: Jetty closes a
        // connection whose request body was left unread, and a client that already pooled it sees a spurious EOF.
        exchange.body();
        if (route.get().endpoint() == null) {
            send(response, run(route.get(), exchange), callback, false);
            return true;
        }
        SimResponse out = runWithFaults(route.get(), exchange);
        boolean truncate = out.isSuccess()
                && out.body().length >= 2
                && exchange.takeFault(FaultType.TRUNCATED_BODY).isPresent();
        String query = request.getHttpURI().getQuery();
        String target = query == null ? path : path + "?" + query;
        requests.record(method, target, exchange.endpoint(), out.status(), exchange.appliedFaults());
        if (!exchange.appliedFaults().isEmpty()) {
            log.info(
                    "Fault applied: {} {} endpoint={} status={} faults={}",
                    method,
                    target,
                    exchange.endpoint(),
                    out.status(),
                    exchange.appliedFaults());
        }
        send(response, out, callback, truncate);
        return true;
    }

    private SimResponse runWithFaults(Route route, Exchange exchange) {
        Optional<FaultSpec> delay = exchange.takeFault(FaultType.DELAY);
        if (delay.isPresent()) {
            try {
                Thread.sleep(delay.get().delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Optional<FaultSpec> serverError = exchange.takeFault(FaultType.SERVER_ERROR);
        if (serverError.isPresent()) {
            int status = serverError.get().status();
            return new ApiException(status, "server_error", "simulated " + status + " (fault)").toResponse();
        }
        Optional<FaultSpec> rateLimit = exchange.takeFault(FaultType.RATE_LIMIT);
        if (rateLimit.isPresent()) {
            return new ApiException(429, "too_many_requests", "simulated rate limit (fault)")
                    .withHeader("Retry-After", Long.toString(rateLimit.get().retryAfterSeconds()))
                    .toResponse();
        }
        if (exchange.takeFault(FaultType.UNAUTHORIZED).isPresent()) {
            return TokenService.unauthorized("access token rejected (fault)").toResponse();
        }
        if (exchange.takeFault(FaultType.JOB_NOT_FOUND).isPresent()) {
            return ApiException.notFound(exchange.endpoint().wireName()
                            + ": the export or job named by the request does not exist (fault)")
                    .toResponse();
        }
        SimResponse out = run(route, exchange);
        if (out.isSuccess()
                && out.isJson()
                && exchange.endpoint() != Endpoint.DOWNLOAD
                && exchange.takeFault(FaultType.MALFORMED_BODY).isPresent()) {
            // Half a JSON document: never valid, whatever the endpoint returned.
            byte[] body = out.body();
            byte[] half = new byte[Math.max(1, body.length / 2)];
            System.arraycopy(body, 0, half, 0, half.length);
            out.replaceBody(half);
        }
        return out;
    }

    private static SimResponse run(Route route, Exchange exchange) {
        try {
            return route.action().apply(exchange);
        } catch (ApiException e) {
            return e.toResponse();
        } catch (RuntimeException e) {
            log.error("Request failed: {} {}", exchange.method(), route.path(), e);
            return new ApiException(500, "server_error", "simulator error: " + e).toResponse();
        }
    }

    private static Map<String, String> pathVariables(Route route, String path) {
        Matcher matcher = route.path().matcher(path);
        Map<String, String> variables = new LinkedHashMap<>();
        if (matcher.matches()) {
            route.variables().forEach(name -> variables.put(name, matcher.group(name)));
        }
        return variables;
    }

    /**
     * Writes the response. A truncated buffered one announces the full Content-Length, sends half the bytes and then fails
     * the exchange, which makes Jetty drop the connection: the client sees a premature end of the body.
     */
    private static void send(Response response, SimResponse out, Callback callback, boolean truncate) {
        response.setStatus(out.status());
        if (out.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, out.contentType());
        }
        out.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (out.streamingBody() != null) {
            stream(response, out.streamingBody(), callback);
            return;
        }
        byte[] body = out.body();
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        if (truncate) {
            response.write(
                    false,
                    ByteBuffer.wrap(body, 0, body.length / 2),
                    Callback.from(
                            () -> callback.failed(
                                    new EofException("truncated-body fault: connection dropped mid-body")),
                            callback::failed));
            return;
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Streams a body chunked; a writer failure fails the exchange, so a started body ends without its last chunk. */
    private static void stream(Response response, SimResponse.BodyWriter writer, Callback callback) {
        OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        try {
            writer.writeTo(out);
            out.close();
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof EofException)) {
                log.error("Streaming a response body failed", e);
            }
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }
}
