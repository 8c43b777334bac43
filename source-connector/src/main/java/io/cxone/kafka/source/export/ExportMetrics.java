package io.cxone.kafka.source.export;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.LinkedHashMap;

/**
 * The export task's metrics, registered as Connect plugin metrics (KIP-877), so they appear in JMX and any
 * metrics reporter next to the worker's own task metrics: chunks, records, bytes, chunk latency,
 * records/s, drift events, checksum mismatches, retries.
 */
public final class ExportMetrics {

    private final Sensor chunks;
    private final Sensor records;
    private final Sensor bytes;
    private final Sensor chunkLatency;
    private final Sensor drift;
    private final Sensor checksumMismatch;
    private final Sensor retries;

    public ExportMetrics(PluginMetrics metrics) {
        if (metrics == null) {
            chunks = records = bytes = chunkLatency = drift = checksumMismatch = retries = null;
            return;
        }
        chunks = counter(metrics, "chunks", "Chunks verified and handed to the worker");
        records = metrics.addSensor("records");
        records.add(name(metrics, "records-total", "Records exported"), new CumulativeSum());
        records.add(name(metrics, "records-rate", "Records exported per second"), new Rate());
        bytes = counter(metrics, "bytes", "Response bytes of verified chunks");
        chunkLatency = metrics.addSensor("chunk-latency");
        chunkLatency.add(name(metrics, "chunk-latency-avg-ms", "Time to fetch and verify a chunk"), new Avg());
        chunkLatency.add(name(metrics, "chunk-latency-max-ms", "Longest time to fetch and verify a chunk"), new Max());
        drift = counter(metrics, "schema-drift-events", "Chunks whose fields drifted from the baseline");
        checksumMismatch = counter(metrics, "checksum-mismatches", "Re-read chunks whose SHA-256 differed from the offset");
        retries = counter(metrics, "retries", "Retried CXone calls");
    }

    private static Sensor counter(PluginMetrics metrics, String name, String description) {
        Sensor sensor = metrics.addSensor(name);
        sensor.add(name(metrics, name + "-total", description), new CumulativeSum());
        return sensor;
    }

    private static MetricName name(PluginMetrics metrics, String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
    }

    public void chunk(int recordCount, long byteCount, long latencyMs) {
        record(chunks, 1);
        record(records, recordCount);
        record(bytes, byteCount);
        record(chunkLatency, latencyMs);
    }

    public void drift() {
        record(drift, 1);
    }

    public void checksumMismatch() {
        record(checksumMismatch, 1);
    }

    public void retry() {
        record(retries, 1);
    }

    private static void record(Sensor sensor, double value) {
        if (sensor != null) {
            sensor.record(value);
        }
    }
}
