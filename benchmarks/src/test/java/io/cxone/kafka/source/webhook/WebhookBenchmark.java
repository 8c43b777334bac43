package io.cxone.kafka.source.webhook;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.source.bench.CpuClock;
import io.cxone.kafka.source.bench.LatencySamples;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Benchmark (not a test): throughput and acknowledgement latency of the webhook connector deployed from
 * {@code connectors/cxone-webhook-source.json} (only the listener port, the registry URL and the topic point at the
 * in-process services). {@code clients} concurrent HTTP/1.1 connections each keep one request in flight for the
 * given seconds: first one Avro event per request ({@code application/avro}), then Avro container files of
 * {@code batch} events ({@code avro/binary}). Latency is per request, from send to the 200 that the connector writes
 * only after Kafka acknowledged every event of it. Prints events/s and p50/p99 with their ratios to the targets
 * (20,000 events/s; p99 50 ms), and the server side split of the latency (queue wait; worker send and commit).
 * <p>
 * Those phases are closed loops: a client sends its next request only once the previous one is answered, so with
 * one event per request the rate they reach is clients / latency (Little's law) and says little about the connector.
 * The last phase is an open loop, the way CXone's dispatcher sends events as they happen: one event per request,
 * {@code clients} callers each on a fixed schedule (together {@code offered} requests/s, the target by default),
 * a request leaving at its scheduled time whether or not earlier ones were answered (several in flight per caller
 * over {@code connections} keep-alive connections of {@link OpenLoopGenerator}, one request in flight on each; beyond
 * them requests wait, in order, in the generator). Latency is measured from each request's scheduled send time, not
 * from when it actually left, so a stalled server or a late load generator shows in the latency instead of hiding it
 * (no coordinated omission); how late the generator sent is printed too.
 * <p>
 * Before the measured phases, unmeasured rounds of all of them until the JIT compilers settle (see warmUp). Each
 * measured phase prints the CPU it cost per request by thread group, the load generator's apart from the server's.
 * <p>
 * Mode {@code eos}: the JSON as it is, on a worker with {@code exactly.once.source.support=enabled} (as ./stack
 * runs it). Mode {@code at-least-once}: the same JSON without {@code exactly.once.support} and
 * {@code transaction.boundary} and with {@code poll.linger.ms=0}, on a worker with exactly-once source support disabled.
 * <pre>benchmarks/bin/webhook-throughput [seconds] [batch] [clients] [modes] [offered] [connections]</pre>
 * {@code BENCH_JAVA_OPTS="-Dbench.connector.poll.linger.ms=0"} changes a setting of the JSON for one run;
 * {@code -Dbench.open-loop-only=true} skips the closed-loop phases (not their warm-ups). Results: docs/benchmarks.md.
 */
public final class WebhookBenchmark {

    static final double TARGET_EVENTS_PER_SECOND = 20_000;
    static final double TARGET_P99_MILLIS = 50;
    private static final String CONNECTOR_JSON = "../connectors/cxone-webhook-source.json";
    /** {@code -Dbench.connector.<key>=<value>} changes one setting of the JSON, for experiments; printed in the output. */
    private static final String OVERRIDE = "bench.connector.";
    /** {@code -Dbench.open-loop-only=true} runs the warm-ups and the open-loop phase only, for experiments with it. */
    private static final boolean OPEN_LOOP_ONLY = Boolean.getBoolean("bench.open-loop-only");
    /** The load generator's threads, grouped in the CPU figures so its cost shows apart from the server's. */
    private static final Map<String, String> LOAD_GENERATOR = Map.of(
            "bench-generator", "load generator (open loop, one selector thread)",
            "bench-", "load generator (closed loops, Jetty HttpClient)",
            "HttpClient@", "load generator (closed loops, Jetty HttpClient)");

    private WebhookBenchmark() {}

    public static void main(String[] args) {
        try {
            benchmark(args);
        } catch (Throwable e) {
            e.printStackTrace(); // then exit: the embedded cluster's threads would keep the JVM (and the script)
            // waiting
            System.exit(1);
        }
        System.exit(0);
    }

    private static void benchmark(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        String mode = args.length > 3 ? args[3] : "eos";
        // The paced phase's offered rate: the target by default; above it to show the target is carried with headroom.
        double offered = args.length > 4 ? Double.parseDouble(args[4]) : TARGET_EVENTS_PER_SECOND;
        // The open-loop phase's connections in all: more than offered rate x latency requests in flight.
        int connections = args.length > 5 ? Integer.parseInt(args[5]) : 1024;
        boolean eos =
                switch (mode) {
                    case "eos" -> true;
                    case "at-least-once" -> false;
                    default -> throw new IllegalArgumentException("mode must be eos or at-least-once, not " + mode);
                };
        TestServices.startRegistry();
        EmbeddedConnectCluster connect = eos ? TestServices.connect() : atLeastOnceCluster();
        Map<String, String> config = deployedConfig();
        if (!eos) {
            config.remove(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG);
            config.remove(SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG);
            config.put(WebhookConfig.POLL_LINGER_MS, "0"); // it gathers requests into fewer transactions; none here
        }
        int port = Ports.freePort();
        String name = "wh-bench";
        config.put(WebhookConfig.PORT, Integer.toString(port));
        config.put(WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS, connect.kafka().bootstrapServers());
        config.put(WebhookConfig.TOPIC, "bench-webhook-events");
        config.put(
                "value.converter.apicurio.registry.url", TestServices.registry().apicurioApiUrl());
        Map<String, String> overrides = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(OVERRIDE))
                .forEach(k -> overrides.put(k.substring(OVERRIDE.length()), System.getProperty(k)));
        config.putAll(overrides);
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "webhook connector did not start");
        String url = "http://127.0.0.1:" + port + config.get(WebhookConfig.PATH);

        HttpClient http = httpClient(clients, clients * 2);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.newRequest(url).method(HttpMethod.GET).send().getStatus() == 405);

        System.out.printf(
                "webhook benchmark (%s): %s%s, worker exactly.once.source.support=%s, %d clients, %d s per phase; load %s%n",
                mode,
                CONNECTOR_JSON
                        + (eos ? "" : " without exactly.once.support and transaction.boundary, poll.linger.ms=0"),
                overrides.isEmpty() ? "" : " with " + overrides,
                eos ? "enabled" : "disabled",
                clients,
                seconds,
                loadAverage());
        ServerSide server = new ServerSide(name);
        OpenLoopGenerator generator = new OpenLoopGenerator(url, connections);
        warmUp(http, generator, url, clients, batch, offered, Math.min(5, seconds));
        Result single = null;
        Result batched = null;
        Result paced = null;
        if (!OPEN_LOOP_ONLY) {
            single = run("one event per request (application/avro)", http, url, clients, seconds, 1, 0, server);
            // With exactly-once every answer waits for its transaction's commit, and a closed-loop caller sends again
            // only after it: Little's law caps what these callers can send, whatever the connector could take.
            System.out.printf(
                    "one event per request, closed loop: %d callers at mean %.1f ms can send at most %.0f requests/s"
                            + " (callers / mean latency, Little's law)%n",
                    clients, single.meanMillis, clients * 1000 / single.meanMillis);
            batched = run(
                    "container files of " + batch + " events (avro/binary)",
                    http,
                    url,
                    clients,
                    seconds,
                    batch,
                    0,
                    server);
            // Closed-loop clients queue behind themselves: with C requests in flight, latency = C / request rate
            // (Little's law), so at saturation p99 mostly says how many requests are in flight. Here each client sends
            // on a fixed schedule adding up to the target rate (still never more than one request in flight), which
            // shows the latency a caller sees when the connector carries the target load.
            long pacing = TimeUnit.SECONDS.toNanos(1) * clients * batch / (long) offered;
            paced = run(
                    "container files of " + batch + " events, offered at " + (long) offered + " events/s in total",
                    http,
                    url,
                    clients,
                    seconds,
                    batch,
                    pacing,
                    server);
        }
        Result open = openLoop(
                "one event per request, open loop at " + (long) offered + " requests/s offered by " + clients
                        + " callers",
                generator,
                clients,
                seconds,
                offered,
                server);
        if (!OPEN_LOOP_ONLY) {
            System.out.printf(
                    "SUMMARY %s: single %.0f events/s (%.2f of target), p99 %.1f ms (%.2f of target) | batched %.0f events/s"
                            + " (%.2f), p99 %.1f ms (%.2f); load %s%n",
                    mode,
                    single.eventsPerSecond,
                    single.eventsPerSecond / TARGET_EVENTS_PER_SECOND,
                    single.p99Millis,
                    TARGET_P99_MILLIS / single.p99Millis,
                    batched.eventsPerSecond,
                    batched.eventsPerSecond / TARGET_EVENTS_PER_SECOND,
                    batched.p99Millis,
                    TARGET_P99_MILLIS / batched.p99Millis,
                    loadAverage());
            System.out.printf(
                    "SUMMARY %s: at %.0f events/s offered (%d-event containers): %.0f events/s (%.2f of target),"
                            + " p99 %.1f ms (%.2f of target)%n",
                    mode,
                    offered,
                    batch,
                    paced.eventsPerSecond,
                    paced.eventsPerSecond / TARGET_EVENTS_PER_SECOND,
                    paced.p99Millis,
                    TARGET_P99_MILLIS / paced.p99Millis);
        }
        System.out.printf(
                "SUMMARY %s: open loop, one event per request, %.0f requests/s offered: %.0f events/s (%.2f of target),"
                        + " p50 %.1f ms, p99 %.1f ms from the scheduled send (%.2f of target); load %s%n",
                mode,
                offered,
                open.eventsPerSecond,
                open.eventsPerSecond / TARGET_EVENTS_PER_SECOND,
                open.p50Millis,
                open.p99Millis,
                TARGET_P99_MILLIS / open.p99Millis,
                loadAverage());
        generator.close();
        http.stop();
    }

    /**
     * Unmeasured rounds of every phase (closed loop with one event per request, closed loop with containers, open
     * loop) until the JIT compilers used under 10% of this JVM's CPU in a round, for at most
     * {@code -Dbench.warmup.seconds} (300 by default). A deployed listener runs for days; after a short warm-up the
     * C2 compiler would still be busy during the measured phases: broker and worker code that runs once per
     * transaction (tens of times a second) takes minutes to reach the C2 thresholds.
     */
    private static void warmUp(
            HttpClient http,
            OpenLoopGenerator generator,
            String url,
            int clients,
            int batch,
            double offered,
            int seconds)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("bench.warmup.seconds", 300));
        for (int round = 1; System.nanoTime() < end; round++) {
            CpuClock cpu = new CpuClock(LOAD_GENERATOR);
            run("warm-up", http, url, clients, seconds, 1, 0, null);
            run("warm-up", http, url, clients, seconds, batch, 0, null);
            openLoop("warm-up", generator, clients, seconds, offered, null);
            double jitShare = cpu.jitSeconds() / cpu.processSeconds();
            System.out.printf("warm-up round %d: JIT compilers %.0f%% of this JVM's CPU%n", round, jitShare * 100);
            if (jitShare < 0.10) {
                return;
            }
        }
    }

    private static HttpClient httpClient(int maxConnections, int maxQueued) throws Exception {
        QueuedThreadPool clientThreads = new QueuedThreadPool(8, 2);
        clientThreads.setName("bench-client");
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(1));
        http.setExecutor(clientThreads);
        http.setMaxConnectionsPerDestination(maxConnections);
        http.setMaxRequestsQueuedPerDestination(maxQueued);
        http.setIdleTimeout(120_000);
        http.start();
        return http;
    }

    /** connectors/cxone-webhook-source.json's config, exactly as ./stack deploys it. */
    static Map<String, String> deployedConfig() throws IOException {
        return shippedConfig(CONNECTOR_JSON);
    }

    /** The "config" of a connector JSON as ./stack deploys it (path relative to the benchmarks module). */
    static Map<String, String> shippedConfig(String connectorJson) throws IOException {
        JsonNode spec = WebhookTestSupport.JSON.readTree(Files.readString(Path.of(connectorJson)));
        Map<String, String> config = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        return config;
    }

    /** Like TestServices.connect(), with exactly-once source support off. */
    private static EmbeddedConnectCluster atLeastOnceCluster() {
        Map<String, String> worker = new HashMap<>();
        worker.put("exactly.once.source.support", "disabled");
        worker.put("offset.flush.interval.ms", "5000");
        worker.put("plugin.discovery", "service_load");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("auto.create.topics.enable", "true");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("cxone-bench-alo")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(worker)
                .brokerProps(broker)
                .build();
        cluster.start();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        return cluster;
    }

    record Result(double eventsPerSecond, double meanMillis, double p50Millis, double p99Millis) {}

    /** One phase: every client keeps exactly one request in flight until the time is up. */
    private static Result run(
            String label,
            HttpClient http,
            String url,
            int clients,
            int seconds,
            int batch,
            long pacingNanos,
            ServerSide server)
            throws Exception {
        long[] before = server == null ? null : server.read();
        CpuClock cpuClock = new CpuClock(LOAD_GENERATOR);
        long[] gcBefore = gc();
        AtomicLong events = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong firstFailure = new AtomicLong(-1);
        Client[] all = new Client[clients];
        CountDownLatch done = new CountDownLatch(clients);
        long started = System.nanoTime();
        long end = started + TimeUnit.SECONDS.toNanos(seconds);
        for (int c = 0; c < clients; c++) {
            all[c] = new Client(
                    batch,
                    http,
                    url,
                    end,
                    events,
                    failures,
                    firstFailure,
                    done,
                    pacingNanos,
                    started + pacingNanos * c / clients);
            all[c].next();
        }
        if (!done.await(seconds + 120L, TimeUnit.SECONDS)) {
            throw new IllegalStateException(label + ": requests still unanswered 120 s after the end");
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double cpu = cpuClock.processSeconds();
        long[] gcAfter = gc();
        long[] latencies = Arrays.stream(all)
                .flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count))
                .sorted()
                .toArray();
        double mean = Arrays.stream(latencies).average().orElse(Double.NaN) / 1000.0;
        double p50 = percentile(latencies, 0.50) / 1000.0;
        double p99 = percentile(latencies, 0.99) / 1000.0;
        double rate = events.get() / elapsed;
        System.out.printf(
                "%s: %.1f s, %d events acknowledged = %.0f events/s (%.2f of %,.0f), %d requests, %d not 200%s;"
                        + " ack latency p50 %.1f ms, p99 %.1f ms (target %.0f ms / p99 = %.2f), max %.1f ms; JVM cpu %.2f cores,"
                        + " %d GCs %d ms; load %s%n",
                label,
                elapsed,
                events.get(),
                rate,
                rate / TARGET_EVENTS_PER_SECOND,
                TARGET_EVENTS_PER_SECOND,
                latencies.length,
                failures.get(),
                firstFailure.get() < 0 ? "" : " (first: " + firstFailure.get() + ")",
                p50,
                p99,
                TARGET_P99_MILLIS,
                TARGET_P99_MILLIS / p99,
                percentile(latencies, 1.0) / 1000.0,
                cpu / elapsed,
                gcAfter[0] - gcBefore[0],
                gcAfter[1] - gcBefore[1],
                loadAverage());
        if (server != null) {
            server.print(before, server.read(), latencies.length);
            cpuClock.printPerRequest(label, latencies.length + failures.get(), events.get());
        }
        return new Result(rate, mean, p50, p99);
    }

    /**
     * The open-loop phase: request k (one event, from caller k mod clients) is due at start + k / offered seconds;
     * the generator sends each at its due time whatever is still unanswered, and its latency counts from that due
     * time. A generator that falls behind (a busy machine) makes latencies larger, never smaller.
     */
    private static Result openLoop(
            String label, OpenLoopGenerator generator, int clients, int seconds, double offered, ServerSide server)
            throws Exception {
        long[] before = server == null ? null : server.read();
        CpuClock cpuClock = new CpuClock(LOAD_GENERATOR);
        long[] gcBefore = gc();
        int planned = (int) Math.round(seconds * offered);
        Bodies bodies = new Bodies(); // used by the generator's thread only
        long run = Client.REQUESTS.getAndAdd(planned); // event ids unique across phases
        OpenLoopGenerator.Phase phase =
                generator.start(planned, offered, k -> bodies.datum("bench-" + (run + k) + "-caller-" + (k % clients)));
        phase.await(Duration.ofSeconds(seconds + 120L));
        long[] latencies = phase.latencies;
        long[] lateness = phase.lateness;
        long started = phase.started;
        double elapsed = (phase.lastAnswer - started) / 1e9;
        double cpu = cpuClock.processSeconds();
        long[] gcAfter = gc();
        long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        long[] late = Arrays.stream(lateness).sorted().toArray();
        double p50 = percentile(ok, 0.50) / 1000.0;
        double p99 = percentile(ok, 0.99) / 1000.0;
        double rate = ok.length / elapsed;
        double mean = Arrays.stream(ok).average().orElse(Double.NaN) / 1000.0;
        System.out.printf(
                "%s: %.1f s, %d of %d events acknowledged = %.0f events/s (%.2f of %,.0f), %d not 200%s;"
                        + " latency from the scheduled send p50 %.1f ms, p99 %.1f ms (target %.0f ms / p99 = %.2f), max %.1f ms;"
                        + " generator late p50 %.2f ms, p99 %.2f ms, max %.1f ms; at most %d requests unanswered;"
                        + " JVM cpu %.2f cores, %d GCs %d ms; load %s%n",
                label,
                elapsed,
                ok.length,
                planned,
                rate,
                rate / TARGET_EVENTS_PER_SECOND,
                TARGET_EVENTS_PER_SECOND,
                phase.failures,
                phase.firstFailure < 0 ? "" : " (first: " + phase.firstFailure + ")",
                p50,
                p99,
                TARGET_P99_MILLIS,
                TARGET_P99_MILLIS / p99,
                percentile(ok, 1.0) / 1000.0,
                percentile(late, 0.50) / 1000.0,
                percentile(late, 0.99) / 1000.0,
                percentile(late, 1.0) / 1000.0,
                phase.maxUnanswered,
                cpu / elapsed,
                gcAfter[0] - gcBefore[0],
                gcAfter[1] - gcBefore[1],
                loadAverage());
        if (server != null) {
            server.print(before, server.read(), planned);
            double micros = cpuClock.printPerRequest(label, planned, planned);
            // Everything in this JVM (listener, worker, broker, load generator) shares the machine's cores, so one
            // event per request cannot go faster than the cores divided by what a request costs them all.
            int cores = Runtime.getRuntime().availableProcessors();
            double ceiling = cores * 1e6 / micros;
            System.out.printf(
                    "  cpu ceiling: %d cores / %.1f µs per request = %.0f requests/s with every core busy"
                            + " (%.2f of the %,.0f target)%n",
                    cores, micros, ceiling, ceiling / TARGET_EVENTS_PER_SECOND, TARGET_EVENTS_PER_SECOND);
        }
        return new Result(rate, mean, p50, p99);
    }

    /** One caller: posts, waits for the answer, posts again; unique event ids so dedupe never short-cuts Kafka. */
    private static final class Client {
        private static final AtomicLong REQUESTS = new AtomicLong();
        private static final ScheduledExecutorService PACER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-pacer");
            t.setDaemon(true);
            return t;
        });
        private final long pacingNanos;
        private long due;
        private final int batch;
        private final HttpClient http;
        private final String url;
        private final long end;
        private final AtomicLong events;
        private final AtomicLong failures;
        private final AtomicLong firstFailure;
        private final CountDownLatch done;
        private final Bodies bodies;
        long[] latencies = new long[4096];
        int count;

        Client(
                int batch,
                HttpClient http,
                String url,
                long end,
                AtomicLong events,
                AtomicLong failures,
                AtomicLong firstFailure,
                CountDownLatch done,
                long pacingNanos,
                long firstSend) {
            this.pacingNanos = pacingNanos;
            this.due = firstSend;
            this.batch = batch;
            this.http = http;
            this.url = url;
            this.end = end;
            this.events = events;
            this.failures = failures;
            this.firstFailure = firstFailure;
            this.done = done;
            this.bodies = new Bodies();
        }

        synchronized void next() {
            long now = System.nanoTime();
            if (now >= end) {
                done.countDown();
                return;
            }
            if (pacingNanos > 0) {
                if (due > now) {
                    PACER.schedule(this::send, due - now, TimeUnit.NANOSECONDS);
                    due += pacingNanos;
                    return;
                }
                due += pacingNanos; // late: send at once, later sends keep to the schedule
            }
            send();
        }

        private synchronized void send() {
            String prefix = "bench-" + REQUESTS.getAndIncrement() + "-"; // unique across phases too
            byte[] body = batch == 1 ? bodies.datum(prefix) : bodies.container(prefix, batch);
            String type = batch == 1 ? "application/avro" : "avro/binary";
            long t0 = System.nanoTime();
            http.newRequest(url)
                    .method(HttpMethod.POST)
                    .body(new BytesRequestContent(type, body))
                    .timeout(90, TimeUnit.SECONDS)
                    .send(result -> {
                        long micros = (System.nanoTime() - t0) / 1000;
                        if (result.isSucceeded() && result.getResponse().getStatus() == 200) {
                            events.addAndGet(batch);
                            record(micros);
                        } else {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(
                                    -1,
                                    result.isSucceeded() ? result.getResponse().getStatus() : 0);
                        }
                        next();
                    });
        }

        private synchronized void record(long micros) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = micros;
        }
    }

    /**
     * Request bodies built cheaply so the load generator leaves the cores to the server: one reused datum writer,
     * and container files assembled from a header written once plus one uncompressed block. One instance per thread.
     */
    static final class Bodies {
        private static final Schema SCHEMA = WebhookTestSupport.EVENT_SCHEMA;
        private static final byte[] HEADER = emptyContainer();
        private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA);
        private final GenericRecord event = WebhookTestSupport.event("x", "BENCH");
        private final ByteArrayOutputStream events = new ByteArrayOutputStream();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private BinaryEncoder encoder;

        byte[] datum(String eventId) {
            events.reset();
            append(eventId);
            return events.toByteArray();
        }

        /** One event whose CXone event time ({@code timestamp}, epoch milliseconds) is the given one. */
        byte[] datum(String eventId, long eventTimeMillis) {
            event.put("timestamp", eventTimeMillis);
            return datum(eventId);
        }

        byte[] container(String prefix, int count) {
            events.reset();
            for (int i = 0; i < count; i++) {
                append(prefix + i);
            }
            try {
                out.reset();
                out.write(HEADER);
                encoder = EncoderFactory.get().binaryEncoder(out, encoder);
                encoder.writeLong(count);
                encoder.writeLong(events.size());
                encoder.flush();
                events.writeTo(out);
                out.write(
                        HEADER,
                        HEADER.length - DataFileConstants.SYNC_SIZE,
                        DataFileConstants.SYNC_SIZE); // the header ends with its sync marker
                return out.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void append(String eventId) {
            event.put("event_id", eventId);
            encoder = EncoderFactory.get().binaryEncoder(events, encoder);
            try {
                writer.write(event, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] emptyContainer() {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            try (DataFileWriter<GenericRecord> file =
                    new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(SCHEMA))) {
                file.create(SCHEMA, header);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return header.toByteArray();
        }
    }

    /** The connector's own counters, the worker's transaction sizes and its producer's commit time, over JMX. */
    private static final class ServerSide {
        private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        private final ObjectName plugin;
        private final ObjectName producer;

        ServerSide(String connector) throws Exception {
            plugin = new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0");
            producer = new ObjectName(
                    "kafka.producer:type=producer-metrics,client-id=connector-producer-" + connector + "-0");
        }

        long[] read() {
            return new long[] {
                number(plugin, "polls-total"),
                number(plugin, "polled-events-total"),
                number(plugin, "queue-wait-time-us-total"),
                number(plugin, "kafka-time-us-total"),
                number(producer, "txn-commit-time-ns-total"),
                number(producer, "flush-time-ns-total")
            };
        }

        void print(long[] a, long[] b, long requests) {
            long polls = b[0] - a[0];
            long polled = b[1] - a[1];
            if (polls <= 0 || requests == 0) {
                System.out.println("  server: no poll() counters found over JMX");
                return;
            }
            double perPoll = (double) polled / polls;
            System.out.printf(
                    "  server: %d polls, %.1f events per poll (= per transaction with exactly-once);"
                            + " per request avg queue wait %.2f ms, worker send+commit until ack %.2f ms"
                            + " (per request sums: queue %d ms, kafka %d ms); producer commitTransaction %.2f ms avg per poll, flush %.2f ms%n",
                    polls,
                    perPoll,
                    (b[2] - a[2]) / 1000.0 / requests,
                    (b[3] - a[3]) / 1000.0 / requests,
                    (b[2] - a[2]) / 1000,
                    (b[3] - a[3]) / 1000,
                    (b[4] - a[4]) / 1e6 / polls,
                    (b[5] - a[5]) / 1e6 / polls);
        }

        private long number(ObjectName name, String attribute) {
            try {
                Set<ObjectName> names = jmx.queryNames(name, null);
                if (names.isEmpty()) {
                    return 0;
                }
                Object value = jmx.getAttribute(names.iterator().next(), attribute);
                return value instanceof Number n ? n.longValue() : 0;
            } catch (Exception e) {
                return 0;
            }
        }
    }

    /** Collections and milliseconds spent in them so far, over all collectors. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    static String loadAverage() {
        return String.format(
                "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double percentile(long[] sorted, double p) {
        return LatencySamples.percentile(sorted, p);
    }
}
