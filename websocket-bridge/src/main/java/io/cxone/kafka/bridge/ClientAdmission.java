package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.subscription.AccessPolicy;
import io.cxone.kafka.bridge.subscription.Tickets;
import io.cxone.kafka.common.RejectionLog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The checks a request passes before it costs anything, the same for the WebSocket upgrade ({@code /stream}), the
 * SSE stream ({@code /sse}) and {@code POST /api/ticket}: the server still accepts, the Origin is allowed, the
 * credentials name a token, and (streams only) the connection limits have room. A refusal is answered with its HTTP
 * status and reason, counted by reason and logged at a bounded rate.
 */
final class ClientAdmission {

    /** Query parameters that carry credentials, not the subscription. */
    static final Set<String> CREDENTIAL_PARAMS = Set.of("token", "ticket");

    private final BridgeConfig config;
    private final AccessPolicy access;
    private final Tickets tickets;
    private final BridgeMetrics metrics;
    private final RejectionLog rejections;
    private final BooleanSupplier accepting;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** A request that may not go on: its HTTP status, the metrics reason and the message for the client. */
    static final class Refused extends Exception {
        final int status;
        final String reason;

        Refused(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    ClientAdmission(
            BridgeConfig config,
            AccessPolicy access,
            Tickets tickets,
            BridgeMetrics metrics,
            RejectionLog rejections,
            BooleanSupplier accepting) {
        this.config = config;
        this.access = access;
        this.tickets = tickets;
        this.metrics = metrics;
        this.rejections = rejections;
        this.accepting = accepting;
    }

    /** The server accepts new clients, and the request's Origin (if any: browsers send one) is allowed. */
    void checkOpen(Request request) throws Refused {
        if (!accepting.getAsBoolean()) {
            throw new Refused(HttpStatus.SERVICE_UNAVAILABLE_503, "shutting_down", "server shutting down");
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (!access.originAllowed(origin, request.getHeaders().get(HttpHeader.HOST), request.isSecure())) {
            throw new Refused(HttpStatus.FORBIDDEN_403, "origin", "origin not allowed: " + origin);
        }
    }

    /**
     * The token of a stream request: from the Authorization header, else from a single-use {@code ?ticket=}, else
     * from {@code ?token=} (deprecated: a URL ends up in logs and browser history).
     */
    BridgeConfig.Token authenticateStream(Request request, Fields query) throws Refused {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String ticket = query.getValue("ticket");
        if (header == null && ticket != null && config.authEnabled()) {
            try {
                return tickets.redeem(ticket);
            } catch (Tickets.InvalidTicketException e) {
                throw new Refused(HttpStatus.UNAUTHORIZED_401, "auth", e.getMessage());
            }
        }
        return authenticate(AccessPolicy.presentedToken(header, query.getValue("token")));
    }

    /** The token of the Authorization header alone (a ticket request: tickets are taken with the token itself). */
    BridgeConfig.Token authenticateBearer(Request request) throws Refused {
        return authenticate(AccessPolicy.presentedToken(request.getHeaders().get(HttpHeader.AUTHORIZATION), null));
    }

    private BridgeConfig.Token authenticate(String presented) throws Refused {
        if (presented != null && presented.length() > BridgeConfig.TOKEN_MAX_CHARS) {
            throw new Refused(
                    HttpStatus.UNAUTHORIZED_401,
                    "auth",
                    "invalid token: longer than " + BridgeConfig.TOKEN_MAX_CHARS + " characters");
        }
        Optional<BridgeConfig.Token> token = access.authenticate(presented);
        if (token.isEmpty()) {
            throw new Refused(
                    HttpStatus.UNAUTHORIZED_401, "auth", presented == null ? "missing token" : "invalid token");
        }
        return token.get();
    }

    /**
     * Takes a connection slot for a new stream from {@code remote} ({@code limits.connections.total},
     * {@code limits.connections.per.address}); the returned action gives it back.
     */
    Runnable reserveConnection(String remote) throws Refused {
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            throw new Refused(
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "connections_total",
                    "connection limit reached (" + BridgeConfig.LIMIT_CONNECTIONS_TOTAL + "=" + config.maxConnections()
                            + ")");
        }
        AtomicInteger fromAddress = perAddress.computeIfAbsent(remote, a -> new AtomicInteger());
        if (fromAddress.incrementAndGet() > config.maxConnectionsPerAddress()) {
            fromAddress.decrementAndGet();
            connections.decrementAndGet();
            throw new Refused(
                    HttpStatus.TOO_MANY_REQUESTS_429,
                    "connections_per_address",
                    "too many connections from " + remote + " (" + BridgeConfig.LIMIT_CONNECTIONS_PER_ADDRESS + "="
                            + config.maxConnectionsPerAddress() + ")");
        }
        return () -> {
            connections.decrementAndGet();
            perAddress.computeIfPresent(remote, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        };
    }

    /** Counts and logs a refusal and answers the request with its status and message. */
    void refuse(Request request, Response response, Callback callback, Refused refused) {
        metrics.rejected(refused.reason);
        rejections.rejected("-", Request.getRemoteAddr(request), refused.status, refused.getMessage());
        Response.writeError(request, response, callback, refused.status, refused.getMessage());
    }

    /** The query's parameters without the credentials and without {@code excluded}: what the subscription reads. */
    static Map<String, List<String>> subscriptionParams(Fields query, Set<String> excluded) {
        Map<String, List<String>> params = new HashMap<>();
        for (String name : query.getNames()) {
            if (!CREDENTIAL_PARAMS.contains(name) && !excluded.contains(name)) {
                params.put(name, query.getValues(name));
            }
        }
        return params;
    }
}
