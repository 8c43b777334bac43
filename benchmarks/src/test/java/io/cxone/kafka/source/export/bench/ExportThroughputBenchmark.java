package io.cxone.kafka.source.export.bench;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.source.bench.CpuClock;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.export.ExportSourceConfig;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Benchmark (not a test): N small rows (default 1,000,000) from the CXone simulator into Kafka through the
 * export connector with exactly-once on (one transaction per 10,000-row chunk), after unmeasured warm-up rounds
 * (connector and raw producer, a fifth as many rows each, until the JIT compilers have settled), against a raw KafkaProducer
 * sending the same records (key, value and headers as the connector wrote them) to the same broker in the same
 * run. Prints records/s of both and the ratio.
 *
 * <p>Fairness: the connector gets the converters, producer overrides and header converter of the shipped
 * {@code connectors/cxone-export-source.json} (values Avro through the registry; {@code json} as second argument
 * uses JsonConverter without schemas instead), nothing else. Both sides are timed to the same point: the
 * connector until every chunk's transaction is committed (the partition's last stable offset covers all rows
 * and commit markers; then a read_committed consumer checks count and distinct keys, untimed), the raw producer
 * until {@code flush()} returns. The raw producer is idempotent (acks=all) and runs twice, with client
 * defaults and with the connector's producer settings; the faster run is the baseline. A third, transactional run
 * (one transaction per chunk, the connector's guarantee) is printed apart to show what exactly-once itself costs.
 * CPU per record is printed per thread group for both phases: on two cores the wall-clock ratio is a CPU ratio.
 * <pre>benchmarks/bin/export-throughput [rows] [avro|json]</pre>
 * Results: docs/benchmarks.md.
 */
public final class ExportThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int chunk = 10_000;
        // Values as shipped (Avro through the registry's converter) by default; "json" for JsonConverter without
        // schemas.
        String values = args.length > 1 ? args[1] : "avro";
        if (!values.equals("avro") && !values.equals("json")) {
            throw new IllegalArgumentException("values must be avro (as shipped) or json, not " + values);
        }
        Map<String, String> shipped = ExportBench.shippedSettings(values.equals("avro"));
        System.out.println("connector settings from " + ExportBench.SHIPPED_CONFIG + ": " + shipped);
        EmbeddedConnectCluster connect = TestServices.connect(); // with the registry, started by shippedSettings
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers()))) {
            Map<String, Object> tuned = ExportBench.producerSettings(shipped);
            // Unmeasured warm-up rounds, each a connector export and a raw producer run of a fifth of the rows, until
            // the
            // JIT compilers used under 10% of this JVM's CPU in a round, for at most 2 minutes. A deployed worker runs
            // for days;
            // here the C2 compiler otherwise takes a third of the two cores during a measured phase of a few seconds.
            // It does not settle entirely (connector and raw phases alternate in one JVM and keep deoptimising the
            // producer's and broker's hot methods), so the per-thread CPU below shows its share of each measured phase.
            int warmupRows = Math.max(chunk, rows / 5);
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("bench.warmup.seconds", 120));
            for (int round = 1; System.nanoTime() < warmupEnd; round++) {
                CpuClock cpu = new CpuClock();
                String warmupTopic = "bench-warmup-" + round;
                try (CxoneSimulator warmup = simulator(warmupRows)) {
                    export(connect, admin, warmup, shipped, warmupRows, chunk, warmupTopic, () -> {});
                }
                ExportBench.rawProducer(
                        connect,
                        warmupTopic + "-raw",
                        ExportBench.readAll(warmupTopic, warmupRows),
                        tuned,
                        0,
                        () -> {});
                double jitShare = cpu.jitSeconds() / cpu.elapsed()[0];
                System.out.printf("warm-up round %d: JIT compilers %.0f%% of this JVM's CPU%n", round, jitShare * 100);
                if (jitShare < 0.10) {
                    break;
                }
            }
            String topic = "bench-export";
            double connectorSeconds;
            double[] connectorCpu;
            try (CxoneSimulator sim = simulator(rows)) {
                CpuClock cpu = new CpuClock();
                double[][] cpuAtEnd = new double[1][];
                // read before the connector is deleted: its threads' CPU time is gone once they exit
                connectorSeconds = export(connect, admin, sim, shipped, rows, chunk, topic, () -> {
                    cpuAtEnd[0] = cpu.elapsed();
                    cpu.print("connector phase", rows);
                });
                connectorCpu = cpuAtEnd[0];
            }
            List<ConsumerRecord<byte[], byte[]>> written = ExportBench.readAll(topic, rows);

            ExportBench.Ceiling raw = ExportBench.ceiling(connect, "bench", written, tuned, chunk);
            double rawDefaultSeconds = raw.defaultsSeconds();
            double rawTunedSeconds = raw.tunedSeconds();
            double rawSeconds = raw.seconds();
            double rawTransactionalSeconds = raw.transactionalSeconds();

            int n = written.size();
            double connectorRate = n / connectorSeconds;
            double rawRate = n / rawSeconds;
            System.out.printf(
                    "export connector (exactly-once, %d-row chunks): %d records in %.1f s = %.0f records/s%n",
                    chunk, n, connectorSeconds, connectorRate);
            System.out.printf(
                    "raw KafkaProducer, client defaults:            %d records in %.1f s = %.0f records/s%n",
                    n, rawDefaultSeconds, n / rawDefaultSeconds);
            System.out.printf(
                    "raw KafkaProducer, connector's settings %s: %d records in %.1f s = %.0f records/s%n",
                    tuned, n, rawTunedSeconds, n / rawTunedSeconds);
            System.out.printf(
                    "raw KafkaProducer, connector's settings, one transaction per %d records: %d records in %.1f s = %.0f records/s%n",
                    chunk, n, rawTransactionalSeconds, n / rawTransactionalSeconds);
            System.out.printf(
                    "ratio connector/raw transactional (same guarantee) = %.2f%n",
                    rawTransactionalSeconds / connectorSeconds);
            System.out.printf(
                    "ratio connector/raw (faster non-transactional raw run) = %.2f (target >= 0.80)%n",
                    connectorRate / rawRate);
            // The machine is shared: CPU time of this JVM (broker and worker included) per record does not depend on
            // what else runs, so it shows where the gap comes from when wall-clock figures are noisy.
            System.out.printf(
                    "CPU of this JVM per 1M records: connector phase %.1f s (of which the simulator standing in for CXone %.1f s),"
                            + " raw phase (connector's settings) %.1f s; load average %.1f%n",
                    connectorCpu[0] * 1e6 / n,
                    connectorCpu[1] * 1e6 / n,
                    raw.tunedCpuSeconds() * 1e6 / n,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the embedded cluster's threads would keep the JVM alive
    }

    private static CxoneSimulator simulator(int rows) {
        return CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(rows)
                .rowShape(List.of(
                        FieldSpec.of("id", FieldType.STRING),
                        FieldSpec.of("duration_ms", FieldType.LONG),
                        FieldSpec.of("agent_id", FieldType.STRING)))
                .build());
    }

    /** Seconds from the export task running until every chunk of {@code rows} is committed to {@code topic}. */
    private static double export(
            EmbeddedConnectCluster connect,
            Admin admin,
            CxoneSimulator sim,
            Map<String, String> shipped,
            int rows,
            int chunk,
            String topic,
            Runnable atCommit)
            throws Exception {
        Map<String, String> config = ExportBench.exactlyOnce(shipped, CxoneExportSourceConnector.class);
        config.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
        config.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
        config.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
        config.put(ExportSourceConfig.REPORTS, "bench");
        config.put(ExportSourceConfig.TOPIC, topic);
        config.put(ExportSourceConfig.KEY_FIELD, "id");
        config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunk));
        config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");
        // Every chunk is one transaction, so the partition ends with one commit marker per chunk.
        return ExportBench.export(connect, admin, config, topic, rows, (rows + chunk - 1) / chunk, () -> {}, atCommit);
    }
}
