package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookTestSupport.JSON;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.decode;
import static io.cxone.kafka.source.webhook.WebhookTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

/**
 * The webhook on more than one task and worker, as a load balancer sees it: every task listens on the same port
 * (tasks on one host share it), {@code /health} answers where a task listens, and the dedupe window survives a task
 * restarting or moving to another worker, and spans the connector's tasks, so a caller's retry is answered as a
 * duplicate wherever it lands. Every request goes over a connection of its own, as retries from many callers do, so
 * the kernel spreads them over the tasks that share the port.
 */
class WebhookFailoverIT {

    private static final String TASK_ID = "task";

    @Test
    void theDedupeWindowSurvivesATaskRestart() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        WebhookTestSupport.Webhook webhook =
                WebhookTestSupport.start("wh-restart", dedupeFromTopic(TestServices.kafkaBootstrapServers()));
        JsonNode first = post(webhook.port(), "r-1");
        assertThat(first.get("duplicate")).isNull();

        connect.stopConnector(webhook.name());
        connect.assertions().assertConnectorIsStopped(webhook.name(), "connector did not stop");
        await().atMost(Duration.ofSeconds(30)).until(() -> !listening(webhook.port()));
        connect.resumeConnector(webhook.name());
        connect.assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(webhook.name(), 1, "connector did not start again");
        WebhookTestSupport.awaitListening(webhook.url());

        JsonNode retry = post(webhook.port(), "r-1");
        assertThat(retry.path("duplicate").asBoolean()).as(retry.toString()).isTrue();
        assertThat(retry.get("offset").asLong()).isEqualTo(first.get("offset").asLong());
        assertThat(post(webhook.port(), "r-2").get("duplicate")).isNull();
        assertThat(eventIds(readAll(webhook.topic()))).containsExactly("r-1", "r-2");
        connect.deleteConnector(webhook.name());
    }

    /**
     * Two tasks on one worker share the port; both get requests, and a retry is a duplicate whichever task it
     * reaches, because each task also reads what the other publishes.
     */
    @Test
    void twoTasksShareThePortAndEachOthersDedupeWindow() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        WebhookTestSupport.Webhook webhook =
                WebhookTestSupport.start("wh-two-tasks", dedupeFromTopic(TestServices.kafkaBootstrapServers()), 2);
        assertThat(tasksAnsweringHealth(webhook.port(), 30)).containsExactlyInAnyOrder(0, 1);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("s-" + i);
            assertThat(post(webhook.port(), "s-" + i).get("duplicate")).isNull();
        }
        assertThat(taskMetric(webhook.name(), 0, "requests-total", "200")).isPositive();
        assertThat(taskMetric(webhook.name(), 1, "requests-total", "200")).isPositive();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> taskMetric(webhook.name(), 0, "dedupe-ids", null) == 20
                        && taskMetric(webhook.name(), 1, "dedupe-ids", null) == 20);
        for (String id : ids) {
            assertThat(post(webhook.port(), id).path("duplicate").asBoolean())
                    .as(id)
                    .isTrue();
        }
        assertThat(eventIds(readAll(webhook.topic()))).containsExactlyInAnyOrderElementsOf(ids);
        connect.deleteConnector(webhook.name());
    }

    /**
     * Two workers on one host, a task on each, both on one port. The worker of task 0 stops: task 1 keeps answering
     * at the port (the retry of an event task 0 took is a duplicate there), and task 0 starts again on the other
     * worker, beside task 1 at the same port, its dedupe window rebuilt from the topic.
     */
    @Test
    void aStoppedWorkersTaskStartsAgainOnTheOtherWorkerAtTheSamePort() throws Exception {
        EmbeddedConnectCluster cluster = twoWorkers();
        try {
            String name = "wh-failover";
            String topic = name + "-events";
            cluster.kafka().createTopic(topic, 2);
            int port = Ports.freePort();
            Map<String, String> config = WebhookTestSupport.connectorConfig(
                    topic, port, dedupeFromTopic(cluster.kafka().bootstrapServers()));
            config.put(ConnectorConfig.TASKS_MAX_CONFIG, "2");
            cluster.configureConnector(name, config);
            cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "connector did not start");
            WebhookTestSupport.awaitListening("http://127.0.0.1:" + port + WebhookConfig.DEFAULT_PATH);
            assertThat(workerOf(cluster, name, 0)).isNotEqualTo(workerOf(cluster, name, 1));
            assertThat(tasksAnsweringHealth(port, 30)).containsExactlyInAnyOrder(0, 1);

            long offset = post(port, "f-1").get("offset").asLong();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> taskMetric(name, 0, "dedupe-ids", null) == 1
                            && taskMetric(name, 1, "dedupe-ids", null) == 1);
            cluster.removeWorker(workerOf(cluster, name, 0));

            // task 0 is gone, task 1 answers at the port
            assertThat(tasksAnsweringHealth(port, 5)).containsExactly(1);
            assertThat(post(port, "f-1").get("offset").asLong()).isEqualTo(offset);

            WorkerHandle survivor = cluster.workers().iterator().next();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> runsOn(cluster, name, 0, survivor) && runsOn(cluster, name, 1, survivor));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> tasksAnsweringHealth(port, 30).equals(Set.of(0, 1)));
            for (int i = 0; i < 10; i++) {
                JsonNode retry = post(port, "f-1");
                assertThat(retry.path("duplicate").asBoolean())
                        .as(retry.toString())
                        .isTrue();
                assertThat(retry.get("offset").asLong()).isEqualTo(offset);
            }
            assertThat(post(port, "f-2").get("duplicate")).isNull();
            assertThat(eventIds(readAll(cluster, topic))).containsExactlyInAnyOrder("f-1", "f-2");
        } finally {
            cluster.stop();
        }
    }

    private static Map<String, String> dedupeFromTopic(String bootstrapServers) {
        return Map.of(
                WebhookConfig.DEDUPE_WINDOW_MS, "600000",
                WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, bootstrapServers,
                WebhookConfig.DEDUPE_REBUILD_TIMEOUT_MS, "30000");
    }

    /** A Connect cluster of its own with two workers that reassign a departed worker's tasks after 1 s (not 5 min). */
    private static EmbeddedConnectCluster twoWorkers() {
        TestServices.startRegistry();
        Map<String, String> worker = new HashMap<>();
        worker.put("exactly.once.source.support", "enabled");
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("plugin.discovery", "service_load");
        worker.put("scheduled.rebalance.max.delay.ms", "1000");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("cxone-failover-it")
                .numWorkers(2)
                .numBrokers(1)
                .workerProps(worker)
                .brokerProps(broker)
                .build();
        cluster.start();
        return cluster;
    }

    /** The worker that runs the connector's task {@code task} (Connect names a worker by its REST host and port). */
    private static WorkerHandle workerOf(EmbeddedConnectCluster cluster, String connector, int task) {
        String workerId = taskState(cluster, connector, task).workerId();
        return cluster.workers().stream()
                .filter(w -> workerId.endsWith(":" + w.url().getPort()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no worker " + workerId));
    }

    private static boolean runsOn(EmbeddedConnectCluster cluster, String connector, int task, WorkerHandle worker) {
        ConnectorStateInfo.TaskState state = taskState(cluster, connector, task);
        return "RUNNING".equals(state.state())
                && state.workerId().endsWith(":" + worker.url().getPort());
    }

    private static ConnectorStateInfo.TaskState taskState(EmbeddedConnectCluster cluster, String connector, int task) {
        return cluster.connectorStatus(connector).tasks().stream()
                .filter(t -> t.id() == task)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no task " + task + " of " + connector));
    }

    /** POSTs one event over a connection of its own; the answer's result for it (200 expected). */
    private static JsonNode post(int port, String eventId) throws Exception {
        String body =
                "{\"event_id\":\"" + eventId + "\",\"timestamp\":1763000000000,\"action_type\":\"T\",\"metadata\":{}}";
        RawHttpExchange.Outcome outcome = exchange(
                port,
                "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        String answer = new String(outcome.body(), StandardCharsets.UTF_8);
        assertThat(outcome.status())
                .as(eventId + ": " + outcome.detail() + " " + answer)
                .isEqualTo(200);
        return JSON.readTree(answer).get("results").get(0);
    }

    /** The task index each of {@code count} health checks reported, each over a connection of its own. */
    private static Set<Integer> tasksAnsweringHealth(int port, int count) throws Exception {
        Set<Integer> tasks = new HashSet<>();
        for (int i = 0; i < count; i++) {
            RawHttpExchange.Outcome outcome =
                    exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(outcome.status()).as("health: " + outcome.detail()).isEqualTo(200);
            tasks.add(JSON.readTree(outcome.body()).get(TASK_ID).asInt());
        }
        return tasks;
    }

    private static boolean listening(int port) {
        return exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .kind()
                == RawHttpExchange.Kind.ANSWERED;
    }

    private static RawHttpExchange.Outcome exchange(int port, String request) {
        return RawHttpExchange.send(
                new InetSocketAddress("127.0.0.1", port),
                List.of(request.getBytes(StandardCharsets.UTF_8)),
                0,
                false,
                Duration.ofSeconds(30));
    }

    private static List<String> eventIds(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ids.add(decode(record.value()).get("event_id").toString());
        }
        return ids;
    }

    /** A plugin metric of one task of the connector, read through JMX like an operator would. */
    private static long taskMetric(String connector, int task, String name, String status) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName objectName : server.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (connector.equals(objectName.getKeyProperty("connector"))
                    && Integer.toString(task).equals(objectName.getKeyProperty(TASK_ID))
                    && (status == null
                            ? objectName.getKeyProperty("status") == null
                            : status.equals(objectName.getKeyProperty("status")))) {
                for (var attribute : server.getMBeanInfo(objectName).getAttributes()) {
                    if (attribute.getName().equals(name)) {
                        return ((Number) server.getAttribute(objectName, name)).longValue();
                    }
                }
            }
        }
        return -1; // not registered (yet): the task has not started
    }
}
