package io.cxone.kafka.source.export.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.export.ExportSourceConfig;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A Data Extraction backfill of D days × E entities (one-day windows) against the simulator with its throttle scaled
 * down (one call per {@code interval}), the connector's {@code extraction.call.interval.ms} matched, for each
 * {@code tasks.max}. The throttle bounds the wall time from below: the protocol costs two throttled calls per window
 * (create the job, then one status poll that finds it SUCCEEDED: the simulator's jobs run for half an interval; the
 * download URL is not throttled), so {@code 2·D·E} calls, the first at once and each later one an interval after the
 * one before: floor = {@code (2·D·E − 1) × interval}. Prints the wall time (from the first Data Extraction call, and
 * from deploying the connector), the floor, their ratio, the calls made and the 429s the simulator answered (all, and
 * to calls after the first). Exactly-once is checked on the way (records and manifests committed).
 */
public final class BackfillBenchmark {

    /** Throttled Data Extraction calls per window: job create and one status poll. */
    static final int CALLS_PER_WINDOW = 2;

    public static void main(String[] args) {
        try {
            int days = args.length > 0 ? Integer.parseInt(args[0]) : 7;
            int entities = args.length > 1 ? Integer.parseInt(args[1]) : 3;
            List<Integer> rows = ints(args.length > 2 ? args[2] : "1000,20000");
            Duration interval = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 1000);
            List<Integer> tasks = ints(args.length > 4 ? args[4] : "1,4");
            int chunk = args.length > 5 ? Integer.parseInt(args[5]) : 5000;
            run(days, entities, rows, interval, tasks, chunk);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the embedded cluster's threads would keep the JVM alive
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(Integer::parseInt).toList();
    }

    private static void run(
            int days, int entities, List<Integer> rowsPerWindow, Duration interval, List<Integer> tasks, int chunk)
            throws Exception {
        if (days < 1 || entities < 1 || interval.toMillis() < 100) {
            throw new IllegalArgumentException("days and entities must be >= 1, the interval >= 100 ms");
        }
        Map<String, String> shipped = ExportBench.shippedSettings(true);
        EmbeddedConnectCluster connect = TestServices.connect(); // with the registry, started by shippedSettings
        List<String> summary = new ArrayList<>();
        for (int rows : rowsPerWindow) {
            try (SimulatorProcess sim = SimulatorProcess.startBackfill(
                    rows,
                    interval,
                    interval.dividedBy(2),
                    Path.of("benchmarks/target/backfill-simulator-" + rows + ".log"))) {
                if (rows == rowsPerWindow.get(0)) {
                    // Unmeasured: a cold JIT made the first measured run take twice as long as the same run after it.
                    Result warm = backfill(connect, shipped, sim, 2, entities, rows, interval, 1, chunk, "warmup-");
                    System.out.println("warm-up, not measured: " + warm.line());
                }
                for (int taskCount : tasks) {
                    Result result =
                            backfill(connect, shipped, sim, days, entities, rows, interval, taskCount, chunk, "");
                    System.out.println(result.line());
                    summary.add(result.line());
                }
            }
        }
        System.out.println();
        System.out.printf(
                "summary (%d days x %d entities, one-day windows, interval %d ms, chunk.size %d, exactly-once, Avro"
                        + " values; load average %.1f):%n",
                days,
                entities,
                interval.toMillis(),
                chunk,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        summary.forEach(System.out::println);
    }

    record Result(
            int tasks,
            int windows,
            int rowsPerWindow,
            Duration interval,
            long fromFirstCallMs,
            long fromDeployMs,
            long callsMade,
            long throttled,
            long throttledAfterFirst) {

        long callsNeeded() {
            return (long) CALLS_PER_WINDOW * windows;
        }

        long floorMs() {
            return (callsNeeded() - 1) * interval.toMillis();
        }

        String line() {
            return String.format(
                    "tasks.max=%d windows=%d rows/window=%,d: wall %.1f s from the first Data Extraction call (%.1f s"
                            + " from deploy); floor %.1f s (%d calls needed, (calls - 1) x %d ms); ratio floor/wall"
                            + " %.3f (from deploy %.3f); calls made %d; 429s %d, after the first call %d",
                    tasks,
                    windows,
                    rowsPerWindow,
                    fromFirstCallMs / 1e3,
                    fromDeployMs / 1e3,
                    floorMs() / 1e3,
                    callsNeeded(),
                    interval.toMillis(),
                    (double) floorMs() / fromFirstCallMs,
                    (double) floorMs() / fromDeployMs,
                    callsMade,
                    throttled,
                    throttledAfterFirst);
        }
    }

    private static Result backfill(
            EmbeddedConnectCluster connect,
            Map<String, String> shipped,
            SimulatorProcess sim,
            int days,
            int entities,
            int rows,
            Duration interval,
            int tasks,
            int chunk,
            String prefix)
            throws Exception {
        String topic = prefix + "backfill-" + rows + "-tasks-" + tasks;
        String manifests = topic + "-manifests";
        connect.kafka().createTopic(topic, 1);
        connect.kafka().createTopic(manifests, 1);
        Map<String, String> config = ExportBench.exactlyOnce(shipped, CxoneExportSourceConnector.class);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, Integer.toString(tasks));
        config.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
        sim.signIn(config);
        config.put(ExportSourceConfig.TOPIC, topic);
        config.put(ExportSourceConfig.MANIFEST_TOPIC, manifests);
        config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunk));
        config.put(
                ExportSourceConfig.ENTITIES,
                IntStream.rangeClosed(1, entities).mapToObj(i -> "entity-" + i).collect(Collectors.joining(",")));
        config.put(ExportSourceConfig.KEY_FIELD, "id");
        // D complete one-day windows: the last one ends today at midnight (no lag), so nothing more is due.
        config.put(
                ExportSourceConfig.START_DATE,
                LocalDate.now(ZoneOffset.UTC).minusDays(days).toString());
        config.put(ExportSourceConfig.WINDOW_DAYS, "1");
        config.put(ExportSourceConfig.LAG_MINUTES, "0");
        config.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, Long.toString(interval.toMillis()));
        config.put(ExportSourceConfig.CSV_COLUMN_TYPES, SimulatorProcess.csvColumnTypes());
        int windows = days * entities;
        sim.resetRequests();
        long deployed = System.currentTimeMillis();
        connect.configureConnector(topic, config);
        long done =
                awaitManifests(manifests, windows, Duration.ofMillis(interval.toMillis() * windows * 10L + 300_000));
        JsonNode throttle = sim.extractionThrottle();
        connect.deleteConnector(topic);
        long committed = ExportBench.readCommitted(topic, windows * rows).size();
        if (committed != (long) windows * rows) {
            throw new IllegalStateException(
                    topic + ": " + committed + " records committed, expected " + windows * rows);
        }
        long firstCall = throttle.path("firstAcceptedAtMs").asLong();
        return new Result(
                tasks,
                windows,
                rows,
                interval,
                done - firstCall,
                done - deployed,
                throttle.path("calls").asLong(),
                throttle.path("throttled").asLong(),
                throttle.path("throttledAfterFirst").asLong());
    }

    /** Epoch millis when a read_committed consumer has seen {@code windows} manifests: every window committed. */
    private static long awaitManifests(String topic, int windows, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            while (System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(50)).count();
                if (seen >= windows) {
                    return System.currentTimeMillis();
                }
            }
        }
        throw new IllegalStateException(seen + " of " + windows + " manifests committed in " + timeout);
    }
}
