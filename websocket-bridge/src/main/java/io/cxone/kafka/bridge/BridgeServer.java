package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.bridge.session.ClientConnection;
import io.cxone.kafka.bridge.session.WebSocketTransport;
import io.cxone.kafka.bridge.subscription.AccessPolicy;
import io.cxone.kafka.bridge.subscription.PartitionLookup;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import io.cxone.kafka.bridge.subscription.Tickets;
import io.cxone.kafka.common.RejectionLog;
import io.cxone.kafka.common.threads.PluginThreads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Time;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's HTTP server: {@code /stream} (WebSocket upgrade, after the {@link ClientAdmission} checks: token or
 * ticket, Origin, connection limits) and its lifecycle; the SSE stream, tickets, {@code /health}, {@code /metrics}
 * and the dashboard are in {@link HttpRoutes}.
 */
public final class BridgeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);
    /** Timers of the bridge: metrics sampling, rejection summaries, aborting sockets whose close does not complete. */
    public static final ScheduledExecutorService SCHEDULER =
            Executors.newSingleThreadScheduledExecutor(PluginThreads.daemon("bridge-scheduler"));

    private final BridgeConfig config;
    private final BridgeMetrics metrics = new BridgeMetrics();
    private final SchemaRegistryClient registry;
    private final Server server;
    private final ServerConnector connector;
    private final Admin admin;
    private final FeedHub hub;
    private final ClientRegistry clients;
    private final Tickets tickets;
    private final ClientAdmission admission;
    private volatile boolean accepting = true;
    private volatile java.util.concurrent.ScheduledFuture<?> sampler;
    private volatile java.util.concurrent.ScheduledFuture<?> ticketSweep;
    /** Refused connections and subscriptions: anyone who reaches the port can cause them, so they are logged at a bounded rate. */
    private final RejectionLog rejections = new RejectionLog("bridge connection");

    private volatile java.util.concurrent.ScheduledFuture<?> rejectionSummary;

    public BridgeServer(BridgeConfig config) {
        this.config = config;
        this.registry = config.schemaRegistryUrl().isEmpty() ? null : new SchemaRegistryClient(config);
        RecordFrames frames = new RecordFrames(registry);
        this.admin = Admin.create(KafkaClients.admin(config));
        this.hub = new FeedHub(config, frames);
        this.clients = new ClientRegistry(config, metrics, frames, hub, new PartitionLookup(admin), rejections);
        this.tickets = new Tickets(config.ticketsMax(), config.ticketTtl(), Time.SYSTEM);
        this.admission =
                new ClientAdmission(config, new AccessPolicy(config), tickets, metrics, rejections, () -> accepting);

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("bridge-http");
        server = new Server(threads);
        if (config.tlsEnabled()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.keystorePath().toString());
            ssl.setKeyStorePassword(config.keystorePassword());
            ssl.setKeyStoreType(config.keystoreType());
            connector = new ServerConnector(server, ssl);
        } else {
            connector = new ServerConnector(server);
        }
        HttpConfiguration http =
                connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
        http.setSendServerVersion(false);
        // Request line (so the query string: topics, offsets, ticket or token) and headers (an SSE Last-Event-ID)
        // together: Jetty answers 414/431 beyond.
        http.setRequestHeaderSize(config.maxRequestHeaderBytes());
        connector.setHost(config.listenHost());
        connector.setPort(config.listenPort());
        server.addConnector(connector);

        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.addMapping("/stream", new Negotiator());
        Configuration wsConfig = ws.getConfiguration();
        wsConfig.setIdleTimeout(config.idleTimeout());
        wsConfig.setWriteTimeout(config.writeTimeout());
        // One record = one frame: never let Jetty split a message into continuation frames.
        wsConfig.setAutoFragment(false);
        wsConfig.setMaxFrameSize(config.frameMaxBytes() + 1024L);
        wsConfig.setMaxTextMessageSize(config.maxMessageBytes());
        wsConfig.setMaxBinaryMessageSize(config.maxMessageBytes());
        // Frames queued for a client are gathered into one socket write (whole frames only; frames under a
        // quarter of this buffer are copied into it): fewer writes per client when a feed hands over a batch.
        wsConfig.setOutputBufferSize(32 * 1024);
        ws.setHandler(new HttpRoutes(
                admin,
                hub,
                metrics,
                clients,
                tickets,
                new SseRoute(config, admission, clients),
                new TicketRoute(config, admission, tickets),
                () -> accepting));
        ContextHandler context = new ContextHandler("/");
        context.setHandler(ws);
        server.setHandler(context);
        server.setStopTimeout(config.shutdownGrace().toMillis());
    }

    public void start() throws Exception {
        server.start();
        sampler = SCHEDULER.scheduleAtFixedRate(metrics::sample, 1, 1, TimeUnit.SECONDS);
        long ttl = config.ticketTtl().toMillis();
        ticketSweep = SCHEDULER.scheduleAtFixedRate(tickets::sweep, ttl, ttl, TimeUnit.MILLISECONDS);
        rejectionSummary = SCHEDULER.scheduleAtFixedRate(
                rejections::endInterval,
                RejectionLog.INTERVAL_MILLIS,
                RejectionLog.INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        LOG.info(
                "websocket bridge listening on {}://{}:{} (auth={}, tokens={}, origins={}, policy={}, frame.max.bytes={},"
                        + " sse.heartbeat.interval.ms={})",
                config.tlsEnabled() ? "https" : "http",
                config.listenHost(),
                port(),
                config.authEnabled(),
                config.tokens().stream().map(BridgeConfig.Token::id).toList(),
                config.allowedOrigins().isEmpty() ? "same-origin" : config.allowedOrigins(),
                config.slowClientPolicy(),
                config.frameMaxBytes(),
                config.sseHeartbeat().toMillis());
    }

    public int port() {
        return connector.getLocalPort();
    }

    public int clientCount() {
        return clients.size();
    }

    /** Graceful stop: refuse new sockets, send every client a 1001 close frame, wait for them, then stop. */
    @Override
    public void close() {
        accepting = false;
        LOG.info("websocket bridge shutting down: closing {} clients", clients.size());
        for (ClientConnection client : clients.all()) {
            client.close(CloseStatus.SHUTDOWN, "server shutting down");
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (clients.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("jetty stop failed: {}", e.toString());
        }
        for (ClientConnection client : clients.all()) {
            try {
                client.awaitStopped(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sampler != null) {
            sampler.cancel(false);
        }
        if (ticketSweep != null) {
            ticketSweep.cancel(false);
        }
        if (rejectionSummary != null) {
            rejectionSummary.cancel(false);
            rejections.endInterval();
        }
        hub.close();
        admin.close(Duration.ofSeconds(2));
        if (registry != null) {
            registry.close();
        }
        LOG.info("websocket bridge stopped");
    }

    private final class Negotiator implements WebSocketNegotiator {
        @Override
        public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
            String remote = Request.getRemoteAddr(request);
            Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            try {
                admission.checkOpen(request);
                BridgeConfig.Token token = admission.authenticateStream(request, query);
                SubscribeRequest initial = null;
                String initialError = null;
                try {
                    initial = SubscribeRequest.fromQuery(
                            ClientAdmission.subscriptionParams(query, Set.of()), SubscribeRequest.Limits.of(config));
                } catch (SubscribeRequest.BadSubscribeException e) {
                    initialError = e.getMessage();
                }
                Runnable release = admission.reserveConnection(remote);
                if (!config.deflateEnabled()) {
                    response.setExtensions(List.of());
                } else {
                    response.setExtensions(singleFrameDeflate(response.getExtensions()));
                }
                WebSocketTransport transport = new WebSocketTransport(config.maxMessageBytes(), config.shutdownGrace());
                clients.open(transport, remote, token, initial, initialError, release);
                return transport;
            } catch (ClientAdmission.Refused refused) {
                admission.refuse(request, response, callback, refused);
                return null;
            }
        }

        /**
         * Jetty compresses into a buffer of 8 KiB and, without auto-fragmentation, fails larger messages; the
         * buffer must hold the largest compressed frame (never more than frame.max.bytes plus deflate overhead).
         */
        private List<ExtensionConfig> singleFrameDeflate(List<ExtensionConfig> negotiated) {
            List<ExtensionConfig> result = new java.util.ArrayList<>();
            for (ExtensionConfig extension : negotiated) {
                if (extension.getName().equals("permessage-deflate")) {
                    ExtensionConfig sized = new ExtensionConfig(extension);
                    sized.setParameter("@deflate_buffer_size", config.frameMaxBytes() + 1024);
                    result.add(sized);
                } else {
                    result.add(extension);
                }
            }
            return result;
        }
    }
}
