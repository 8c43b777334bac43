package io.cxone.kafka.source.webhook;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.ConnectorDeployer;
import io.cxone.kafka.stack.KafkaBrokerService;
import io.cxone.kafka.stack.Ports;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Benchmark (not a test): kill -9 a Kafka broker under webhook load, on {@code ./stack up --brokers 3 --workers 2}
 * (RF 3, min ISR 2 for data, internal and transaction topics) on free ports, with the webhook connector as shipped
 * ({@code tasks.max=1}: one listener serves the port, so a listener that closes shows as refused connections instead of
 * being hidden by a sibling listener sharing the port). Per case: {@code clients} closed-loop clients (one event per
 * request, every event id unique) for {@code before} seconds, then the broker chosen by the case is killed with SIGKILL,
 * load goes on for {@code down} seconds with 2 of 3 brokers, the broker is started again and load goes on
 * until {@code after} seconds after it is healthy. Cases: {@code coordinator} kills the Connect group's coordinator; {@code leader} the broker
 * leading the most partitions of the webhook topic, other than the previous case's; {@code transactions} the
 * transaction coordinator of the task's producer. Prints, per case, every request's outcome, the refused intervals of
 * the port, the task's state changes, and a read_committed check that every 2xx'd event id is in the topic.
 * <pre>benchmarks/bin/broker-kill [clients=32] [before=15] [down=45] [after=30] [cases="coordinator leader transactions"]</pre>
 */
public final class WebhookBrokerKillBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String GROUP = "cxone-connect";
    private static final String PATH = "/webhook/cxone/events";
    /** No answer within ack.timeout.ms (30 s as shipped) plus its sweep and 10 s: the request hung. */
    private static final Duration HANG_BOUND = Duration.ofSeconds(45);

    /** How long a killed broker may take to recover its log and rejoin once started again. */
    private static final Duration RESTART_BOUND = Duration.ofMinutes(4);

    private static final long THINK_MILLIS = Long.getLong("bench.think.ms", 5);

    private WebhookBrokerKillBenchmark() {}

    public static void main(String[] args) {
        try {
            benchmark(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void benchmark(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int before = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int down = args.length > 2 ? Integer.parseInt(args[2]) : 45;
        int after = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        List<String> cases = List.of((args.length > 4 ? args[4] : "coordinator leader transactions").split("[ ,]+"));
        Path work = Path.of("target/broker-kill-" + Long.toString(System.currentTimeMillis(), 36))
                .toAbsolutePath();
        try (BrokerKillCluster cluster = new BrokerKillCluster(work, 3, 2)) {
            int port = Ports.freePort();
            String name = cluster.deployWebhook(port, Map.of());
            String topic = "cxone.webhook.events";
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> health(port) == 200);
            System.out.printf(
                    "broker-kill: 3 brokers, 2 Connect workers (config/ as shipped, free ports), %s as shipped "
                            + "(tasks.max=1, exactly-once, ack.timeout.ms=30000; JSON values), %d closed-loop clients "
                            + "(%d ms between a client's requests), hang bound %d s; load %s%n",
                    name, clients, THINK_MILLIS, HANG_BOUND.toSeconds(), loadAverage());
            try (WebhookKillLoad warmUp = new WebhookKillLoad(port, PATH, clients, "warm", HANG_BOUND, THINK_MILLIS)) {
                Thread.sleep(10_000); // the producer's transaction and the topic's leaders exist before roles are read
            }
            printReplication(cluster, topic);
            Set<Integer> killed = new HashSet<>();
            List<String> summary = new ArrayList<>();
            for (String kase : cases) {
                summary.add(runCase(cluster, name, topic, port, clients, kase, killed, before, down, after));
            }
            summary.forEach(System.out::println);
        }
    }

    private static String runCase(
            BrokerKillCluster cluster,
            String name,
            String topic,
            int port,
            int clients,
            String kase,
            Set<Integer> killed,
            int before,
            int down,
            int after)
            throws Exception {
        Map<Integer, List<String>> roles = cluster.roles(topic, GROUP);
        KafkaBrokerService victim = choose(cluster, roles, kase, killed);
        killed.add(victim.nodeId());
        roles.forEach((id, r) -> System.out.printf("case %s: node %d: %s%n", kase, id, String.join(", ", r)));
        TaskStates states = new TaskStates(cluster.workers(), name);
        WebhookKillLoad load = new WebhookKillLoad(port, PATH, clients, kase, HANG_BOUND, THINK_MILLIS);
        Thread.sleep(before * 1000L);
        double killedAt = load.elapsed();
        cluster.kill(victim);
        Thread.sleep(down * 1000L);
        double restartAt = load.elapsed();
        boolean healthy = cluster.restart(victim, RESTART_BOUND);
        double healthyAt = load.elapsed();
        Thread.sleep(after * 1000L);
        double stopAt = load.elapsed();
        load.close();
        states.close();

        System.out.printf(
                "case %s: killed %s (node %d: %s) at +%.1f s; started again at +%.1f s, %s at +%.1f s; load stopped"
                        + " at +%.1f s; load %s%n",
                kase,
                victim.name(),
                victim.nodeId(),
                String.join(", ", roles.get(victim.nodeId())),
                killedAt,
                restartAt,
                healthy ? "healthy" : "still not healthy",
                healthyAt,
                stopAt,
                loadAverage());
        Map<String, Integer> outcomes = load.outcomes();
        Map<Integer, Long> byOutcome =
                outcomes.values().stream().collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
        long ok = byOutcome.entrySet().stream()
                .filter(e -> e.getKey() >= 200 && e.getKey() < 300)
                .mapToLong(Map.Entry::getValue)
                .sum();
        long other = byOutcome.entrySet().stream()
                .filter(e -> e.getKey() >= 0 && (e.getKey() < 200 || e.getKey() >= 300))
                .filter(e -> e.getKey() != 429 && e.getKey() != 503)
                .mapToLong(Map.Entry::getValue)
                .sum();
        Map<Integer, Long> otherStatuses = new TreeMap<>(byOutcome);
        otherStatuses.keySet().removeIf(k -> k < 0 || k == 429 || k == 503 || (k >= 200 && k < 300));
        double longestRefused = load.refusedIntervals().stream()
                .mapToDouble(i -> i[1] - i[0])
                .max()
                .orElse(0);
        String line = String.format(
                "case %s: requests sent %d: 2xx %d, 429 %d, 503 %d, other statuses %d %s, connection refused %d,"
                        + " reset %d, closed without answer %d, hung (no answer within %d s) %d; longest gap with"
                        + " refused connections %.1f s",
                kase,
                outcomes.size(),
                ok,
                byOutcome.getOrDefault(429, 0L),
                byOutcome.getOrDefault(503, 0L),
                other,
                otherStatuses,
                load.refusedConnections(),
                byOutcome.getOrDefault(WebhookKillLoad.RESET, 0L),
                byOutcome.getOrDefault(WebhookKillLoad.CLOSED, 0L),
                HANG_BOUND.toSeconds(),
                byOutcome.getOrDefault(WebhookKillLoad.HUNG, 0L),
                longestRefused);
        System.out.println(line);
        System.out.printf(
                "case %s: health probe (a new connection every 100 ms; 0 = refused): %s; refused intervals %s%n",
                kase,
                load.probeOutcomes(),
                load.refusedIntervals().stream()
                        .map(i -> String.format("+%.1f..+%.1f s", i[0], i[1]))
                        .toList());
        double[] answered = load.answerMillis();
        System.out.printf(
                "case %s: time to an answer p50 %.1f ms, p99 %.1f ms, longest %.1f ms; task states seen %s%n",
                kase, answered[0], answered[1], answered[2], states.changes());

        Set<String> inTopic = committedEventIds(cluster, topic, kase + "-");
        Set<String> acked = new HashSet<>();
        Set<String> notAcked = new HashSet<>();
        outcomes.forEach((id, o) -> (o >= 200 && o < 300 ? acked : notAcked).add(id));
        long lost = acked.stream().filter(id -> !inTopic.contains(id)).count();
        long notAckedInTopic = notAcked.stream().filter(inTopic::contains).count();
        String verify = String.format(
                "case %s: read_committed: %d of %d 2xx'd events in the topic (lost %d); %d of %d non-2xx events"
                        + " in the topic nevertheless",
                kase, acked.size() - lost, acked.size(), lost, notAckedInTopic, notAcked.size());
        System.out.println(verify);
        return line + "\n" + verify;
    }

    /** The node the case kills, by what it does now (see the class comment). */
    private static KafkaBrokerService choose(
            BrokerKillCluster cluster, Map<Integer, List<String>> roles, String kase, Set<Integer> killed) {
        Comparator<Integer> byLeaderships = Comparator.comparingLong(id ->
                roles.get(id).stream().filter(r -> r.startsWith("leader of")).count());
        int id =
                switch (kase) {
                    case "coordinator" -> withRole(roles, "Connect group coordinator");
                    case "transactions" -> withRole(roles, "transaction coordinator");
                    case "leader" ->
                        roles.keySet().stream()
                                .filter(n -> !killed.contains(n))
                                .max(byLeaderships)
                                .orElseThrow();
                    default ->
                        throw new IllegalArgumentException(
                                "case must be coordinator, leader or transactions, not " + kase);
                };
        return cluster.nodes().stream()
                .filter(n -> n.nodeId() == id)
                .findFirst()
                .orElseThrow();
    }

    private static int withRole(Map<Integer, List<String>> roles, String role) {
        return roles.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(r -> r.startsWith(role)))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node is " + role + ": " + roles));
    }

    private static void printReplication(BrokerKillCluster cluster, String topic) throws Exception {
        List<String> topics = List.of(
                topic,
                "__consumer_offsets",
                "__transaction_state",
                "cxone-connect-configs",
                "cxone-connect-offsets",
                "cxone-connect-status");
        try (Admin admin = cluster.admin()) {
            var descriptions = admin.describeTopics(topics).allTopicNames().get();
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                            .toList())
                    .all()
                    .get();
            System.out.println("broker-kill: replication "
                    + topics.stream()
                            .map(t -> t + " RF "
                                    + descriptions
                                            .get(t)
                                            .partitions()
                                            .get(0)
                                            .replicas()
                                            .size()
                                    + " min ISR "
                                    + configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t))
                                            .get("min.insync.replicas")
                                            .value())
                            .collect(Collectors.joining(", ")));
        }
    }

    /** The event ids with {@code prefix} in the topic, read with isolation.level=read_committed to its end. */
    private static Set<String> committedEventIds(BrokerKillCluster cluster, String topic, String prefix)
            throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic not read to its end within 3 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    JsonNode value = JSON.readTree(r.value());
                    String id = value.path("event_id").asText();
                    if (id.startsWith(prefix)) {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }

    private static int health(int port) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + HealthHandler.PATH))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String loadAverage() {
        return String.format(
                "%.2f (%d cores)",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** The connector's task states over time, as the workers' REST API reports them (changes only). */
    private static final class TaskStates implements AutoCloseable {
        private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        private final long startNanos = System.nanoTime();
        private final List<String> changes = new ArrayList<>();
        private String last = "";

        TaskStates(List<ConnectWorkerService> workers, String connector) {
            poller.scheduleWithFixedDelay(
                    () -> {
                        String now = "REST unavailable";
                        for (ConnectWorkerService w : workers) {
                            try {
                                now = new ConnectorDeployer(w.url())
                                        .status(connector).units().stream()
                                                .map(u -> u.id() + " " + u.state() + "@" + u.workerId())
                                                .collect(Collectors.joining(", "));
                                break;
                            } catch (RuntimeException e) {
                                // try the next worker
                            }
                        }
                        synchronized (this) {
                            if (!now.equals(last)) {
                                changes.add(String.format("+%.1f s %s", (System.nanoTime() - startNanos) / 1e9, now));
                                last = now;
                            }
                        }
                    },
                    0,
                    500,
                    TimeUnit.MILLISECONDS);
        }

        synchronized List<String> changes() {
            return List.copyOf(changes);
        }

        @Override
        public void close() {
            poller.shutdownNow();
        }
    }
}
