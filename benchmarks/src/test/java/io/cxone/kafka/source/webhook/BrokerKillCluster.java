package io.cxone.kafka.source.webhook;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.ConnectorDeployer;
import io.cxone.kafka.stack.KafkaBrokerService;
import io.cxone.kafka.stack.LocalStack;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.stack.StackConfig;
import io.cxone.kafka.stack.StackException;
import io.cxone.kafka.stack.StackService;
import io.cxone.kafka.stack.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ClassicGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;

/**
 * {@code ./stack up --brokers 3 --workers 2} on free ports, built by the stack's own classes ({@link LocalStack},
 * {@link KafkaBrokerService}, {@link ConnectWorkerService}) from a checkout-shaped folder whose {@code config/} is the
 * shipped one with node 1 and worker 1 moved to free ports (the classes derive the other nodes' and workers' ports).
 * Every worker setting is as shipped, so Connect reacts to a broker's death as it would in the stack. Only the
 * source-connector plugin is on the plugin path. Kafka nodes can be killed with SIGKILL and started again.
 */
final class BrokerKillCluster implements AutoCloseable {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final List<KafkaBrokerService> nodes;
    private final List<ConnectWorkerService> workers;
    private final Map<String, ManagedProcess> processes = new HashMap<>();
    private final String bootstrap;

    BrokerKillCluster(Path work, int brokers, int workers) throws Exception {
        root = checkoutOnFreePorts(work.resolve("root"));
        LocalStack stack = new LocalStack(root, work.resolve("state"));
        String classpath = Files.readString(CHECKOUT.resolve("local-stack/target/classpath.txt"))
                .trim();
        Topology topology = new Topology(brokers, workers);
        nodes = stack.kafkaNodes(classpath, topology);
        bootstrap = LocalStack.bootstrapServers(nodes);
        this.workers = stack.connectWorkers(
                classpath,
                topology,
                bootstrap,
                nodes.stream().map(StackService::name).toList());
    }

    void start() {
        startAndAwaitAll(nodes);
        startAndAwaitAll(workers);
    }

    String bootstrapServers() {
        return bootstrap;
    }

    List<KafkaBrokerService> nodes() {
        return nodes;
    }

    List<ConnectWorkerService> workers() {
        return workers;
    }

    /**
     * Deploys {@code connectors/cxone-webhook-source.json} as shipped but for its listener port, the dedupe
     * bootstrap (this cluster) and the value converter: JSON instead of Avro through the registry, which this cluster
     * does not run (the records take the same producer path either way). Returns the connector's name.
     */
    String deployWebhook(int port, Map<String, String> overrides) throws Exception {
        Path dir = Files.createDirectories(root.resolve("connectors"));
        ObjectNode spec = (ObjectNode) JSON.readTree(
                CHECKOUT.resolve("connectors/cxone-webhook-source.json").toFile());
        ObjectNode config = (ObjectNode) spec.get("config");
        config.put(WebhookConfig.PORT, Integer.toString(port));
        config.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, bootstrap);
        List<String> registry = new ArrayList<>();
        config.fieldNames().forEachRemaining(k -> {
            if (k.startsWith("value.converter.")) {
                registry.add(k);
            }
        });
        config.remove(registry);
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        overrides.forEach(config::put);
        Files.writeString(dir.resolve("webhook.json"), JSON.writeValueAsString(spec));
        ConnectorDeployer deployer = new ConnectorDeployer(workers.get(0).url());
        var results = deployer.deployAll(dir, Duration.ofSeconds(120));
        results.forEach(r -> {
            if (!r.state().equals("RUNNING")) {
                throw new IllegalStateException("webhook connector " + r.state() + ": " + r.detail());
            }
        });
        return spec.get("name").asText();
    }

    /** Node id to what it does for the webhook at this moment (printed, and used to pick the node to kill). */
    Map<Integer, List<String>> roles(String topic, String groupId) throws Exception {
        Map<Integer, List<String>> roles = new TreeMap<>();
        nodes.forEach(n -> roles.put(n.nodeId(), new ArrayList<>()));
        try (Admin admin = admin()) {
            roles.get(admin.describeMetadataQuorum().quorumInfo().get().leaderId())
                    .add("active controller");
            ClassicGroupDescription group = admin.describeClassicGroups(List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get();
            roles.get(group.coordinator().id()).add("Connect group coordinator");
            TopicDescription data =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            data.partitions().forEach(p -> roles.get(p.leader().id()).add("leader of " + topic + "-" + p.partition()));
            Collection<TransactionListing> transactions =
                    admin.listTransactions().all().get();
            List<String> ids = transactions.stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.contains("webhook"))
                    .toList();
            admin.describeTransactions(ids).all().get().forEach((id, t) -> roles.get(t.coordinatorId())
                    .add("transaction coordinator of " + id));
        }
        return roles;
    }

    Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
    }

    void kill(KafkaBrokerService node) {
        processes.remove(node.name()).kill();
    }

    /**
     * Starts a killed node again; true once it is healthy (its log recovered and it rejoined), false if not within
     * {@code timeout} (it is left running: on a loaded machine it may still get there).
     */
    boolean restart(KafkaBrokerService node, Duration timeout) throws InterruptedException {
        ManagedProcess p = node.start();
        processes.put(p.name(), p);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (node.isHealthy()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    @Override
    public void close() {
        // workers first, then every Kafka node at once (one by one, the last would wait for a lost quorum)
        workers.stream()
                .map(w -> processes.get(w.name()))
                .filter(p -> p != null)
                .forEach(p -> p.stop(Duration.ofSeconds(10)));
        nodes.stream()
                .map(n -> processes.get(n.name()))
                .filter(p -> p != null)
                .map(p -> CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(15))))
                .toList()
                .forEach(CompletableFuture::join);
    }

    /** The stack's config/ with node 1 and worker 1 on free ports, and the webhook's plugin folder. */
    private static Path checkoutOnFreePorts(Path root) throws Exception {
        Path config = Files.createDirectories(root.resolve("config"));
        Files.createDirectories(config.resolve("secrets"));
        Files.copy(CHECKOUT.resolve("config/log4j2.properties"), config.resolve("log4j2.properties"));

        // node i takes two ports from node 1's on (client, controller): six in a row for three nodes
        int kafka = freePortsInARow(6);
        Properties broker = StackConfig.load(CHECKOUT.resolve("config/kafka-server.properties"));
        for (String key : List.of("listeners", "advertised.listeners", "controller.quorum.voters")) {
            broker.setProperty(
                    key, broker.getProperty(key).replace(":9092", ":" + kafka).replace(":9093", ":" + (kafka + 1)));
        }
        StackConfig.store(broker, config.resolve("kafka-server.properties"), "benchmark");

        int connect = freePortsInARow(2);
        Properties worker = StackConfig.load(CHECKOUT.resolve("config/connect-distributed.properties"));
        worker.setProperty("listeners", "http://127.0.0.1:" + connect);
        worker.setProperty("rest.advertised.port", Integer.toString(connect));
        StackConfig.store(worker, config.resolve("connect-distributed.properties"), "benchmark");

        for (Path pluginDir : new LocalStack(root, root.resolve(".stack")).pluginPath()) {
            Files.createDirectories(pluginDir.getParent());
            Path built = CHECKOUT.resolve(root.relativize(pluginDir));
            if (pluginDir.startsWith(root.resolve("source-connector")) && Files.isDirectory(built)) {
                Files.createSymbolicLink(pluginDir, built);
            } else {
                Files.createDirectories(pluginDir); // the sink does not run here
            }
        }
        return root;
    }

    private static int freePortsInARow(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = Ports.freePort();
            if (first + count < 65536 && IntStream.range(first, first + count).allMatch(Ports::isFree)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback ports in a row");
    }

    /**
     * Starts one service, again up to twice if that fails: on a machine with a load average of 40, the storage format
     * tool that a node's first start runs was seen to miss its 60 s bound.
     */
    private static ManagedProcess startWithRetries(StackService service) {
        for (int attempt = 1; ; attempt++) {
            try {
                return service.start();
            } catch (StackException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println(service.name() + ": start failed, trying again: " + e.getMessage());
            }
        }
    }

    /** Starts every service at once (a KRaft node is healthy only once a quorum of them runs), then waits for each. */
    private void startAndAwaitAll(List<? extends StackService> services) {
        services.stream()
                .map(s -> CompletableFuture.supplyAsync(() -> startWithRetries(s)))
                .toList()
                .forEach(f -> {
                    ManagedProcess p = f.join();
                    processes.put(p.name(), p);
                });
        for (StackService s : services) {
            ManagedProcess p = processes.get(s.name());
            await().atMost(s.startTimeout())
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !p.isAlive())
                    .alias(s.name() + " healthy (log: " + p.logFile() + ")")
                    .until(s::isHealthy);
        }
    }
}
