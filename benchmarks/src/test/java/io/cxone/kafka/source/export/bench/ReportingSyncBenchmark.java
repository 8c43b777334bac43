package io.cxone.kafka.source.export.bench;

import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.source.bench.CpuClock;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.export.ExportSourceConfig;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Benchmark (not a test): the initial sync of N completed contacts (default 1,000,000) from the simulated Reporting
 * API ({@code cxone.api=reporting}, {@code contacts/completed}) through the export connector with exactly-once on
 * (one transaction per chunk), then the Data Extraction reader ({@code cxone.api=data-extraction}) on the same number
 * of rows with the same columns, in the same run. Each is timed from its task running until every chunk's transaction
 * is committed, and compared with the raw-producer ceiling of {@link ExportThroughputBenchmark} (the same records
 * sent by a plain idempotent KafkaProducer to the same broker; a transactional run printed apart). Prints rows/s, the
 * ratio to the ceiling, CPU ms per 1,000 rows, and the ratio of CPU per row Reporting API / Data Extraction.
 *
 * <p>The simulator runs in a JVM of its own ({@link SimulatorProcess}): this JVM's CPU is the broker's and the
 * Connect worker's (per-thread figures tell the connector's own threads apart), the simulator's is printed
 * separately. Its Reporting API clock stands still at the start, so the backlog is exactly N contacts; the check after
 * each sync reads the topic with read_committed and prints the count, the distinct contact ids and the duplicates.
 * <pre>benchmarks/bin/reporting-sync [rows] [chunk.size,...]</pre>
 * Results: docs/benchmarks.md.
 */
public final class ReportingSyncBenchmark {

    private static final String REPORTING = "reporting";
    private static final String DATA_EXTRACTION = "data-extraction";
    private static final String CONNECTOR = "connector: ";
    /** The threads of the export task: this JVM's other threads are the broker's and the worker's own. */
    private static final Map<String, String> CONNECTOR_THREADS = Map.of(
            "task-thread-", CONNECTOR + "task thread (convert, send)",
            "cxone-export-reader", CONNECTOR + "reader (HTTP, parse, hash, Structs)",
            "cxone-export-http", CONNECTOR + "HTTP client",
            "HttpClient-", CONNECTOR + "HTTP client",
            "kafka-producer-network-thread | connector-producer", CONNECTOR + "producer network thread");

    public static void main(String[] args) {
        try {
            int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
            List<Integer> chunks = args.length > 1
                    ? Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList()
                    : List.of(1_000, 10_000);
            run(rows, chunks);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the embedded cluster's threads would keep the JVM alive
    }

    private static void run(int rows, List<Integer> chunks) throws Exception {
        Map<String, String> shipped = ExportBench.shippedSettings(true);
        System.out.println("connector settings from " + ExportBench.SHIPPED_CONFIG + ": " + shipped);
        Map<String, Object> tuned = ExportBench.producerSettings(shipped);
        EmbeddedConnectCluster connect = TestServices.connect(); // with the registry, started by shippedSettings
        Path logs = Path.of("benchmarks/target");
        long nowMs = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        int warmupRows = Math.max(chunks.get(0), rows / 5);
        try (Admin admin = Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers()));
                SimulatorProcess warm =
                        SimulatorProcess.start(warmupRows, nowMs, logs.resolve("reporting-sync-warmup-simulator.log"));
                SimulatorProcess sim =
                        SimulatorProcess.start(rows, nowMs, logs.resolve("reporting-sync-simulator.log"))) {
            Bench bench = new Bench(connect, admin, shipped, tuned, nowMs);
            warmUp(bench, warm, warmupRows, chunks.get(0));
            List<String> summary = new ArrayList<>();
            for (int chunk : chunks) {
                Result reporting = bench.measure(sim, REPORTING, rows, chunk);
                Result extraction = bench.measure(sim, DATA_EXTRACTION, rows, chunk);
                summary.add(reporting.line());
                summary.add(extraction.line());
                summary.add(String.format(
                        "chunk.size=%d: CPU per row reporting / data-extraction: this JVM %.2f (without JIT %.2f),"
                                + " connector threads %.2f; rows/s reporting / data-extraction %.2f",
                        chunk,
                        reporting.jvmMsPer1k() / extraction.jvmMsPer1k(),
                        reporting.jvmWithoutJitMsPer1k() / extraction.jvmWithoutJitMsPer1k(),
                        reporting.connectorMsPer1k() / extraction.connectorMsPer1k(),
                        reporting.rate() / extraction.rate()));
            }
            System.out.println();
            System.out.printf(
                    "summary (%d rows, exactly-once, Avro values; load average %.1f):%n",
                    rows, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            summary.forEach(System.out::println);
        }
    }

    /**
     * Unmeasured rounds of both flavours and the raw producer on a fifth of the rows, until the JIT compilers used
     * under 10% of this JVM's CPU in a round, for at most {@code bench.warmup.seconds} (120): as in
     * {@link ExportThroughputBenchmark}, a deployed worker runs for days.
     */
    private static void warmUp(Bench bench, SimulatorProcess warm, int warmupRows, int chunk) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("bench.warmup.seconds", 120));
        for (int round = 1; System.nanoTime() < end; round++) {
            CpuClock cpu = new CpuClock();
            String topic = "warmup-" + round;
            List<ConsumerRecord<byte[], byte[]>> written = bench.sync(
                            warm, REPORTING, warmupRows, chunk, topic + "-" + REPORTING, () -> {}, () -> {})
                    .written();
            bench.sync(warm, DATA_EXTRACTION, warmupRows, chunk, topic + "-" + DATA_EXTRACTION, () -> {}, () -> {});
            ExportBench.rawProducer(bench.connect, topic + "-raw", written, bench.tuned, 0, () -> {});
            double jitShare = cpu.jitSeconds() / cpu.processSeconds();
            System.out.printf("warm-up round %d: JIT compilers %.0f%% of this JVM's CPU%n", round, jitShare * 100);
            if (jitShare < 0.10) {
                break;
            }
        }
    }

    /** The figures of one timed sync. */
    record Result(
            String api,
            int chunk,
            int rows,
            double seconds,
            double jvmCpu,
            double jitCpu,
            double connectorCpu,
            double simulatorCpu,
            ExportBench.Ceiling ceiling) {
        double rate() {
            return rows / seconds;
        }

        double jvmMsPer1k() {
            return jvmCpu * 1e6 / rows;
        }

        /** Without the JIT compilers, which had not entirely settled and favour whichever phase runs later. */
        double jvmWithoutJitMsPer1k() {
            return (jvmCpu - jitCpu) * 1e6 / rows;
        }

        double connectorMsPer1k() {
            return connectorCpu * 1e6 / rows;
        }

        String line() {
            return String.format(
                    "%-15s chunk.size=%-5d %,9.0f rows/s (%.1f s); raw ceiling %,9.0f rows/s → ratio %.2f"
                            + " (transactional raw %,9.0f rows/s → %.2f); CPU ms per 1k rows: this JVM %.1f"
                            + " (%.1f without JIT; raw phase %.1f), connector threads %.1f, simulator process %.1f",
                    api,
                    chunk,
                    rate(),
                    seconds,
                    rows / ceiling.seconds(),
                    ceiling.seconds() / seconds,
                    rows / ceiling.transactionalSeconds(),
                    ceiling.transactionalSeconds() / seconds,
                    jvmMsPer1k(),
                    jvmWithoutJitMsPer1k(),
                    ceiling.tunedCpuSeconds() * 1e6 / rows,
                    connectorMsPer1k(),
                    simulatorCpu * 1e6 / rows);
        }
    }

    record Synced(double seconds, List<ConsumerRecord<byte[], byte[]>> written) {}

    private static final class Bench {
        private final EmbeddedConnectCluster connect;
        private final Admin admin;
        private final Map<String, String> shipped;
        private final Map<String, Object> tuned;
        private final long nowMs;

        Bench(
                EmbeddedConnectCluster connect,
                Admin admin,
                Map<String, String> shipped,
                Map<String, Object> tuned,
                long nowMs) {
            this.connect = connect;
            this.admin = admin;
            this.shipped = shipped;
            this.tuned = tuned;
            this.nowMs = nowMs;
        }

        /** One timed sync of {@code api}, its exactly-once check, and the raw ceiling on the records it wrote. */
        Result measure(SimulatorProcess sim, String api, int rows, int chunk) throws Exception {
            String topic = "sync-" + api + "-" + chunk;
            CpuClock[] cpu = new CpuClock[1];
            double[] simulatorAtStart = new double[1];
            double[] atCommit = new double[4];
            Synced synced = sync(
                    sim,
                    api,
                    rows,
                    chunk,
                    topic,
                    () -> {
                        cpu[0] = new CpuClock(CONNECTOR_THREADS);
                        simulatorAtStart[0] = sim.cpuSeconds();
                    },
                    () -> {
                        // read before the connector is deleted: its threads' CPU time is gone once they exit
                        atCommit[0] = cpu[0].processSeconds();
                        atCommit[1] = cpu[0].byGroup().entrySet().stream()
                                        .filter(e -> e.getKey().startsWith(CONNECTOR))
                                        .mapToLong(Map.Entry::getValue)
                                        .sum()
                                / 1e9;
                        atCommit[2] = sim.cpuSeconds() - simulatorAtStart[0];
                        atCommit[3] = cpu[0].jitSeconds();
                        cpu[0].print(api + " sync, chunk.size=" + chunk + " (this JVM: broker and worker)", rows);
                    });
            double seconds = synced.seconds();
            List<ConsumerRecord<byte[], byte[]>> written = synced.written();
            System.out.printf(
                    "%s: %d rows in %.1f s = %.0f rows/s; average record: key %.0f B, value %.0f B, %d headers%n",
                    api,
                    rows,
                    seconds,
                    rows / seconds,
                    written.stream().mapToInt(r -> r.key().length).average().orElse(0),
                    written.stream().mapToInt(r -> r.value().length).average().orElse(0),
                    written.get(0).headers().toArray().length);
            ExportBench.Ceiling ceiling = ExportBench.ceiling(connect, topic, written, tuned, chunk);
            Result result =
                    new Result(api, chunk, rows, seconds, atCommit[0], atCommit[3], atCommit[1], atCommit[2], ceiling);
            System.out.println(result.line());
            return result;
        }

        /**
         * Exports {@code rows} rows of {@code api} to {@code topic}, timed from the task running to the last chunk
         * committed; with what a read_committed consumer then reads, after checking that every row is there exactly
         * once.
         */
        Synced sync(
                SimulatorProcess sim,
                String api,
                int rows,
                int chunk,
                String topic,
                Runnable atStart,
                Runnable atCommit)
                throws Exception {
            Map<String, String> config = ExportBench.exactlyOnce(shipped, CxoneExportSourceConnector.class);
            config.put(ExportSourceConfig.API_FLAVOUR, api);
            sim.signIn(config);
            config.put(ExportSourceConfig.TOPIC, topic);
            config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunk));
            config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");
            if (api.equals(REPORTING)) {
                // The first pass reads every contact dated from this day on: the whole backlog, in one date range.
                config.put(ExportSourceConfig.ENTITIES, ReportingEntity.CONTACTS_COMPLETED.path());
                config.put(
                        ExportSourceConfig.START_DATE,
                        SimulatorProcess.historyStart(rows, nowMs).toString());
            } else {
                // One window, yesterday, exported at once: a file of `rows` rows.
                config.put(ExportSourceConfig.ENTITIES, "contacts-completed");
                config.put(ExportSourceConfig.KEY_FIELD, "id");
                config.put(
                        ExportSourceConfig.START_DATE,
                        LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
                config.put(ExportSourceConfig.WINDOW_DAYS, "1");
                config.put(ExportSourceConfig.LAG_MINUTES, "0");
                config.put(ExportSourceConfig.CSV_COLUMN_TYPES, SimulatorProcess.csvColumnTypes());
            }
            // Every chunk is one transaction, so the partition ends with one commit marker per chunk.
            double seconds = ExportBench.export(
                    connect, admin, config, topic, rows, (rows + chunk - 1) / chunk, atStart, atCommit);
            List<ConsumerRecord<byte[], byte[]>> written = ExportBench.readCommitted(topic, rows);
            check(api, rows, written);
            return new Synced(seconds, written);
        }
    }

    /**
     * Exactly-once: as many records as rows, each key (the contact id) once; for the Reporting API, exactly the
     * backlog's contact ids.
     */
    private static void check(String api, int rows, List<ConsumerRecord<byte[], byte[]>> written) {
        Set<String> keys = new HashSet<>();
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        long outside = 0;
        long first = ReportingEntity.CONTACTS_COMPLETED.key(0);
        for (ConsumerRecord<byte[], byte[]> record : written) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (!keys.add(key)) {
                duplicates.merge(key, 1, Integer::sum);
            }
            if (api.equals(REPORTING)) {
                long id = Long.parseLong(key);
                if (id < first || id >= first + rows) {
                    outside++;
                }
            }
        }
        System.out.printf(
                "%s exactly-once check (read_committed): records=%d distinct %s=%d duplicates=%d%s%n",
                api,
                written.size(),
                api.equals(REPORTING) ? "contactIds" : "ids",
                keys.size(),
                written.size() - keys.size(),
                api.equals(REPORTING) ? " outside the backlog=" + outside : "");
        if (written.size() != rows || keys.size() != rows || outside != 0) {
            throw new IllegalStateException(api + ": expected " + rows + " records with distinct keys, got "
                    + written.size() + " with " + keys.size() + " distinct (first duplicates "
                    + duplicates.keySet().stream().limit(5).toList() + "), " + outside + " outside the backlog");
        }
    }
}
