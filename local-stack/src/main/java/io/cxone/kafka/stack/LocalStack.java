package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack's layout: which services, on which fixed loopback ports, with which folders.
 * Ports and service settings live in {@code config/}; state and logs under one git-ignored folder
 * ({@code .stack/}, or {@code $CXONE_STACK_HOME}).
 */
public final class LocalStack {

    public static final int REGISTRY_PORT = 8081;
    public static final int ELASTICSEARCH_PORT = 9200;
    public static final int ELASTICSEARCH_TRANSPORT_PORT = 9300;
    public static final int SIMULATOR_PORT = 8700;
    public static final int WEBHOOK_PORT = 8701;
    public static final int BRIDGE_PORT = 8702;

    private final Path root;
    private final Path stateDir;

    public LocalStack(Path root, Path stateDir) {
        this.root = root;
        this.stateDir = stateDir;
    }

    public static LocalStack fromEnvironment() {
        Path root = Path.of(System.getProperty("cxone.stack.root", "."))
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(root.resolve("config/kafka-server.properties"))) {
            throw new StackException(
                    "not a cxone-kafka-connect checkout: " + root + " has no config/kafka-server.properties");
        }
        String home = System.getenv("CXONE_STACK_HOME");
        return new LocalStack(
                root,
                home == null || home.isBlank()
                        ? root.resolve(".stack")
                        : Path.of(home).toAbsolutePath());
    }

    public Path root() {
        return root;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path logsDir() {
        return stateDir.resolve("logs");
    }

    public Path runDir() {
        return stateDir.resolve("run");
    }

    public Path dataDir(String service) {
        return stateDir.resolve("data").resolve(service);
    }

    public Path distDir() {
        return stateDir.resolve("dist");
    }

    public Path connectorsDir() {
        return root.resolve("connectors");
    }

    public Path config(String file) {
        return root.resolve("config").resolve(file);
    }

    public Path logFile(String service) {
        return logsDir().resolve(service + ".log");
    }

    /** Plugin folders for the worker's plugin.path: each plugin module's target/plugin. */
    public List<Path> pluginPath() {
        return List.of(
                root.resolve("source-connector/target/plugin"), root.resolve("elasticsearch-sink/target/plugin"));
    }

    /** Every service in start order. Applications whose module has no main class yet are left out. */
    public List<StackService> services(Distributions dist) {
        String classpath = stackClasspath();
        Path log4j = config("log4j2.properties");
        List<StackService> services = new ArrayList<>();
        services.add(new KafkaBrokerService(
                classpath, config("kafka-server.properties"), log4j, dataDir("kafka"), logFile("kafka")));
        services.add(new RegistryService(
                dist.registryRunnerJar(),
                dataDir("schema-registry"),
                logFile("schema-registry"),
                REGISTRY_PORT,
                dataDir("schema-registry").resolve("h2")));
        services.add(new ElasticsearchService(
                dist.elasticsearchHome(),
                dataDir("elasticsearch"),
                logFile("elasticsearch"),
                ELASTICSEARCH_PORT,
                ELASTICSEARCH_TRANSPORT_PORT,
                "512m"));
        services.add(new ConnectWorkerService(
                classpath,
                config("connect-distributed.properties"),
                log4j,
                pluginPath(),
                dataDir("connect"),
                logFile("connect")));
        for (JavaAppService app : List.of(
                new JavaAppService(
                        "cxone-simulator",
                        root.resolve("cxone-simulator"),
                        "io.cxone.kafka.simulator.CxoneSimulatorMain",
                        List.of("--port", Integer.toString(SIMULATOR_PORT)),
                        SIMULATOR_PORT,
                        "/health",
                        List.of(),
                        dataDir("cxone-simulator"),
                        logFile("cxone-simulator")),
                new JavaAppService(
                        "websocket-bridge",
                        root.resolve("websocket-bridge"),
                        "io.cxone.kafka.bridge.WebSocketBridgeMain",
                        List.of(
                                "--config",
                                config("websocket-bridge.properties").toString()),
                        BRIDGE_PORT,
                        "/health",
                        List.of("kafka", "schema-registry"),
                        dataDir("websocket-bridge"),
                        logFile("websocket-bridge")))) {
            if (app.isBuilt()) {
                services.add(app);
            }
        }
        return services;
    }

    /** Classpath of the broker and worker processes, written by the local-stack build. */
    private String stackClasspath() {
        Path file = root.resolve("local-stack/target/classpath.txt");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first (mvn -q -DskipTests package)", e);
        }
    }
}
