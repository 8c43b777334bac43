package io.cxone.kafka.bridge;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A reverse proxy in front of a bridge, as some corporate proxies behave: it refuses WebSocket upgrades (403) and
 * forwards everything else with its Host header (Jetty's {@link ProxyHandler}), streaming responses as they arrive.
 * It can drop the event streams ({@code /sse}) it carries, as a proxy that times out or restarts does.
 */
final class UpgradeRefusingProxy implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    /** The browser-side connections of the {@code /sse} responses in flight. */
    private final Set<EndPoint> eventStreams = ConcurrentHashMap.newKeySet();

    private final List<String> eventStreamQueries = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusedUpgrades = new AtomicInteger();

    UpgradeRefusingProxy(int bridgePort) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ProxyHandler.Reverse forward = new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
                .scheme("http")
                .host("127.0.0.1")
                .port(bridgePort));
        server.setHandler(new Handler.Wrapper(forward) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
                if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
                    refusedUpgrades.incrementAndGet();
                    Response.writeError(
                            request, response, callback, HttpStatus.FORBIDDEN_403, "WebSocket upgrades are not passed");
                    return true;
                }
                if (!Request.getPathInContext(request).equals("/sse")) {
                    return super.handle(request, response, callback);
                }
                eventStreamQueries.add(request.getHttpURI().getQuery());
                EndPoint browserSide =
                        request.getConnectionMetaData().getConnection().getEndPoint();
                eventStreams.add(browserSide);
                Callback forgetting = Callback.from(
                        () -> {
                            eventStreams.remove(browserSide);
                            callback.succeeded();
                        },
                        x -> {
                            eventStreams.remove(browserSide);
                            callback.failed(x);
                        });
                return super.handle(request, response, forgetting);
            }
        });
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    /** WebSocket upgrades refused so far. */
    int refusedUpgrades() {
        return refusedUpgrades.get();
    }

    /** The query strings of the {@code /sse} requests forwarded so far, in order. */
    List<String> eventStreamQueries() {
        return List.copyOf(eventStreamQueries);
    }

    /** Closes the connections of the event streams in flight (mid-stream); returns how many it closed. */
    int dropEventStreams() {
        int dropped = 0;
        for (EndPoint stream : eventStreams) {
            if (eventStreams.remove(stream)) {
                stream.close();
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
