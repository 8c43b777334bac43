package io.cxone.kafka.bridge;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java io.cxone.kafka.bridge.WebSocketBridgeMain --config <file.properties>}: runs the bridge until SIGTERM. */
public final class WebSocketBridgeMain {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridgeMain.class);

    private WebSocketBridgeMain() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println(
                        "usage: WebSocketBridgeMain --config <file.properties> (unexpected argument: " + args[i] + ")");
                System.exit(2);
            }
        }
        if (configFile == null) {
            System.err.println("usage: WebSocketBridgeMain --config <file.properties>");
            System.exit(2);
        }
        BridgeConfig config;
        try {
            config = BridgeConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("settings of {}: {}", configFile, config);
        BridgeServer server = new BridgeServer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "bridge-shutdown"));
        try {
            server.start();
        } catch (Exception e) {
            LOG.error("websocket bridge failed to start: {}", e.toString(), e);
            System.exit(1);
        }
        stopped.await();
    }
}
