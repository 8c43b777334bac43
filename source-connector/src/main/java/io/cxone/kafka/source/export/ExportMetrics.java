package io.cxone.kafka.source.export;

import io.cxone.kafka.common.metrics.PluginSensors;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

/**
 * The export task's metrics, registered as Connect plugin metrics (KIP-877), so they appear in JMX and any
 * metrics reporter next to the worker's own task metrics: chunks, records, bytes, chunk latency,
 * records/s, drift events, checksum mismatches, retries.
 */
public final class ExportMetrics implements AutoCloseable {

    private final PluginSensors sensors;
    private final Sensor chunks;
    private final Sensor records;
    private final Sensor bytes;
    private final Sensor chunkLatency;
    private final Sensor drift;
    private final Sensor checksumMismatch;
    private final Sensor retries;

    /** On the worker's plugin metrics; {@code null} (validation, tests) records into a private registry. */
    public ExportMetrics(PluginMetrics metrics) {
        sensors = PluginSensors.of(metrics);
        chunks = sensors.counter("chunks", "Chunks verified and handed to the worker");
        records = sensors.counterAndRate("records", "Records exported");
        bytes = sensors.counter("bytes", "Response bytes of verified chunks");
        chunkLatency = sensors.latency("chunk-latency", "Time to fetch and verify a chunk");
        drift = sensors.counter("schema-drift-events", "Chunks whose fields drifted from the baseline");
        checksumMismatch =
                sensors.counter("checksum-mismatches", "Re-read chunks whose SHA-256 differed from the offset");
        retries = sensors.counter("retries", "Retried CXone calls");
    }

    public void chunk(int recordCount, long byteCount, long latencyMs) {
        chunks.record();
        records.record(recordCount);
        bytes.record(byteCount);
        chunkLatency.record(latencyMs);
    }

    public void drift() {
        drift.record();
    }

    public void checksumMismatch() {
        checksumMismatch.record();
    }

    public void retry() {
        retries.record();
    }

    /** For tests: metric {@code name} of the private registry. */
    PluginSensors sensors() {
        return sensors;
    }

    @Override
    public void close() {
        sensors.close();
    }
}
