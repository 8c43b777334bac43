package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.ConnectorDeployer;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.stack.Topology;
import io.cxone.kafka.testkit.StackCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./stack up --brokers 3 --workers 2}, built by the same classes the launcher uses ({@link StackCluster}), on
 * free ports. The shipped webhook connector runs on it as {@code ./stack} deploys it there, with a task per worker on
 * one port; the worker running task 0 is killed with SIGKILL: the other listener goes on answering on the same port
 * (no gap while Connect notices), and then both tasks run on the survivor.
 */
class StackClusterFailoverIT {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private StackCluster cluster;

    @AfterEach
    void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeBrokersAndTwoWorkersKeepTheWebhookRunningWhenItsWorkerDies() throws Exception {
        Path work = Path.of("target/it-services/stack-cluster-" + Long.toString(System.nanoTime(), 36))
                .toAbsolutePath();
        cluster = StackCluster.start(CHECKOUT, work, new Topology(3, 2), StackCluster.QUICK_FAILOVER);
        Path root = cluster.root();
        String bootstrap = cluster.bootstrapServers();
        List<ConnectWorkerService> workers = cluster.workers();

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

        ConnectorDeployer deployer = new ConnectorDeployer(workers.get(0).url(), workers.size());
        assertThat(deployer.deployAll(root.resolve("connectors"), Duration.ofSeconds(90)))
                .singleElement()
                .satisfies(r -> assertThat(r.state()).as(r.detail()).isEqualTo("RUNNING"));
        // one task per worker once the group has settled (the second worker may join after the deployment)
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> deployer.status(name).units().stream()
                                .filter(u -> u.id().startsWith("task"))
                                .map(ConnectorDeployer.Unit::workerId)
                                .distinct()
                                .count()
                        == workers.size());
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

        ConnectWorkerService host = cluster.workerRunning(name, "task 0").orElseThrow();
        ConnectWorkerService survivor =
                workers.stream().filter(w -> w != host).findFirst().orElseThrow();
        cluster.kill(host);
        long killed = System.nanoTime();
        // The survivor's listener takes every connection from the moment the dead one's socket is gone. A request
        // racing the kill itself may meet the dying listener; any later one must be answered.
        List<String> unanswered = new ArrayList<>();
        int posted = 0;
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(15)) {
            long sent = System.nanoTime();
            int status = post(webhookPort, "during-" + posted++);
            if (status != 200 && sent - killed > TimeUnit.SECONDS.toNanos(1)) {
                unanswered.add(status + " at +" + TimeUnit.NANOSECONDS.toMillis(sent - killed) + " ms");
            }
            Thread.sleep(100);
        }
        assertThat(unanswered)
                .as("requests after the kill not answered 200 (of %d)", posted)
                .isEmpty();

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
