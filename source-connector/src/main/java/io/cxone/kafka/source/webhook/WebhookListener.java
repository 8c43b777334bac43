package io.cxone.kafka.source.webhook;

import java.net.BindException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.apache.kafka.connect.errors.ConnectException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The task's embedded Jetty 12 server: one connector (HTTP, or HTTPS from a keystore) in front of one handler, at most
 * listener.connections.max connections open, and Jetty's own errors answered by {@link JsonErrorHandler}.
 *
 * <p>Every task of a connector listens on the same port, bound with SO_REUSEPORT (Jetty's
 * {@link ServerConnector#setReusePort}): tasks that land on one host, in one worker or in several, all accept on it and
 * the kernel spreads new connections over them, so a load balancer needs one address per host, and a task that
 * moves to a host already running one binds beside it. Since the kernel would as readily share the port with another
 * connector, a second connector of this worker asking for a port that one already listens on is refused.
 */
final class WebhookListener {

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    private final String connectorName;
    private boolean claimed;

    /**
     * @param threadName    name of Jetty's pool (in its dumps and JMX)
     * @param threadFactory makes the pool's threads, so they carry the task's logging context (from {@code start()})
     */
    WebhookListener(
            WebhookConfig config,
            Handler handler,
            JsonErrorHandler errorHandler,
            String threadName,
            ThreadFactory threadFactory) {
        // Jetty's defaults (60 s idle timeout, reserved threads and queue sized by Jetty); only the factory is ours
        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), 4, 60_000, -1, null, null, threadFactory);
        threads.setName(threadName);
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        tls = config.tlsEnabled();
        if (tls) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.tlsKeystorePath());
            ssl.setKeyStorePassword(config.tlsKeystorePassword().value());
            ssl.setKeyStoreType(config.tlsKeystoreType());
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(
                    server,
                    new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setReusePort(true);
        connectorName = config.connectorName();
        // an idle connection must outlive a request waiting for Kafka
        connector.setIdleTimeout(Math.max(30_000L, config.ackTimeout().toMillis() + 10_000L));
        server.addConnector(connector);
        // at the limit Jetty stops accepting: further connections wait in the OS backlog, holding no memory of ours
        server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        server.setErrorHandler(errorHandler);
        server.setHandler(handler);
        server.setStopTimeout(2_000);
    }

    void start() {
        PortOwners.claim(connector.getPort(), connectorName);
        claimed = true;
        try {
            server.start();
        } catch (Exception e) {
            stop();
            String hint = causedByBind(e)
                    ? " (a process that did not set SO_REUSEPORT, or runs as another user, holds the port)"
                    : "";
            throw new ConnectException(
                    "webhook listener could not start on " + connector.getHost() + ":" + connector.getPort() + ": "
                            + e.getMessage() + hint,
                    e);
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** The bound port (useful with listener.port=0). */
    int port() {
        return connector.getLocalPort();
    }

    String describe() {
        return (tls ? "https" : "http") + "://" + connector.getHost() + ":" + port();
    }

    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to do with the failure but let the task finish
        }
        if (claimed) {
            claimed = false;
            PortOwners.release(connector.getPort(), connectorName);
        }
    }

    /**
     * Which connector listens on which port in this worker (in this plugin's class loader, which every task of the
     * plugin shares): tasks of one connector share a port, two connectors never do.
     */
    static final class PortOwners {
        private record Owner(String connector, int listeners) {}

        private static final Map<Integer, Owner> OWNERS = new HashMap<>();

        private PortOwners() {}

        static synchronized void claim(int port, String connector) {
            if (port == 0) {
                return; // a free port of its own
            }
            Owner owner = OWNERS.get(port);
            if (owner != null && !owner.connector().equals(connector)) {
                throw new ConnectException("port " + port + " is already the webhook port of connector '"
                        + owner.connector() + "' on this worker; give each webhook connector its own listener.port");
            }
            OWNERS.put(port, new Owner(connector, owner == null ? 1 : owner.listeners() + 1));
        }

        static synchronized void release(int port, String connector) {
            Owner owner = OWNERS.get(port);
            if (owner == null || !owner.connector().equals(connector)) {
                return;
            }
            if (owner.listeners() == 1) {
                OWNERS.remove(port);
            } else {
                OWNERS.put(port, new Owner(connector, owner.listeners() - 1));
            }
        }
    }
}
