package io.cxone.kafka.source.webhook;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.BridgeServer;
import io.cxone.kafka.bridge.FrameFreshnessClient;
import io.cxone.kafka.sink.elasticsearch.SearchVisibilityProbe;
import io.cxone.kafka.source.bench.CpuClock;
import io.cxone.kafka.source.bench.KafkaRoundTrip;
import io.cxone.kafka.source.bench.LatencySamples;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Benchmark (not a test): end-to-end freshness of webhook events at offered rates (1,000 and 5,000 events/s by
 * default). Everything runs as shipped, on free ports: the webhook source from {@code connectors/cxone-webhook-source.json}
 * (exactly-once), the Elasticsearch sink from {@code connectors/elasticsearch-sink.json}, the bridge from
 * {@code config/websocket-bridge.properties}, on the harness's Kafka + Connect worker, registry and Elasticsearch
 * (only addresses, the bridge's token secret and the listener port differ).
 * <p>
 * The load is open-loop ({@link OpenLoopGenerator}, one event per request): event k is due at start + k / rate, and
 * its CXone event time (the event's {@code timestamp}) is that due time, whenever the generator actually sent it.
 * Freshness is measured from that event time, as the dashboard measures its live freshness, to:
 * <ul>
 *   <li>acknowledged: the webhook's 200, which comes once the event is committed to Kafka (every event);</li>
 *   <li>searchable: a search by {@code event_id} finds the document ({@link SearchVisibilityProbe}, for a sample of
 *       about {@code probes} events per second, one search for all outstanding probes every {@code poll-ms});</li>
 *   <li>frame: a WebSocket client of the bridge subscribed to the topic has the record's frame (every event).</li>
 * </ul>
 * The ceiling is a raw producer → consumer round trip on the same broker during the same phase
 * ({@link KafkaRoundTrip}); each figure is printed with its ratio to it. Targets (at 5,000 events/s): searchable
 * p99 &lt; 2 s, frame p99 &lt; 100 ms, printed PASS or MISS. Each rate gets an unmeasured warm-up phase first.
 * <pre>benchmarks/bin/freshness [seconds=60] [rates=1000,5000] [warmup-seconds=20] [probes-per-second=50] [poll-ms=50]</pre>
 * Results: docs/benchmarks.md.
 */
public final class FreshnessBenchmark {

    static final double TARGET_RATE = 5_000;
    static final double TARGET_SEARCHABLE_P99_MILLIS = 2_000;
    static final double TARGET_FRAME_P99_MILLIS = 100;
    private static final String SINK_JSON = "../connectors/elasticsearch-sink.json";
    private static final String BRIDGE_PROPERTIES = "../config/websocket-bridge.properties";
    private static final String BRIDGE_TOKEN_ID = "dashboard"; // the shipped token's id, with a fresh secret
    private static final String CEILING_TOPIC = "bench-freshness-ceiling";
    private static final int CEILING_ROUND_TRIPS_PER_SECOND = 100;
    private static final int CONNECTIONS = 1024;
    /** After the last event was acknowledged, how long its frame and document may take before the phase ends. */
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** How long after a phase's last due time its requests may still be answered before it counts as overloaded. */
    private static final Duration LATE_ANSWERS = Duration.ofSeconds(120);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final double probesPerSecond;
    private OpenLoopGenerator generator;
    private SearchVisibilityProbe search;
    private FrameFreshnessClient frames;
    private KafkaRoundTrip ceiling;
    private int phases;

    /** One measured phase's figures. */
    private record Figures(
            boolean complete, // every request answered in time; if not, the machine could not carry the rate
            double rate,
            int planned,
            int acknowledged,
            int failures,
            double lateP99Millis,
            LatencySamples ack,
            LatencySamples searchable,
            int probes,
            LatencySamples frame,
            LatencySamples ceiling,
            String load,
            PhaseCpu cpu) {}

    /**
     * CPU of one phase in cores (CPU seconds per wall second): this JVM (Kafka, the Connect worker with webhook source
     * and sink, the bridge, and the benchmark's own threads, reported apart), Elasticsearch and the registry, each a
     * process of its own. On a machine of N cores the pipeline cannot carry a rate whose CPU it needs exceeds N.
     */
    private record PhaseCpu(
            double seconds, double jvm, double jit, double benchmark, double elasticsearch, double registry) {
        /** The pipeline's own CPU: without the load generator and probes, and without the JIT (warm-up work). */
        double pipeline() {
            return jvm - jit - benchmark + elasticsearch + registry;
        }
    }

    private static final String BENCHMARK = "benchmark";
    private static final String ELASTICSEARCH = "org.elasticsearch.bootstrap"; // in the command line of each process
    private static final String REGISTRY = "apicurio-registry";
    /** The benchmark's own threads: generator, search probe, ceiling, and the WebSocket client's Jetty pool. */
    private static final Map<String, String> BENCHMARK_THREADS = Map.of("bench-", BENCHMARK, "HttpClient@", BENCHMARK);

    /** CPU counters at a phase's start. */
    private record CpuStart(CpuClock clock, long nanos, double elasticsearch, double registry) {
        static CpuStart now() {
            return new CpuStart(
                    new CpuClock(BENCHMARK_THREADS),
                    System.nanoTime(),
                    processCpu(ELASTICSEARCH),
                    processCpu(REGISTRY));
        }

        PhaseCpu since() {
            double seconds = (System.nanoTime() - nanos) / 1e9;
            return new PhaseCpu(
                    seconds,
                    clock.processSeconds() / seconds,
                    clock.jitSeconds() / seconds,
                    clock.byGroup().getOrDefault(BENCHMARK, 0L) / 1e9 / seconds,
                    (processCpu(ELASTICSEARCH) - elasticsearch) / seconds,
                    (processCpu(REGISTRY) - registry) / seconds);
        }
    }

    /** CPU seconds of the processes this JVM started whose command line contains {@code marker} (0 if none). */
    private static double processCpu(String marker) {
        return ProcessHandle.current()
                        .descendants()
                        .filter(p -> p.info()
                                .commandLine()
                                .map(c -> c.contains(marker))
                                .orElse(false))
                        .mapToLong(p -> p.info()
                                .totalCpuDuration()
                                .map(Duration::toNanos)
                                .orElse(0L))
                        .sum()
                / 1e9;
    }

    private FreshnessBenchmark(double probesPerSecond) {
        this.probesPerSecond = probesPerSecond;
    }

    public static void main(String[] args) {
        try {
            int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
            double[] rates = Arrays.stream((args.length > 1 ? args[1] : "1000,5000").split("[, ]+"))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
            double probes = args.length > 3 ? Double.parseDouble(args[3]) : 50;
            int pollMillis = args.length > 4 ? Integer.parseInt(args[4]) : 50;
            new FreshnessBenchmark(probes).benchmark(seconds, rates, warmup, pollMillis);
        } catch (Throwable e) {
            System.out.println("FAILED: " + e);
            e.printStackTrace(); // then exit: the embedded cluster's threads would keep the JVM (and the script)
            // waiting
            System.exit(1);
        }
        System.exit(0);
    }

    private void benchmark(int seconds, double[] rates, int warmup, int pollMillis) throws Exception {
        String loadAtStart = WebhookBenchmark.loadAverage();
        // One after the other: on a loaded 2-core machine, concurrent start-ups overran the harness's health deadlines.
        TestServices.elasticsearch();
        TestServices.registry();
        EmbeddedConnectCluster connect = TestServices.connect();
        String bootstrap = connect.kafka().bootstrapServers();
        String registry = TestServices.registry().apicurioApiUrl();

        Map<String, String> webhook = WebhookBenchmark.deployedConfig();
        String topic = webhook.get(WebhookConfig.TOPIC);
        int port = Ports.freePort();
        webhook.put(WebhookConfig.PORT, Integer.toString(port));
        webhook.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, bootstrap);
        webhook.put("value.converter.apicurio.registry.url", registry);

        Map<String, String> sink = WebhookBenchmark.shippedConfig(SINK_JSON);
        sink.put("connection.url", TestServices.elasticsearch().url());
        sink.put("value.converter.apicurio.registry.url", registry);
        String index = indexOf(topic, sink.get("topic.index.map"));
        SearchVisibilityProbe.deleteIndex(index); // the test Elasticsearch keeps its data between runs

        connect.configureConnector("cxone-webhook-source", webhook);
        connect.configureConnector("elasticsearch-sink", sink);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("cxone-webhook-source", 1, "webhook source");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("elasticsearch-sink", 1, "sink");
        String url = "http://127.0.0.1:" + port + webhook.get(WebhookConfig.PATH);
        WebhookTestSupport.awaitListening(url);

        String token = UUID.randomUUID().toString();
        try (BridgeServer bridge = startBridge(bootstrap, registry, token)) {
            frames = FrameFreshnessClient.subscribe(bridge, topic, token);
            connect.kafka().createTopic(CEILING_TOPIC, 1);
            ceiling = new KafkaRoundTrip(bootstrap, CEILING_TOPIC, CEILING_ROUND_TRIPS_PER_SECOND);
            search = new SearchVisibilityProbe(index, Duration.ofMillis(pollMillis));
            generator = new OpenLoopGenerator(url, CONNECTIONS);
            System.out.printf(
                    Locale.ROOT,
                    "freshness benchmark: %s → %s (index %s) and the bridge (%s); %d s per rate after a %d s warm-up;"
                            + " searchable: ~%.0f probe events/s, one search per %d ms; sink batch.size=%s linger.ms=%s"
                            + " max.in.flight.requests=%s; load average at start %s%n",
                    topic,
                    "connectors/cxone-webhook-source.json, connectors/elasticsearch-sink.json",
                    index,
                    "config/websocket-bridge.properties",
                    seconds,
                    warmup,
                    probesPerSecond,
                    pollMillis,
                    sink.get("batch.size"),
                    sink.get("linger.ms"),
                    sink.get("max.in.flight.requests"),
                    loadAtStart);
            List<Figures> results = new ArrayList<>();
            for (double rate : rates) {
                Figures warm = phase(rate, warmup);
                if (results.isEmpty()) {
                    System.out.println(
                            "index " + index + " refresh_interval: " + SearchVisibilityProbe.refreshInterval(index));
                }
                Figures f = warm.complete() ? phase(rate, seconds) : warm;
                print(f);
                results.add(f);
                if (!f.complete()) {
                    // the generator still runs that phase's requests: no other phase may start
                    System.out.printf(
                            Locale.ROOT,
                            "at %,.0f events/s offered: OVERLOADED, %d of %d events acknowledged %d s after the"
                                    + " last was due (%s phase; figures above: what was answered by then);"
                                    + " no further phase%n",
                            rate,
                            f.acknowledged(),
                            f.planned(),
                            LATE_ANSWERS.toSeconds(),
                            f == warm ? "warm-up" : "measured");
                    break;
                }
            }
            summarize(results, loadAtStart);
            generator.close();
            search.close();
            ceiling.close();
            frames.close();
        }
        connect.stop(); // before the JVM's shutdown hooks: racing the test kit's own hook can hang the exit
    }

    /** The index the sink writes {@code topic} to, from its topic.index.map. */
    private static String indexOf(String topic, String topicIndexMap) {
        for (String pair : topicIndexMap.split(",")) {
            String[] parts = pair.split(":", 2);
            if (parts[0].trim().equals(topic)) {
                return parts[1].trim();
            }
        }
        throw new IllegalStateException("topic.index.map of " + SINK_JSON + " has no index for " + topic);
    }

    /** config/websocket-bridge.properties with this run's addresses, a free port and a fresh secret for its token. */
    private static BridgeServer startBridge(String bootstrap, String registry, String token) throws Exception {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(BRIDGE_PROPERTIES))) {
            shipped.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        shipped.stringPropertyNames().forEach(k -> settings.put(k, shipped.getProperty(k)));
        settings.put(BridgeConfig.LISTEN_PORT, "0");
        settings.put(BridgeConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        settings.put(BridgeConfig.SCHEMA_REGISTRY_URL, registry);
        settings.put(BridgeConfig.AUTH_TOKEN_PREFIX + BRIDGE_TOKEN_ID, token);
        BridgeServer bridge = new BridgeServer(BridgeConfig.of(settings));
        bridge.start();
        return bridge;
    }

    /**
     * {@code seconds} of events at {@code rate}; then waits (bounded) for the last events' frames and documents.
     * Every event id starts with this phase's prefix, so nothing of an earlier phase counts in it.
     */
    private Figures phase(double rate, int seconds) throws Exception {
        String prefix = "fresh-" + run + "-" + ++phases + "-";
        LatencySamples searchable = new LatencySamples();
        LatencySamples frame = new LatencySamples();
        LatencySamples roundTrips = new LatencySamples();
        frames.measureInto(prefix, frame);
        ceiling.measureInto(roundTrips);
        int planned = (int) Math.round(rate * seconds);
        int probeEvery = Math.max(1, (int) Math.round(rate / probesPerSecond));
        WebhookBenchmark.Bodies bodies = new WebhookBenchmark.Bodies(); // the generator's thread only
        double millisPerEvent = 1000.0 / rate;
        CpuStart cpu = CpuStart.now();
        long wallStart = System.currentTimeMillis(); // event k's time: its due time in the generator's schedule
        OpenLoopGenerator.Phase phase = generator.start(planned, rate, k -> {
            long eventTime = wallStart + (long) (k * millisPerEvent);
            String id = prefix + k;
            if (k % probeEvery == 0) {
                search.expect(id, eventTime, searchable);
            }
            return bodies.datum(id, eventTime);
        });
        boolean complete = phase.awaitAtMost(Duration.ofSeconds(seconds + LATE_ANSWERS.toSeconds()));
        PhaseCpu used = cpu.since();
        cpu.clock().printPerRequest("this JVM's threads at " + Math.round(rate) + " events/s", planned, planned);
        ceiling.measureInto(null);
        LatencySamples ack = new LatencySamples();
        Arrays.stream(phase.latencies).filter(l -> l >= 0).forEach(ack::add);
        long end = System.nanoTime() + DRAIN.toNanos();
        while (complete && (frame.count() < ack.count() || search.unresolved() > 0) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        long[] late = Arrays.stream(phase.lateness).sorted().toArray();
        return new Figures(
                complete,
                rate,
                planned,
                ack.count(),
                phase.failures,
                LatencySamples.percentile(late, 0.99) / 1000.0,
                ack,
                searchable,
                (planned + probeEvery - 1) / probeEvery,
                frame,
                roundTrips,
                WebhookBenchmark.loadAverage(),
                used);
    }

    private void print(Figures f) {
        System.out.printf(
                Locale.ROOT,
                "at %,.0f events/s offered: %d events, %d acknowledged, %d not 200, generator late p99 %.2f ms;"
                        + " frames %d of %d (%d dropped notices so far); searchable probes %d of %d (%d given up,"
                        + " %d searches so far, %d failed); load %s%n",
                f.rate(),
                f.planned(),
                f.acknowledged(),
                f.failures(),
                f.lateP99Millis(),
                f.frame().count(),
                f.acknowledged(),
                frames.droppedNotices(),
                f.searchable().count(),
                f.probes(),
                search.givenUp(),
                search.searches(),
                search.failedSearches(),
                f.load());
        double c50 = f.ceiling().percentileMillis(0.50);
        double c99 = f.ceiling().percentileMillis(0.99);
        line("event → acknowledged (200)", f.ack(), c50, c99);
        line("event → searchable (Elasticsearch)", f.searchable(), c50, c99);
        line("event → WebSocket frame (bridge)", f.frame(), c50, c99);
        System.out.printf(
                Locale.ROOT,
                "  %-36s p50 %9.1f ms  p99 %9.1f ms  (%d round trips)%n",
                "ceiling: producer → consumer",
                c50,
                c99,
                f.ceiling().count());
        PhaseCpu cpu = f.cpu();
        System.out.printf(
                Locale.ROOT,
                "  cpu while events were sent (%.0f s), in cores: this JVM %.2f (of which JIT %.2f, load generator"
                        + " and probes %.2f), Elasticsearch %.2f, registry %.2f; in all %.2f of the machine's %d; the"
                        + " pipeline (without JIT and load generator) %.2f, %.3f ms per event%n",
                cpu.seconds(),
                cpu.jvm(),
                cpu.jit(),
                cpu.benchmark(),
                cpu.elasticsearch(),
                cpu.registry(),
                cpu.jvm() + cpu.elasticsearch() + cpu.registry(),
                Runtime.getRuntime().availableProcessors(),
                cpu.pipeline(),
                cpu.pipeline() * 1000 / f.rate());
    }

    private static void line(String label, LatencySamples samples, double ceiling50, double ceiling99) {
        double p50 = samples.percentileMillis(0.50);
        double p99 = samples.percentileMillis(0.99);
        System.out.printf(
                Locale.ROOT,
                "  %-36s p50 %9.1f ms  p99 %9.1f ms  = %,.0f x and %,.0f x the ceiling's%n",
                label,
                p50,
                p99,
                p50 / ceiling50,
                p99 / ceiling99);
    }

    private static void summarize(List<Figures> results, String loadAtStart) {
        for (Figures f : results) {
            System.out.printf(
                    Locale.ROOT,
                    "SUMMARY %,.0f events/s: acknowledged p50/p99 %.1f/%.1f ms, searchable %.1f/%.1f ms,"
                            + " frame %.1f/%.1f ms, ceiling %.1f/%.1f ms%n",
                    f.rate(),
                    f.ack().percentileMillis(0.50),
                    f.ack().percentileMillis(0.99),
                    f.searchable().percentileMillis(0.50),
                    f.searchable().percentileMillis(0.99),
                    f.frame().percentileMillis(0.50),
                    f.frame().percentileMillis(0.99),
                    f.ceiling().percentileMillis(0.50),
                    f.ceiling().percentileMillis(0.99));
        }
        Figures atTarget = results.stream()
                .filter(f -> f.rate() == TARGET_RATE)
                .findFirst()
                .orElse(null);
        if (atTarget == null) {
            for (String target : List.of("searchable p99", "frame p99")) {
                System.out.printf(
                        Locale.ROOT,
                        "TARGET %s at %,.0f events/s: no phase at that rate ran (not offered, or an earlier rate"
                                + " overloaded the machine): MISS%n",
                        target,
                        TARGET_RATE);
            }
        } else {
            int expectedProbes = atTarget.complete() ? atTarget.probes() : Integer.MAX_VALUE; // overloaded: MISS
            int expectedFrames = atTarget.complete() ? atTarget.acknowledged() : Integer.MAX_VALUE;
            target("searchable p99", atTarget.searchable(), expectedProbes, TARGET_SEARCHABLE_P99_MILLIS);
            target("frame p99", atTarget.frame(), expectedFrames, TARGET_FRAME_P99_MILLIS);
        }
        System.out.println("load average: start " + loadAtStart + ", end " + WebhookBenchmark.loadAverage());
    }

    /** PASS only if the p99 is under the target and every sample arrived (a missing one could be the slowest). */
    private static void target(String label, LatencySamples samples, int expected, double targetMillis) {
        double p99 = samples.percentileMillis(0.99);
        boolean complete = samples.count() >= expected;
        System.out.printf(
                Locale.ROOT,
                "TARGET %s < %,.0f ms at %,.0f events/s: %.1f ms (%.2f of the target)%s: %s%n",
                label,
                targetMillis,
                TARGET_RATE,
                p99,
                p99 / targetMillis,
                complete
                        ? ""
                        : expected == Integer.MAX_VALUE
                                ? ", rate not carried"
                                : ", only " + samples.count() + " of " + expected + " arrived",
                p99 < targetMillis && complete ? "PASS" : "MISS");
    }
}
