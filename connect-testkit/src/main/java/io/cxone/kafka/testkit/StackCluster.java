package io.cxone.kafka.testkit;

import static org.awaitility.Awaitility.await;

import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.ConnectorDeployer;
import io.cxone.kafka.stack.KafkaBrokerService;
import io.cxone.kafka.stack.LocalStack;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.stack.StackConfig;
import io.cxone.kafka.stack.StackService;
import io.cxone.kafka.stack.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * {@code ./stack up --brokers M --workers N} on free ports, built by the same classes the launcher uses
 * ({@link LocalStack}, {@link KafkaBrokerService}, {@link ConnectWorkerService}): a checkout-shaped folder whose
 * {@code config/} is the checkout's with node 1 and worker 1 moved to free ports (the classes derive the others from
 * them), and whose plugin folders link to the checkout's built ones. Every process is a JVM of its own, so a worker or
 * a broker can be killed with SIGKILL as a crash would end it.
 *
 * <p>A killed worker never leaves its group: it is noticed once its session expires, and Connect then holds its tasks
 * for {@code scheduled.rebalance.max.delay.ms} in case it comes back. Both are short here (6 s and 5 s) unless the
 * caller's worker settings say otherwise.
 */
public final class StackCluster implements AutoCloseable {

    /** Worker settings that let a killed worker's tasks move within seconds. */
    public static final Map<String, String> QUICK_FAILOVER = Map.of(
            "session.timeout.ms", "6000", // the broker's minimum
            "heartbeat.interval.ms", "2000",
            "scheduled.rebalance.max.delay.ms", "5000");

    /** At least this long for a service to become healthy: several JVMs start at once, often on a busy machine. */
    private static final Duration MIN_START_TIMEOUT = Duration.ofMinutes(5);

    private final Path root;
    private final List<KafkaBrokerService> nodes;
    private final List<ConnectWorkerService> workers;
    private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();

    private StackCluster(Path root, List<KafkaBrokerService> nodes, List<ConnectWorkerService> workers) {
        this.root = root;
        this.nodes = nodes;
        this.workers = workers;
    }

    /**
     * Starts {@code topology} from {@code checkout}'s config (and its built plugin folders, {@code local-stack}'s
     * classpath file) under {@code work}; {@code workerSettings} go on top of the worker template (e.g.
     * {@link #QUICK_FAILOVER}). Returns once every broker and worker is healthy.
     */
    public static StackCluster start(Path checkout, Path work, Topology topology, Map<String, String> workerSettings) {
        Path root = checkoutOnFreePorts(checkout, work.resolve("root"), topology, workerSettings);
        LocalStack stack = new LocalStack(root, work.resolve("state"));
        String classpath;
        try {
            classpath = Files.readString(checkout.resolve("local-stack/target/classpath.txt"))
                    .trim();
        } catch (IOException e) {
            throw new UncheckedIOException("build local-stack first (its target/classpath.txt)", e);
        }
        List<KafkaBrokerService> nodes = stack.kafkaNodes(classpath, topology);
        List<ConnectWorkerService> workers = stack.connectWorkers(
                classpath,
                topology,
                LocalStack.bootstrapServers(nodes),
                nodes.stream().map(StackService::name).toList());
        StackCluster cluster = new StackCluster(root, nodes, workers);
        try {
            cluster.startAndAwaitAll(nodes);
            cluster.startAndAwaitAll(workers);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The checkout-shaped folder the cluster runs from (its {@code config/}, {@code connectors/}). */
    public Path root() {
        return root;
    }

    public String bootstrapServers() {
        return LocalStack.bootstrapServers(nodes);
    }

    public List<ConnectWorkerService> workers() {
        return workers;
    }

    public List<KafkaBrokerService> brokers() {
        return nodes;
    }

    /** The running process of a service started by this cluster. */
    public ManagedProcess process(StackService service) {
        ManagedProcess p = processes.get(service.name());
        if (p == null) {
            throw new IllegalStateException(service.name() + " was never started");
        }
        return p;
    }

    public boolean isAlive(StackService service) {
        ManagedProcess p = processes.get(service.name());
        return p != null && p.isAlive();
    }

    /** A worker whose JVM runs, to ask the group through. */
    public ConnectWorkerService liveWorker() {
        return workers.stream()
                .filter(this::isAlive)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Connect worker is running"));
    }

    public ConnectorDeployer deployer() {
        return new ConnectorDeployer(liveWorker().url());
    }

    /**
     * The worker the group's status names for {@code unit} ("connector" or "task 0") of {@code connector}, if any. The
     * status of a killed worker's units stays until the group reassigns them.
     */
    public Optional<ConnectWorkerService> workerRunning(String connector, String unit) {
        return deployer().status(connector).units().stream()
                .filter(u -> u.id().equals(unit))
                .findFirst()
                .flatMap(u -> workers.stream()
                        .filter(w -> w.workerId().equals(u.workerId()))
                        .findFirst());
    }

    /** True when {@code unit} of {@code connector} is RUNNING on {@code worker}. */
    public boolean runsOn(String connector, String unit, ConnectWorkerService worker) {
        return deployer().status(connector).units().stream()
                .anyMatch(u -> u.id().equals(unit)
                        && u.state().equals("RUNNING")
                        && u.workerId().equals(worker.workerId()));
    }

    /** SIGKILL to a service's JVM (no shutdown hook, no task stop, no transaction abort); returns once it is gone. */
    public void kill(StackService service) {
        process(service).kill();
    }

    /** Starts a service again (after {@link #kill}) and waits until it is healthy. */
    public void restart(StackService service) {
        startAndAwaitAll(List.of(service));
    }

    /**
     * Starts a service again (after {@link #kill}); true once it is healthy, false if not within {@code timeout} (it is
     * left running: a broker recovering its log on a loaded machine may still get there).
     */
    public boolean restart(StackService service, Duration timeout) throws InterruptedException {
        ManagedProcess p = service.start();
        processes.put(p.name(), p);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (service.isHealthy()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Workers first, then every Kafka node at once (one by one, the last would wait for a lost quorum). */
    @Override
    public void close() {
        workers.stream().filter(this::isAlive).forEach(w -> process(w).stop(Duration.ofSeconds(10)));
        nodes.stream()
                .filter(this::isAlive)
                .map(n -> CompletableFuture.runAsync(() -> process(n).stop(Duration.ofSeconds(15))))
                .toList()
                .forEach(CompletableFuture::join);
    }

    /** Starts every service at once (a KRaft node is healthy only once a quorum of them runs), then waits for each. */
    private void startAndAwaitAll(List<? extends StackService> services) {
        // in parallel: a node's start formats its storage first, with a JVM of its own
        services.stream()
                .map(s -> CompletableFuture.supplyAsync(s::start))
                .toList()
                .forEach(f -> {
                    ManagedProcess p = f.join();
                    processes.put(p.name(), p);
                });
        for (StackService s : services) {
            ManagedProcess p = process(s);
            await().atMost(s.startTimeout().compareTo(MIN_START_TIMEOUT) < 0 ? MIN_START_TIMEOUT : s.startTimeout())
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !p.isAlive())
                    .alias(s.name() + " healthy (log: " + p.logFile() + ")")
                    .until(s::isHealthy);
        }
    }

    /** The checkout's config/ with node 1 and worker 1 on free ports, and links to its built plugin folders. */
    private static Path checkoutOnFreePorts(
            Path checkout, Path root, Topology topology, Map<String, String> workerSettings) {
        try {
            Path config = Files.createDirectories(root.resolve("config"));
            Files.createDirectories(config.resolve("secrets"));
            Files.copy(checkout.resolve("config/log4j2.properties"), config.resolve("log4j2.properties"));

            // node i takes two ports from node 1's on (client, controller): two per node in a row
            int kafka = freePortsInARow(2 * topology.brokers());
            Properties broker = StackConfig.load(checkout.resolve("config/kafka-server.properties"));
            for (String key : List.of("listeners", "advertised.listeners", "controller.quorum.voters")) {
                broker.setProperty(
                        key,
                        broker.getProperty(key).replace(":9092", ":" + kafka).replace(":9093", ":" + (kafka + 1)));
            }
            StackConfig.store(broker, config.resolve("kafka-server.properties"), "free ports");

            int connect = freePortsInARow(topology.workers());
            Properties worker = StackConfig.load(checkout.resolve("config/connect-distributed.properties"));
            worker.setProperty("listeners", "http://127.0.0.1:" + connect);
            worker.setProperty("rest.advertised.port", Integer.toString(connect));
            worker.putAll(workerSettings);
            StackConfig.store(worker, config.resolve("connect-distributed.properties"), "free ports");

            for (Path pluginDir : new LocalStack(root, root.resolve(".stack")).pluginPath()) {
                // the checkout's plugin as built, else an empty folder (a worker refuses a missing plugin.path entry)
                Path built = checkout.resolve(root.relativize(pluginDir));
                Files.createDirectories(pluginDir.getParent());
                if (Files.isDirectory(built)) {
                    Files.createSymbolicLink(pluginDir, built.toAbsolutePath());
                } else {
                    Files.createDirectories(pluginDir);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("could not lay out the cluster under " + root, e);
        }
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
}
