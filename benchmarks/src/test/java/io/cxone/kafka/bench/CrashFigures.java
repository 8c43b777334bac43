package io.cxone.kafka.bench;

import io.cxone.kafka.sink.elasticsearch.SinkWorkerKillRun;
import io.cxone.kafka.source.export.ExportKillRun;
import io.cxone.kafka.source.export.TaskHostKiller;
import io.cxone.kafka.stack.Topology;
import io.cxone.kafka.testkit.StackCluster;
import io.cxone.kafka.testkit.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Crash figures of a replicated deployment: 3 KRaft brokers (replication factor 3, min.insync.replicas 2) and 2 Connect
 * workers, started by the stack's own classes on free ports ({@link StackCluster}), with the CXone simulator, the schema
 * registry and Elasticsearch. Two runs, one result line each on stdout:
 * <ul>
 *   <li>{@code worker-kill}: a records export of two reports; the worker running the export task is killed with
 *       SIGKILL at random moments ({@link ExportKillRun}, every other kill while a chunk's transaction is open) and
 *       started again each time; then read_committed: every row exactly once, every chunk whole with its SHA-256.</li>
 *   <li>{@code sink-worker-kill}: the Elasticsearch sink indexes a topic fed at a steady rate; the worker running the
 *       sink task is killed with SIGKILL and started again; then every record's document exactly once.</li>
 * </ul>
 * Args: export kills, rows per report, chunk size, sink kills, sink records per second, delay of each export page (ms).
 * Progress goes to stderr.
 * Exit code 0 only when both hold. Not a test: run {@code benchmarks/bin/crash-figures}. Results: docs/benchmarks.md.
 */
public final class CrashFigures {

    private CrashFigures() {}

    public static void main(String[] args) throws Exception {
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        int exportKills = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rowsPerReport = args.length > 1 ? Integer.parseInt(args[1]) : 150_000;
        int chunkSize = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int sinkKills = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int sinkRate = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        // slow pages stretch the export over the kills: each kill costs a session timeout, a rebalance and a JVM start
        Duration pageDelay = Duration.ofMillis(args.length > 5 ? Long.parseLong(args[5]) : 1500);
        Path checkout = Path.of("").toAbsolutePath();
        Path work = Files.createDirectories(checkout.resolve("benchmarks/target/crash-figures"))
                .resolve(Long.toString(System.currentTimeMillis(), 36));
        System.out.println("load average at start: " + loadAverage());
        long started = System.nanoTime();

        TestServices.startElasticsearch();
        TestServices.startRegistry();
        Map<String, String> workerSettings = new HashMap<>(StackCluster.QUICK_FAILOVER);
        workerSettings.put("offset.flush.interval.ms", "1000");
        Topology topology = new Topology(3, 2);
        boolean exact;
        try (StackCluster cluster = StackCluster.start(checkout, work, topology, workerSettings)) {
            log("3 brokers and 2 workers up after " + seconds(started) + " s; bootstrap " + cluster.bootstrapServers());

            String suffix = Long.toString(System.currentTimeMillis(), 36);
            String connector = "crash-export-" + suffix;
            TaskHostKiller killer = new TaskHostKiller(cluster, connector, true);
            ExportKillRun.Result export = new ExportKillRun(
                            new ExportKillRun.Settings(
                                    cluster.bootstrapServers(),
                                    connector,
                                    "crash-export-" + suffix,
                                    List.of("crash-report-1", "crash-report-2"),
                                    rowsPerReport,
                                    chunkSize,
                                    exportKills,
                                    pageDelay,
                                    System.nanoTime(),
                                    topology.replicationFactor()),
                            killer)
                    .run();
            System.out.println("worker-kill: " + export.line() + " broken_chunks=" + export.brokenChunks()
                    + " bad_sha256=" + export.badChecksums());
            System.out.println("worker-kill checks: " + export.checks() + " killed=" + killer.killed());

            SinkWorkerKillRun.Result sink = new SinkWorkerKillRun(
                            cluster,
                            new SinkWorkerKillRun.Settings(
                                    sinkKills, sinkRate, 2, topology.replicationFactor(), System.nanoTime()))
                    .run();
            System.out.println("sink-worker-kill: " + sink.line());
            exact = export.exactlyOnce() && export.kills() == exportKills && sink.exact();
        }
        System.out.println("load average at end: " + loadAverage() + "; run took " + seconds(started) + " s");
        System.exit(exact ? 0 : 1);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static long seconds(long since) {
        return (System.nanoTime() - since) / 1_000_000_000L;
    }

    private static void log(String message) {
        System.err.println("crash-figures: " + message);
    }
}
