package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    /** Where {@code up} records the topology that {@code status}, {@code kill}, {@code start} and {@code down} use. */
    public Path topologyFile() {
        return stateDir.resolve("topology.properties");
    }

    /** The cluster id the Kafka data was formatted with, and for how many brokers. */
    public Path kafkaClusterFile() {
        return stateDir.resolve("data").resolve("kafka-cluster.properties");
    }

    /** The topology of the last {@code up}; one broker and one worker before any. */
    public Topology topology() {
        return Topology.read(topologyFile());
    }

    /**
     * Refuses a broker count other than the one the Kafka data was made for: a node's data holds the quorum and
     * replica placement of its cluster. Workers may change freely (their folders hold only generated settings).
     */
    public void checkKafkaData(Topology topology) {
        int formatted;
        if (Files.isRegularFile(kafkaClusterFile())) {
            formatted = Integer.parseInt(StackConfig.load(kafkaClusterFile()).getProperty("brokers", "1"));
        } else if (Files.exists(dataDir("kafka").resolve("log/meta.properties"))) {
            formatted = 1; // made before the stack could run more than one broker
        } else {
            return;
        }
        if (formatted != topology.brokers()) {
            throw new StackException(
                    "the Kafka data in " + stateDir.resolve("data") + " belongs to a cluster of " + formatted
                            + (formatted == 1 ? " broker" : " brokers") + ", not " + topology.brokers()
                            + ". Use --brokers " + formatted + ", or ./stack reset to delete all data and start over.");
        }
    }

    /** Every service in start order, for the topology of the last {@code up}. */
    public List<StackService> services(Distributions dist) {
        return services(dist, topology());
    }

    /** Every service in start order. Applications whose module has no main class yet are left out. */
    public List<StackService> services(Distributions dist, Topology topology) {
        String classpath = stackClasspath();
        List<KafkaBrokerService> brokers = kafkaNodes(classpath, topology);
        List<String> kafkaNames = brokers.stream().map(StackService::name).toList();
        String bootstrap = bootstrapServers(brokers);
        List<StackService> services = new ArrayList<>(brokers);
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
        services.addAll(connectWorkers(classpath, topology, bootstrap, kafkaNames));
        List<String> bridgeNeeds = new ArrayList<>(kafkaNames);
        bridgeNeeds.add("schema-registry");
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
                                List.of("--config", bridgeConfig().toString()),
                                BRIDGE_PORT,
                                "/health",
                                bridgeNeeds,
                                dataDir("websocket-bridge"),
                                logFile("websocket-bridge"))
                        .withConfig(
                                config("websocket-bridge.properties"),
                                Map.of("kafka.bootstrap.servers", bootstrap),
                                bridgeConfig()))) {
            if (app.isBuilt()) {
                services.add(app);
            }
        }
        return services;
    }

    private Path bridgeConfig() {
        return dataDir("websocket-bridge").resolve("websocket-bridge.properties");
    }

    /** The Kafka nodes of {@code topology}, node 1 first. */
    public List<KafkaBrokerService> kafkaNodes(String classpath, Topology topology) {
        List<KafkaBrokerService> nodes = new ArrayList<>();
        for (int i = 1; i <= topology.brokers(); i++) {
            String name = Topology.serviceName("kafka", i, topology.brokers());
            nodes.add(new KafkaBrokerService(
                    classpath,
                    config("kafka-server.properties"),
                    config("log4j2.properties"),
                    dataDir(name),
                    logFile(name),
                    topology,
                    i,
                    kafkaClusterFile()));
        }
        return nodes;
    }

    /** What clients bootstrap from: every node, so any one of them may be down. */
    public static String bootstrapServers(List<KafkaBrokerService> nodes) {
        return nodes.stream().map(KafkaBrokerService::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The Connect workers of {@code topology}, one group, worker 1 first. */
    public List<ConnectWorkerService> connectWorkers(
            String classpath, Topology topology, String bootstrapServers, List<String> kafkaNames) {
        Path template = config("connect-distributed.properties");
        List<ConnectWorkerService> workers = new ArrayList<>();
        for (int i = 1; i <= topology.workers(); i++) {
            String name = Topology.serviceName("connect", i, topology.workers());
            workers.add(new ConnectWorkerService(
                    name,
                    classpath,
                    template,
                    ConnectWorkerService.memberSettings(
                            StackConfig.load(template), i, bootstrapServers, topology.replicationFactor()),
                    config("log4j2.properties"),
                    pluginPath(),
                    dataDir(name),
                    logFile(name),
                    kafkaNames));
        }
        return workers;
    }

    /** Classpath of the broker and worker processes, written by the local-stack build. */
    public String stackClasspath() {
        Path file = root.resolve("local-stack/target/classpath.txt");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first (mvn -q -DskipTests package)", e);
        }
    }
}
