package io.cxone.kafka.source.webhook;

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
 */
final class WebhookListener {

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;

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
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw new ConnectException(
                    "webhook listener could not start on " + connector.getHost() + ":" + connector.getPort() + ": "
                            + e.getMessage(),
                    e);
        }
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
    }
}
