package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
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
import io.cxone.kafka.stack.StackService;
import io.cxone.kafka.stack.Topology;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./stack up --brokers 3 --workers 2}, built by the same classes the launcher uses ({@link LocalStack},
 * {@link KafkaBrokerService}, {@link ConnectWorkerService}, {@link ConnectorDeployer}), on free ports: a checkout-shaped
 * folder whose {@code config/} is the stack's with node 1 and worker 1 moved to free ports (the classes derive the
 * others from them). The shipped webhook connector runs on it; the worker running its task is killed with SIGKILL,
 * and the task must run on the survivor, listening on the same port.
 */
class StackClusterFailoverIT {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ManagedProcess> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        // workers first, then every Kafka node at once (one by one, the last would wait for a lost quorum)
        processes.stream().filter(p -> p.name().startsWith("connect")).forEach(p -> p.stop(Duration.ofSeconds(10)));
        processes.stream()
                .filter(p -> p.name().startsWith("kafka"))
                .map(p -> CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(15))))
                .toList()
                .forEach(CompletableFuture::join);
    }

    @Test
    void threeBrokersAndTwoWorkersKeepTheWebhookRunningWhenItsWorkerDies() throws Exception {
        Path work = Path.of("target/it-services/stack-cluster-" + Long.toString(System.nanoTime(), 36))
                .toAbsolutePath();
        Path root = checkoutOnFreePorts(work.resolve("root"));
        LocalStack stack = new LocalStack(root, work.resolve("state"));
        String classpath = Files.readString(CHECKOUT.resolve("local-stack/target/classpath.txt"))
                .trim();
        Topology topology = new Topology(3, 2);

        List<KafkaBrokerService> nodes = stack.kafkaNodes(classpath, topology);
        startAndAwaitAll(nodes);
        String bootstrap = LocalStack.bootstrapServers(nodes);
        List<ConnectWorkerService> workers = stack.connectWorkers(
                classpath,
                topology,
                bootstrap,
                nodes.stream().map(StackService::name).toList());
        startAndAwaitAll(workers);

        int webhookPort = Ports.freePort();
        Files.createDirectories(root.resolve("connectors"));
        ObjectNode spec = (ObjectNode) JSON.readTree(
                CHECKOUT.resolve("connectors/cxone-webhook-source.json").toFile());
        ObjectNode config = (ObjectNode) spec.get("config");
        config.put("listener.port", Integer.toString(webhookPort));
        config.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, bootstrap); // the dedupe window is rebuilt from this cluster
        // no schema registry here: the records as JSON; the rest (topic creation, exactly-once) as shipped
        config.remove(List.of(
                "value.converter.apicurio.registry.url",
                "value.converter.apicurio.registry.auto-register",
                "value.converter.apicurio.registry.headers.enabled",
                "value.converter.apicurio.registry.use-id",
                "value.converter.apicurio.registry.as-confluent",
                "value.converter.apicurio.registry.schema-resolver"));
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        Files.writeString(root.resolve("connectors/webhook.json"), JSON.writeValueAsString(spec));
        String name = spec.get("name").asText();
        String topic = config.get("topic").asText();

        ConnectorDeployer deployer = new ConnectorDeployer(workers.get(0).url());
        assertThat(deployer.deployAll(root.resolve("connectors"), Duration.ofSeconds(90)))
                .singleElement()
                .satisfies(r -> assertThat(r.state()).as(r.detail()).isEqualTo("RUNNING"));
        assertThat(post(webhookPort, "before")).isEqualTo(200);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            assertThat(admin.describeMetadataQuorum().quorumInfo().get().voters())
                    .hasSize(3);
            Set<String> replicated = Set.of(
                    "__consumer_offsets",
                    "__transaction_state",
                    "cxone-connect-configs",
                    "cxone-connect-offsets",
                    "cxone-connect-status",
                    topic);
            Map<String, TopicDescription> topics =
                    admin.describeTopics(replicated).allTopicNames().get();
            topics.values()
                    .forEach(t -> assertThat(t.partitions()).as(t.name()).allSatisfy(p -> assertThat(p.replicas())
                            .hasSize(3)));
            var configs = admin.describeConfigs(replicated.stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList())
                    .all()
                    .get();
            configs.forEach(
                    (resource, c) -> assertThat(c.get("min.insync.replicas").value())
                            .as(resource.name())
                            .isEqualTo("2"));
        }

        String hostId = taskWorker(deployer, name);
        ConnectWorkerService host = workers.stream()
                .filter(w -> w.workerId().equals(hostId))
                .findFirst()
                .orElseThrow();
        ConnectWorkerService survivor =
                workers.stream().filter(w -> w != host).findFirst().orElseThrow();
        ManagedProcess hostProcess = processes.stream()
                .filter(p -> p.name().equals(host.name()))
                .findFirst()
                .orElseThrow();
        hostProcess.kill();
        long killed = System.nanoTime();

        ConnectorDeployer survivorView = new ConnectorDeployer(survivor.url());
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> survivorView.status(name).units().stream()
                        .allMatch(
                                u -> u.state().equals("RUNNING") && u.workerId().equals(survivor.workerId())));
        await().atMost(Duration.ofSeconds(30)).until(() -> post(webhookPort, "after") == 200);
        System.err.printf(
                "stack-cluster: %s killed; %s runs %s and its listener on port %d after %.1f s%n",
                host.name(), survivor.name(), name, webhookPort, (System.nanoTime() - killed) / 1e9);
    }

    /** The stack's config/ with node 1 and worker 1 on free ports, and the plugin folders the worker needs. */
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
        StackConfig.store(broker, config.resolve("kafka-server.properties"), "test");

        int connect = freePortsInARow(2);
        Properties worker = StackConfig.load(CHECKOUT.resolve("config/connect-distributed.properties"));
        worker.setProperty("listeners", "http://127.0.0.1:" + connect);
        worker.setProperty("rest.advertised.port", Integer.toString(connect));
        // A killed worker is noticed after its session (the broker's minimum is 6 s); Connect then holds its tasks
        // for scheduled.rebalance.max.delay.ms (5 minutes by default) in case it comes back: 5 s here.
        worker.setProperty("session.timeout.ms", "6000");
        worker.setProperty("heartbeat.interval.ms", "2000");
        worker.setProperty("scheduled.rebalance.max.delay.ms", "5000");
        StackConfig.store(worker, config.resolve("connect-distributed.properties"), "test");

        LocalStack layout = new LocalStack(root, root.resolve(".stack"));
        for (Path pluginDir : layout.pluginPath()) {
            // this module's plugin as built for this run; the sink's if it is built, else an empty folder
            Path built = pluginDir.startsWith(root.resolve("source-connector"))
                    ? Path.of("target/plugin").toAbsolutePath()
                    : CHECKOUT.resolve(root.relativize(pluginDir));
            Files.createDirectories(pluginDir.getParent());
            if (Files.isDirectory(built)) {
                Files.createSymbolicLink(pluginDir, built);
            } else {
                Files.createDirectories(pluginDir);
            }
        }
        return root;
    }

    private static int freePortsInARow(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = Ports.freePort();
            if (first + count < 65536
                    && java.util.stream.IntStream.range(first, first + count).allMatch(Ports::isFree)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback ports in a row");
    }

    /** Starts every service at once (a KRaft node is healthy only once a quorum of them runs), then waits for each. */
    private void startAndAwaitAll(List<? extends StackService> services) {
        // in parallel: a node's start formats its storage first, with a JVM of its own
        services.stream()
                .map(s -> CompletableFuture.supplyAsync(s::start))
                .toList()
                .forEach(f -> processes.add(f.join()));
        for (StackService s : services) {
            ManagedProcess p = processes.stream()
                    .filter(x -> x.name().equals(s.name()))
                    .findFirst()
                    .orElseThrow();
            await().atMost(s.startTimeout())
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !p.isAlive())
                    .alias(s.name() + " healthy (log: " + p.logFile() + ")")
                    .until(s::isHealthy);
        }
    }

    private static String taskWorker(ConnectorDeployer deployer, String name) {
        return deployer.status(name).units().stream()
                .filter(u -> u.id().equals("task 0"))
                .findFirst()
                .orElseThrow()
                .workerId();
    }

    private static int post(int port, String eventId) throws Exception {
        String body = "{\"event_id\":\"" + eventId + "-" + System.nanoTime()
                + "\",\"timestamp\":1795320000000,\"action_type\":\"EXPORT_STARTED\",\"user_id\":\"u1\",\"metadata\":{}}";
        try {
            HttpResponse<String> response = WebhookTestSupport.HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook/cxone/events"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        } catch (java.io.IOException e) {
            return -1; // nothing listens (yet)
        }
    }
}
