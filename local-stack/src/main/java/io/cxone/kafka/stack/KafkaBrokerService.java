package io.cxone.kafka.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * One KRaft node of the stack's Kafka cluster, from the kafka_2.13 jar. Settings come from {@code
 * config/kafka-server.properties}, the first node's; node {@code i} of {@code M} shifts every listener port by {@code
 * 2 × (i − 1)} (9092/9093, 9094/9095, …), runs the controller too while {@code i ≤ min(3, M)} (a static quorum of those
 * nodes), and sets the replication of {@link Topology}. The storage folder is formatted on first start with the
 * cluster's id, and kept across restarts until {@code ./stack reset}.
 */
public final class KafkaBrokerService implements StackService {

    /** Settings the broker count decides; the template's values hold for one broker. */
    static final List<String> REPLICATION_FACTORS = List.of(
            "default.replication.factor",
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor");

    static final List<String> MIN_INSYNC_REPLICAS =
            List.of("min.insync.replicas", "transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr");

    private final String classpath;
    private final Path configTemplate;
    private final Path log4jConfig;
    private final Path dataDir;
    private final Path logFile;
    private final Topology topology;
    private final int index;
    private final Path clusterFile;

    /**
     * @param index this node's place in the cluster, 1 to {@code topology.brokers()}
     * @param clusterFile the cluster id every node is formatted with (created by the first node that needs it), and the
     *     broker count the data was made for
     */
    public KafkaBrokerService(
            String classpath,
            Path configTemplate,
            Path log4jConfig,
            Path dataDir,
            Path logFile,
            Topology topology,
            int index,
            Path clusterFile) {
        if (index < 1 || index > topology.brokers()) {
            throw new IllegalArgumentException("node " + index + " of " + topology.brokers());
        }
        this.classpath = classpath;
        this.configTemplate = configTemplate;
        this.log4jConfig = log4jConfig;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.topology = topology;
        this.index = index;
        this.clusterFile = clusterFile;
    }

    @Override
    public String name() {
        return Topology.serviceName("kafka", index, topology.brokers());
    }

    @Override
    public String url() {
        return bootstrapServers();
    }

    /** This node's client address. */
    public String bootstrapServers() {
        return settings().get("advertised.listeners").replace("PLAINTEXT://", "");
    }

    public int nodeId() {
        return Integer.parseInt(settings().get("node.id"));
    }

    @Override
    public List<Integer> ports() {
        return StackConfig.listenerPorts(settings().get("listeners"));
    }

    /** The generated server.properties: the template with this node's settings and its data folder. */
    public Properties serverProperties() {
        Properties props = StackConfig.derived(configTemplate, settings());
        props.setProperty("log.dirs", dataDir.resolve("log").toString());
        return props;
    }

    private Map<String, String> settings() {
        return nodeSettings(StackConfig.load(configTemplate), topology, index);
    }

    /** What node {@code index} of {@code topology} sets on top of the first node's template. */
    static Map<String, String> nodeSettings(Properties template, Topology topology, int index) {
        Map<String, URI> listeners = listeners(template.getProperty("listeners"));
        // each node takes as many consecutive ports as the template has listeners
        int shift = listeners.size() * (index - 1);
        String controllerListener = template.getProperty("controller.listener.names");
        URI controller = listeners.get(controllerListener);
        if (controller == null) {
            throw new StackException("config/kafka-server.properties: no " + controllerListener + " listener");
        }
        boolean isController = index <= topology.controllers();
        int firstId = Integer.parseInt(template.getProperty("node.id"));

        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.id", Integer.toString(firstId + index - 1));
        s.put("process.roles", isController ? template.getProperty("process.roles") : "broker");
        s.put(
                "listeners",
                listeners.entrySet().stream()
                        .filter(l -> isController || !l.getKey().equals(controllerListener))
                        .map(l -> shifted(l.getValue(), shift))
                        .collect(Collectors.joining(",")));
        s.put(
                "advertised.listeners",
                listeners(template.getProperty("advertised.listeners")).values().stream()
                        .map(l -> shifted(l, shift))
                        .collect(Collectors.joining(",")));
        s.put(
                "controller.quorum.voters",
                IntStream.rangeClosed(1, topology.controllers())
                        .mapToObj(i -> (firstId + i - 1) + "@" + controller.getHost() + ":"
                                + (controller.getPort() + listeners.size() * (i - 1)))
                        .collect(Collectors.joining(",")));
        REPLICATION_FACTORS.forEach(k -> s.put(k, Integer.toString(topology.replicationFactor())));
        MIN_INSYNC_REPLICAS.forEach(k -> s.put(k, Integer.toString(topology.minInsyncReplicas())));
        return s;
    }

    private static Map<String, URI> listeners(String value) {
        Map<String, URI> byName = new LinkedHashMap<>();
        for (String listener : value.split(",")) {
            URI uri = URI.create(listener.trim());
            byName.put(uri.getScheme(), uri);
        }
        return byName;
    }

    private static String shifted(URI listener, int shift) {
        return listener.getScheme() + "://" + listener.getHost() + ":" + (listener.getPort() + shift);
    }

    @Override
    public ManagedProcess start() {
        Path serverProperties = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(logFile.getParent()); // the format tool writes there before the node starts
            StackConfig.store(serverProperties(), serverProperties, "generated from " + configTemplate + " by ./stack");
        } catch (IOException e) {
            throw new StackException(name() + ": could not write " + serverProperties + ": " + e.getMessage(), e);
        }
        List<String> jvmArgs = List.of("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        if (!Files.exists(dataDir.resolve("log/meta.properties"))) {
            format(serverProperties, jvmArgs, clusterId(clusterFile, topology));
        }
        List<String> brokerArgs = new ArrayList<>(JavaCommand.KAFKA_JVM_PERFORMANCE_OPTS);
        brokerArgs.addAll(jvmArgs);
        return ManagedProcess.start(
                name(),
                JavaCommand.of("512m", classpath, brokerArgs, "kafka.Kafka", List.of(serverProperties.toString())),
                Map.of(),
                dataDir,
                logFile);
    }

    /** The id all nodes of one cluster are formatted with: read from {@code file}, or made and written there once. */
    static synchronized String clusterId(Path file, Topology topology) {
        if (Files.isRegularFile(file)) {
            return StackConfig.load(file).getProperty("cluster.id");
        }
        Properties p = new Properties();
        p.setProperty("cluster.id", Uuid.randomUuid().toString());
        p.setProperty("brokers", Integer.toString(topology.brokers()));
        try {
            Files.createDirectories(file.getParent());
            StackConfig.store(p, file, "the Kafka cluster of ./stack; ./stack reset deletes it with the data");
        } catch (IOException e) {
            throw new StackException("kafka: could not write " + file + ": " + e.getMessage(), e);
        }
        return p.getProperty("cluster.id");
    }

    private void format(Path serverProperties, List<String> jvmArgs, String clusterId) {
        List<String> command = JavaCommand.of(
                "256m",
                classpath,
                jvmArgs,
                "kafka.tools.StorageTool",
                List.of("format", "--ignore-formatted", "-t", clusterId, "-c", serverProperties.toString()));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            // generous: three nodes format at once, each in a JVM of its own, on a machine that may be busy
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new StackException(name() + ": formatting the storage folder " + dataDir + " failed.\n"
                        + ManagedProcess.tail(logFile, 15));
            }
        } catch (IOException e) {
            throw new StackException(name() + ": could not run the storage format tool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(name() + ": interrupted while formatting storage", e);
        }
    }

    /** Healthy once this node answers and has registered with the controllers (it is in the cluster's metadata). */
    @Override
    public boolean isHealthy() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        // generous: the launcher's first admin client, in a JVM just started on a busy machine, took 3.5 s
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        int id = nodeId();
        try (Admin admin = Admin.create(props)) {
            return admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(8000))
                    .nodes()
                    .get(10, TimeUnit.SECONDS)
                    .stream()
                    .anyMatch(n -> n.id() == id);
        } catch (Exception e) {
            return false;
        }
    }
}
