package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.KafkaBrokerService;
import io.cxone.kafka.stack.Topology;
import io.cxone.kafka.testkit.StackCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ClassicGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;

/**
 * {@code ./stack up --brokers 3 --workers 2} on free ports ({@link StackCluster}: the stack's own classes and shipped
 * {@code config/}). Every worker setting is as shipped, so Connect reacts to a broker's death as it would in the stack.
 * Adds what the broker-kill benchmark needs: the webhook deployed as shipped, and each node's roles for it.
 */
final class BrokerKillCluster implements AutoCloseable {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackCluster stack;

    BrokerKillCluster(Path work, int brokers, int workers) {
        stack = StackCluster.start(CHECKOUT, work, new Topology(brokers, workers), Map.of());
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    List<KafkaBrokerService> nodes() {
        return stack.brokers();
    }

    List<ConnectWorkerService> workers() {
        return stack.workers();
    }

    /**
     * Deploys {@code connectors/cxone-webhook-source.json} as shipped but for its listener port, the dedupe
     * bootstrap (this cluster) and the value converter: JSON instead of Avro through the registry, which this cluster
     * does not run (the records take the same producer path either way). Returns the connector's name.
     */
    String deployWebhook(int port, Map<String, String> overrides) throws Exception {
        Path dir = Files.createDirectories(stack.root().resolve("connectors-under-test"));
        ObjectNode spec = (ObjectNode) JSON.readTree(
                CHECKOUT.resolve("connectors/cxone-webhook-source.json").toFile());
        ObjectNode config = (ObjectNode) spec.get("config");
        config.put(WebhookConfig.PORT, Integer.toString(port));
        config.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, stack.bootstrapServers());
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
        var results = stack.deployer().deployAll(dir, Duration.ofSeconds(120));
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
        stack.brokers().forEach(n -> roles.put(n.nodeId(), new ArrayList<>()));
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
                stack.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
    }

    void kill(KafkaBrokerService node) {
        stack.kill(node);
    }

    /**
     * Starts a killed node again; true once it is healthy (its log recovered and it rejoined), false if not within
     * {@code timeout} (it is left running: on a loaded machine it may still get there).
     */
    boolean restart(KafkaBrokerService node, Duration timeout) throws InterruptedException {
        return stack.restart(node, timeout);
    }

    @Override
    public void close() {
        stack.close();
    }
}
