package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.sse.SseTransport;
import io.cxone.kafka.bridge.sse.StreamPositions;
import io.cxone.kafka.bridge.subscription.ConnectionSubscriptions;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /sse?topics=a,b[&start=…][&offsets=…]}: the records of the topics as a Server-Sent Events stream
 * ({@link SseTransport}), with the WebSocket's tokens (or a ticket), Origin rules, limits and subscription parsing.
 * A {@code Last-Event-ID} header (or {@code lastEventId} parameter, for clients that cannot send it) resumes right
 * after the event that carried that id, whatever {@code start} and {@code offsets} say. Everything that can be
 * checked before the stream starts is answered with an HTTP error status.
 */
final class SseRoute {

    static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";
    static final String LAST_EVENT_ID_PARAM = "lastEventId";
    /** Parameters of the WebSocket's subscription that a stream of one event per record has no use for. */
    private static final Set<String> WEBSOCKET_ONLY = Set.of("batch", "compression", "group");

    private final BridgeConfig config;
    private final ClientAdmission admission;
    private final ClientRegistry clients;

    SseRoute(BridgeConfig config, ClientAdmission admission, ClientRegistry clients) {
        this.config = config;
        this.admission = admission;
        this.clients = clients;
    }

    void handle(Request request, Response response, Callback callback) {
        String remote = Request.getRemoteAddr(request);
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        try {
            admission.checkOpen(request);
            BridgeConfig.Token token = admission.authenticateStream(request, query);
            SubscribeRequest subscription = resumed(request, query, subscription(query));
            for (String topic : subscription.topics()) {
                String forbidden = ConnectionSubscriptions.notAllowed(token, topic);
                if (forbidden != null) {
                    throw new ClientAdmission.Refused(HttpStatus.FORBIDDEN_403, "topic_not_allowed", forbidden);
                }
            }
            Runnable release = admission.reserveConnection(remote);
            SseTransport transport = new SseTransport(request, response, callback, config);
            clients.open(transport, remote, token, subscription, null, release);
            transport.open();
        } catch (ClientAdmission.Refused refused) {
            admission.refuse(request, response, callback, refused);
        }
    }

    /** The subscription of the query: {@code topics} required; batches, gzip and group mode are WebSocket only. */
    private SubscribeRequest subscription(Fields query) throws ClientAdmission.Refused {
        Map<String, List<String>> params = ClientAdmission.subscriptionParams(query, Set.of(LAST_EVENT_ID_PARAM));
        for (String name : params.keySet()) {
            if (WEBSOCKET_ONLY.contains(name)) {
                throw badRequest(
                        "bad_subscribe",
                        name + " is not available on /sse (one event per record, each the WebSocket's record frame);"
                                + " use the WebSocket /stream for batches, gzip frames and group mode");
            }
        }
        SubscribeRequest request;
        try {
            request = SubscribeRequest.fromQuery(params, SubscribeRequest.Limits.of(config));
        } catch (SubscribeRequest.BadSubscribeException e) {
            throw badRequest("bad_subscribe", e.getMessage());
        }
        if (request == null) {
            throw badRequest("bad_subscribe", "topics is required: /sse?topics=a,b");
        }
        return request;
    }

    /** With a last event id: the request with the offsets that id encodes, every partition of the id from there. */
    private SubscribeRequest resumed(Request request, Fields query, SubscribeRequest subscription)
            throws ClientAdmission.Refused {
        String source = LAST_EVENT_ID_HEADER;
        String id = request.getHeaders().get(LAST_EVENT_ID_HEADER);
        if (id == null || id.isBlank()) {
            source = LAST_EVENT_ID_PARAM;
            id = query.getValue(LAST_EVENT_ID_PARAM);
        }
        if (id == null || id.isBlank()) {
            return subscription;
        }
        try {
            Map<String, Map<Integer, Long>> offsets =
                    StreamPositions.parse(id.trim(), subscription.topics(), config.maxPartitionsPerClient());
            return new SubscribeRequest(subscription.topics(), subscription.start(), offsets, 1, false, null);
        } catch (StreamPositions.InvalidIdException e) {
            throw badRequest("last_event_id", source + ": " + e.getMessage());
        }
    }

    private static ClientAdmission.Refused badRequest(String reason, String message) {
        return new ClientAdmission.Refused(HttpStatus.BAD_REQUEST_400, reason, message);
    }
}
