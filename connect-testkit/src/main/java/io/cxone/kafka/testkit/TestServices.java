package io.cxone.kafka.testkit;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.cxone.kafka.stack.Distributions;
import io.cxone.kafka.stack.ElasticsearchService;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.PidFile;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.stack.Readiness;
import io.cxone.kafka.stack.RegistryService;
import io.cxone.kafka.stack.RunAs;
import io.cxone.kafka.stack.StackConfig;
import io.cxone.kafka.stack.StackService;
import io.cxone.kafka.stack.WorkerSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpHost;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.elasticsearch.client.RestClient;

/**
 * The integration-test harness: real Kafka + Connect, schema registry and Elasticsearch, each started at
 * most once per test JVM, on free loopback ports, the first time a test asks for it, and stopped when the
 * JVM exits. Kafka and Connect run in-process ({@link EmbeddedConnectCluster}, KRaft, exactly-once source
 * support on); the registry and Elasticsearch run as child processes from the same distributions and
 * service classes as {@code ./stack}. Nothing here is a mock.
 *
 * <p>Tests share the services, so each test uses its own topic, connector and index names.
 * Processes left behind by a killed test JVM are stopped by the next one (pid files in
 * {@code target/it-services/run}).
 */
public final class TestServices {

    private static final Path WORK = Path.of("target/it-services").toAbsolutePath();
    private static final Path RUN = WORK.resolve("run");
    private static final List<Runnable> SHUTDOWN = new ArrayList<>();
    private static final Duration TEST_STOP_GRACE = Duration.ofSeconds(15);

    private static EmbeddedConnectCluster connect;
    private static CompletableFuture<RegistryService> registry;
    private static CompletableFuture<ElasticsearchService> elasticsearch;
    private static ElasticsearchClient elasticsearchClient;

    static {
        for (String name : List.of("schema-registry", "elasticsearch")) {
            PidFile.read(RUN, name).ifPresent(stale -> stale.stop(java.time.Duration.ofSeconds(10)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(TestServices::stopAll, "test-services-shutdown"));
    }

    private TestServices() {}

    /** Kafka (one KRaft broker) and one distributed Connect worker with exactly-once source support. */
    public static synchronized EmbeddedConnectCluster connect() {
        if (connect == null) {
            Map<String, String> worker = new HashMap<>();
            worker.put("exactly.once.source.support", "enabled");
            worker.put("offset.flush.interval.ms", "1000");
            // Every plugin in this project ships META-INF/services, so the worker need not scan the classpath.
            worker.put("plugin.discovery", "service_load");
            // The stack's config providers, so connector JSON resolves secrets as on ./stack's worker.
            checkoutRoot().ifPresent(root -> {
                Path template = root.resolve("config/connect-distributed.properties");
                worker.putAll(
                        WorkerSecrets.providerSettings(StackConfig.load(template), WorkerSecrets.secretsDir(template)));
            });
            java.util.Properties broker = new java.util.Properties();
            broker.put("transaction.state.log.replication.factor", "1");
            broker.put("transaction.state.log.min.isr", "1");
            broker.put("auto.create.topics.enable", "true");
            EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                    .name("cxone-it")
                    .numWorkers(1)
                    .numBrokers(1)
                    .workerProps(worker)
                    .brokerProps(broker)
                    .build();
            cluster.start();
            connect = cluster;
            onShutdown(cluster::stop);
        }
        return connect;
    }

    public static String kafkaBootstrapServers() {
        return connect().kafka().bootstrapServers();
    }

    /** Apicurio Registry on a free port; starts in the background on first call, then waits for it. */
    public static RegistryService registry() {
        return startRegistry().join();
    }

    /** Elasticsearch on a free port; starts in the background on first call, then waits for it. */
    public static ElasticsearchService elasticsearch() {
        return startElasticsearch().join();
    }

    /** Begins starting the registry without waiting (call early to overlap start-ups). */
    public static synchronized CompletableFuture<RegistryService> startRegistry() {
        if (registry == null) {
            registry = CompletableFuture.supplyAsync(() -> {
                RegistryService service = new RegistryService(
                        distributions().registryRunnerJar(),
                        WORK.resolve("schema-registry"),
                        WORK.resolve("logs/schema-registry.log"),
                        Ports.freePort(),
                        null);
                track(service, Readiness.startAndAwait(service));
                return service;
            });
        }
        return registry;
    }

    /** Begins starting Elasticsearch without waiting (call early to overlap start-ups). */
    public static synchronized CompletableFuture<ElasticsearchService> startElasticsearch() {
        if (elasticsearch == null) {
            elasticsearch = CompletableFuture.supplyAsync(() -> {
                ElasticsearchService service = new ElasticsearchService(
                        new Distributions(reachableForElasticsearch(distCache())).elasticsearchHome(),
                        reachableForElasticsearch(WORK.resolve("elasticsearch")),
                        WORK.resolve("logs/elasticsearch.log"),
                        Ports.freePort(),
                        Ports.freePort(),
                        "512m");
                track(service, Readiness.startAndAwait(service));
                return service;
            });
        }
        return elasticsearch;
    }

    /** An elasticsearch-java client for the test Elasticsearch. */
    public static ElasticsearchClient elasticsearchClient() {
        int port = elasticsearch().httpPort(); // wait outside the lock: the start-up thread needs it
        synchronized (TestServices.class) {
            if (elasticsearchClient == null) {
                RestClient rest = RestClient.builder(new HttpHost("127.0.0.1", port, "http"))
                        .build();
                // the project leaves OpenTelemetry out of elasticsearch-java (parent pom): no default tracing
                elasticsearchClient = new ElasticsearchClient(
                        new RestClientTransport(rest, new JacksonJsonpMapper(), null, NoopInstrumentation.INSTANCE));
                onShutdown(() -> {
                    try {
                        rest.close();
                    } catch (java.io.IOException ignored) {
                        // closing at JVM exit
                    }
                });
            }
            return elasticsearchClient;
        }
    }

    /**
     * Converter settings that make Avro through the registry in the Confluent wire format (magic byte 0 and a
     * 4-byte id that resolves at {@code /apis/ccompat/v7/schemas/ids/{id}}), for {@code key.converter} or
     * {@code value.converter}. The settings {@code connectors/*.json} use against the local stack, less the source
     * plugin's {@code apicurio.registry.schema-resolver} (a class of that plugin, which callers there add).
     */
    public static Map<String, String> avroConverter(String prefix) {
        String p = prefix + ".";
        return Map.of(
                prefix,
                "io.apicurio.registry.utils.converter.AvroConverter",
                p + "apicurio.registry.url",
                registry().apicurioApiUrl(),
                p + "apicurio.registry.auto-register",
                "true",
                p + "apicurio.registry.headers.enabled",
                "false",
                p + "apicurio.registry.use-id",
                "contentId",
                p + "apicurio.registry.as-confluent",
                "true");
    }

    private static void track(StackService service, ManagedProcess process) {
        PidFile.write(RUN, process);
        onShutdown(() -> {
            // Test data need no long graceful stop; killed within the 25 s shutdown bound of stopAll().
            process.stop(service.stopGrace().compareTo(TEST_STOP_GRACE) < 0 ? service.stopGrace() : TEST_STOP_GRACE);
            PidFile.delete(RUN, service.name());
        });
    }

    /** Shutdown steps run newest first; guarded by the list itself, never by the class lock (start-up threads add to it). */
    private static void onShutdown(Runnable step) {
        synchronized (SHUTDOWN) {
            SHUTDOWN.add(0, step);
        }
    }

    /**
     * Elasticsearch runs as an unprivileged user when tests run as root; if the checkout lies under a folder that
     * user cannot enter (e.g. /root), its files go to /var/tmp instead of failing the build.
     */
    private static Path reachableForElasticsearch(Path preferred) {
        if (!RunAs.isRoot() || RunAs.reachableByOthers(preferred)) {
            return preferred;
        }
        return Path.of(
                        "/var/tmp/cxone-kafka-connect",
                        Integer.toHexString(
                                preferred.toAbsolutePath().toString().hashCode()))
                .resolve(preferred.getFileName());
    }

    static Distributions distributions() {
        return new Distributions(distCache());
    }

    /** Shared with ./stack: the checkout's .stack/dist, so distributions are unpacked once per checkout. */
    private static Path distCache() {
        return checkoutRoot()
                .map(dir -> {
                    String home = System.getenv("CXONE_STACK_HOME");
                    return (home == null || home.isBlank() ? dir.resolve(".stack") : Path.of(home)).resolve("dist");
                })
                .orElse(WORK.resolve("dist"));
    }

    /** The cxone-kafka-connect checkout the tests run in (its config/ and connectors/), if they run in one. */
    public static Optional<Path> checkoutRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("local-stack/pom.xml")) && Files.isRegularFile(dir.resolve("stack"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static void stopAll() {
        List<Runnable> steps;
        synchronized (SHUTDOWN) {
            steps = new ArrayList<>(SHUTDOWN);
            SHUTDOWN.clear();
        }
        // In parallel and bounded: surefire kills a fork whose exit takes over 30 s, and one slow step (a Connect
        // worker waiting on Kafka) must not keep the child servers (Elasticsearch, registry) from being stopped.
        List<Thread> running = new ArrayList<>();
        for (Runnable step : steps) {
            Thread thread = new Thread(
                    () -> {
                        try {
                            step.run();
                        } catch (RuntimeException e) {
                            System.err.println("test services: shutdown step failed: " + e);
                        }
                    },
                    "test-services-stop");
            thread.setDaemon(true);
            thread.start();
            running.add(thread);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        for (Thread thread : running) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                System.err.println("test services: a shutdown step is still running after 25 s; exiting without it");
                return;
            }
        }
    }
}
