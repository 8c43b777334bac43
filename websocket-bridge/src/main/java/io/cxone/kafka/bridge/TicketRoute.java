package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.subscription.Tickets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/ticket} with {@code Authorization: Bearer <token>}: a single-use ticket for that token's topics,
 * {@code {"ticket":"…","expiresInMs":N}}, which a browser passes as {@code ?ticket=} to {@code /sse} or
 * {@code /stream} instead of putting its token in a URL (EventSource cannot send headers).
 */
final class TicketRoute {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BridgeConfig config;
    private final ClientAdmission admission;
    private final Tickets tickets;

    TicketRoute(BridgeConfig config, ClientAdmission admission, Tickets tickets) {
        this.config = config;
        this.admission = admission;
        this.tickets = tickets;
    }

    void handle(Request request, Response response, Callback callback) throws Exception {
        try {
            admission.checkOpen(request);
            BridgeConfig.Token token = admission.authenticateBearer(request);
            Optional<String> ticket = tickets.issue(token);
            if (ticket.isEmpty()) {
                throw new ClientAdmission.Refused(
                        HttpStatus.TOO_MANY_REQUESTS_429,
                        "tickets",
                        "too many outstanding tickets (" + BridgeConfig.TICKETS_MAX + "=" + config.ticketsMax()
                                + "): use the tickets taken, or retry once they expired (" + BridgeConfig.TICKET_TTL_MS
                                + "=" + config.ticketTtl().toMillis() + ")");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ticket", ticket.get());
            body.put("expiresInMs", tickets.ttl().toMillis());
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
        } catch (ClientAdmission.Refused refused) {
            admission.refuse(request, response, callback, refused);
        }
    }
}
